"""Find what a likelihood cannot tell apart.

``rescale_invariance`` evaluates a log-likelihood along the rescaling
``(f, w, b) -> (c f, w / c, b / c)``; ``flat_directions`` finds the directions in which
the log-likelihood's Hessian (in NumPyro's unconstrained space) is flat.
"""

import numpy as np

__all__ = [
    "rescale",
    "rescale_invariance",
    "observed_log_likelihood",
    "least_squares",
    "flat_directions",
]


def rescale(params, c, scale_key="f", inverse_keys=("w", "b")):
    """Return ``params`` with ``params[scale_key] * c`` and each inverse key divided by ``c``.

    Raises
    ------
    ValueError
        If ``c`` is 0 or not finite, or a key is missing from ``params``.

    Examples
    --------
    >>> rescale({"f": 1.0, "w": 2.0, "b": 4.0}, 2.0)
    {'f': 2.0, 'w': 1.0, 'b': 2.0}
    """
    if not np.isfinite(c) or c == 0:
        raise ValueError(f"each scale c must be finite and non-zero, got {c!r}.")
    missing = [k for k in (scale_key, *inverse_keys) if k not in params]
    if missing:
        raise ValueError(
            f"params has no {missing}; it has {list(params)}. Name the keys with "
            "scale_key= and inverse_keys=."
        )
    out = dict(params)
    out[scale_key] = params[scale_key] * c
    for key in inverse_keys:
        out[key] = params[key] / c
    return out


def rescale_invariance(loglik_fn, params, scales, scale_key="f", inverse_keys=("w", "b")):
    """Evaluate ``loglik_fn`` at ``params`` rescaled by each ``c`` in ``scales``.

    Parameters
    ----------
    loglik_fn : callable
        ``loglik_fn(params) -> float``, the log-likelihood at a parameter dict.
    params : dict
        The reference point.
    scales : sequence of float
        Non-zero factors ``c``; ``(c f, w / c, b / c)`` is evaluated for each.
    scale_key, inverse_keys : str, tuple of str
        Which entry is multiplied and which are divided.

    Returns
    -------
    pandas.DataFrame
        Columns ``c``, ``loglik`` and ``difference`` (``loglik`` minus the value at
        ``params``), one row per scale.

    Examples
    --------
    >>> ll = lambda p: -(p["f"] * (p["w"] + p["b"]) - 3.0) ** 2
    >>> rescale_invariance(ll, {"f": 1.0, "w": 1.0, "b": 2.0}, [-1, 2])["difference"].tolist()
    [0.0, 0.0]
    """
    import pandas as pd

    reference = float(loglik_fn(params))
    rows = []
    for c in scales:
        value = float(loglik_fn(rescale(params, c, scale_key, inverse_keys)))
        rows.append({"c": float(c), "loglik": value, "difference": value - reference})
    return pd.DataFrame(rows, columns=["c", "loglik", "difference"])


def observed_log_likelihood(model, params, *args, **kwargs):
    """Sum of the observed sites' log densities at ``params`` (priors left out).

    Parameters
    ----------
    model : callable
    params : dict
        A (constrained) value for every latent site.
    *args, **kwargs
        Passed to the model, with the data.

    Returns
    -------
    jax.Array
        A scalar; differentiable with JAX.
    """
    from numpyro.infer.util import compute_log_probs

    log_probs, trace = compute_log_probs(model, args, kwargs, params)
    return sum(lp for name, lp in log_probs.items() if trace[name]["is_observed"])


def least_squares(X, y):
    """Fit ``y = X w + b`` by least squares: the maximum likelihood of a normal linear model.

    Parameters
    ----------
    X : array_like, shape (n, j)
    y : array_like, shape (n,)

    Returns
    -------
    dict
        ``coef`` (``w`` then ``b``, shape (j + 1,)), ``se`` (their standard errors) and
        ``sigma`` (the maximum-likelihood noise sd, root mean squared residual).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 1.0]])
    >>> least_squares(X, X @ np.array([1.0, -1.0]) + 2.0)["coef"].round(6).tolist()
    [1.0, -1.0, 2.0]
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.shape != X.shape[:1] or X.shape[0] <= X.shape[1] + 1:
        raise ValueError(
            "expected X of shape (n, j) and y of shape (n,) with n > j + 1 points; got X "
            f"{X.shape} and y {y.shape}. Pass one row of X per observation."
        )
    design = np.column_stack([X, np.ones(len(y))])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    sigma = float(np.sqrt(np.mean((y - design @ coef) ** 2)))
    se = sigma * np.sqrt(np.diag(np.linalg.pinv(design.T @ design)))
    return {"coef": coef, "se": se, "sigma": sigma}


def flat_directions(model, params, *args, tol=1e-3, **kwargs):
    """Find the directions in which the log-likelihood is flat, from its Hessian.

    The Hessian ``H`` of the negative log-likelihood is taken in NumPyro's
    unconstrained space and scaled to unit diagonal, ``H_ij / sqrt(H_ii H_jj)``, so
    that a coordinate measured in tiny units (a weight known to 1e-4) and one in large
    units compare fairly; its eigenvalues then lie between 0 and the dimension. At a
    maximum of the likelihood a direction along which the likelihood stays constant
    has eigenvalue 0.

    Parameters
    ----------
    model : callable
    params : dict
        Constrained values of every latent site, ideally the maximum-likelihood point.
    *args, **kwargs
        Passed to the model, with the data.
    tol : float
        A scaled eigenvalue ``<= tol`` counts as flat.

    Returns
    -------
    dict
        ``eigenvalues`` (scaled, ascending), ``directions`` (columns: the matching
        eigenvectors mapped back to unconstrained coordinates, unit length), ``names``
        (the label of each coordinate, e.g. ``"w[1]"``), ``hessian`` (unscaled) and
        ``flat`` (indices of the flat eigenvalues; empty when the model is locally
        identified).
    """
    import jax
    from jax.flatten_util import ravel_pytree
    from numpyro.infer.util import constrain_fn, unconstrain_fn

    if not tol > 0:
        raise ValueError(f"tol must be > 0, got {tol!r}.")
    flat_u, unravel = ravel_pytree(unconstrain_fn(model, args, kwargs, params))

    def neg_loglik(u):
        constrained = constrain_fn(model, args, kwargs, unravel(u))
        return -observed_log_likelihood(model, constrained, *args, **kwargs)

    # jit: one compilation is ~10x faster than JAX's op-by-op evaluation of a Hessian
    hessian = np.asarray(jax.jit(jax.hessian(neg_loglik))(flat_u), dtype=np.float64)
    hessian = (hessian + hessian.T) / 2
    scale = np.sqrt(np.abs(np.diag(hessian)))
    if np.any(scale == 0):
        names = np.array(_coordinate_names(unravel(flat_u)))[scale == 0].tolist()
        raise ValueError(
            f"the log-likelihood does not depend on {names} at all (zero curvature): "
            "they are set by their priors alone. Check that the model uses them."
        )
    eigenvalues, vectors = np.linalg.eigh(hessian / np.outer(scale, scale))
    directions = vectors / scale[:, None]
    directions /= np.linalg.norm(directions, axis=0)
    return {
        "eigenvalues": eigenvalues,
        "directions": directions,
        "names": _coordinate_names(unravel(flat_u)),
        "hessian": hessian,
        "flat": np.flatnonzero(eigenvalues <= tol),
    }


def _coordinate_names(tree):
    names = []
    for key in sorted(tree):
        size = int(np.size(tree[key]))
        names += [key] if np.ndim(tree[key]) == 0 else [f"{key}[{i}]" for i in range(size)]
    return names
