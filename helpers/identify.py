"""Find what a likelihood cannot tell apart.

``rescale_invariance`` evaluates a log-likelihood along the rescaling
``(f, w, b) -> (c f, w / c, b / c)``; ``flat_directions`` maximises a model's
log-likelihood and reads the flat directions off the Hessian's eigenvectors there.
"""

import numpy as np

__all__ = ["rescale", "rescale_invariance", "observed_log_likelihood", "flat_directions"]


def rescale(params, c):
    """Return ``params`` with ``f`` multiplied by ``c`` and ``w``, ``b`` divided by it.

    ``f * (X @ w + b)`` is unchanged, so the likelihood of ``mu = f * (X w + b)`` is too.

    Examples
    --------
    >>> rescale({"f": 1.0, "w": 2.0, "b": 4.0, "sigma": 0.1}, 2.0)
    {'f': 2.0, 'w': 1.0, 'b': 2.0, 'sigma': 0.1}
    """
    if not np.isfinite(c) or c == 0:
        raise ValueError(f"each scale c must be finite and non-zero, got {c!r}.")
    return {**params, "f": params["f"] * c, "w": params["w"] / c, "b": params["b"] / c}


def rescale_invariance(loglik_fn, params, scales):
    """Evaluate ``loglik_fn`` at ``rescale(params, c)`` for each ``c`` in ``scales``.

    Parameters
    ----------
    loglik_fn : callable
        ``loglik_fn(params) -> float``, the log-likelihood at a parameter dict.
    params : dict
        The reference point, with keys ``f``, ``w`` and ``b``.
    scales : sequence of float
        Non-zero factors ``c``.

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
    values = [float(loglik_fn(rescale(params, c))) for c in scales]
    return pd.DataFrame(
        {"c": np.asarray(scales, dtype=float), "loglik": values,
         "difference": np.subtract(values, reference)}
    )


def _observed_sum(trace):
    """Sum of the observed and factor sites' log-probs (with ``handlers.scale``)."""
    total = 0.0
    for site in trace.values():
        if site["type"] == "sample" and site["is_observed"]:
            lp = site["fn"].log_prob(site["value"])
            total = total + (lp if site.get("scale") is None else site["scale"] * lp).sum()
    return total


def observed_log_likelihood(model, params, *args, **kwargs):
    """Sum of the observed sites' log densities at ``params`` (priors left out).

    ``numpyro.factor`` sites count too: NumPyro records them as observed sites.

    Parameters
    ----------
    model : callable
    params : dict
        One (constrained) value for every latent site.
    *args, **kwargs
        Passed to the model, with the data.

    Returns
    -------
    jax.Array
        A scalar; differentiable with JAX.

    Examples
    --------
    >>> import numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 10))
    ...     numpyro.sample("y", dist.Normal(mu, 1), obs=y)
    >>> round(float(observed_log_likelihood(model, {"mu": 0.0}, y=0.0)), 4)
    -0.9189
    """
    from helpers.sites import trace_model

    return _observed_sum(trace_model(model, args, kwargs, params=params))


def _loglik_fn(model, args, kwargs, fixed, supports):
    """Log-likelihood as a function of unconstrained values of some latent sites."""
    from numpyro import handlers
    from numpyro.distributions import biject_to

    def loglik(u):
        values = {k: biject_to(supports[k])(v) for k, v in u.items()}
        run = handlers.substitute(handlers.seed(model, 0), data={**fixed, **values})
        return _observed_sum(handlers.trace(run).get_trace(*args, **kwargs))

    return loglik


def _touched(grad_fn, u, rng):
    """Sites with a non-zero log-likelihood gradient at ``u`` or at a nearby point."""
    import jax.numpy as jnp

    grads = [grad_fn(u), grad_fn({k: v + rng.normal(size=v.shape) for k, v in u.items()})]
    return [k for k in u if any(bool(jnp.any(g[k] != 0)) for g in grads)]


def _maximise(neg, u0):
    """BFGS on the negative log-likelihood, then Newton steps; returns ``(u, H)``."""
    import jax
    import scipy.optimize

    value_and_grad, hessian = jax.jit(jax.value_and_grad(neg)), jax.jit(jax.hessian(neg))

    def fun(u):
        value, grad = value_and_grad(u)
        return float(value), np.asarray(grad, dtype=np.float64)

    u = scipy.optimize.minimize(fun, np.asarray(u0), jac=True, method="BFGS",
                                options={"gtol": 1e-9, "maxiter": 5000}).x
    for _ in range(10):  # polish: Newton steps with a pseudo-inverse (the ridge is singular)
        value, grad = fun(u)
        H = np.asarray(hessian(u), dtype=np.float64)
        step = np.linalg.lstsq(H, grad, rcond=1e-12)[0]
        if not grad @ step > 1e-10 or not fun(u - step)[0] < value:
            break
        u = u - step
    return u, np.asarray(hessian(u), dtype=np.float64), fun(u)


def flat_directions(model, model_args=(), model_kwargs=None, *, params=None, tol=1e-3):
    """Maximise the log-likelihood, then find its flat directions from the Hessian there.

    The log-likelihood (observed and factor sites, no priors) is maximised with BFGS
    over NumPyro's unconstrained coordinates, in float64, starting where NUTS would
    (or at ``params``). Latent sites the likelihood does not depend on (a
    hierarchical model's hyperparameters) are left out and held fixed. At the
    maximum, the Hessian ``H`` of the negative log-likelihood is scaled to unit
    diagonal, ``H_ij / sqrt(H_ii H_jj)``, so that a coordinate known to 1e-4 and one
    known to 10 compare fairly; a direction along which the likelihood stays
    constant has a scaled eigenvalue near 0. Away from a maximum a Hessian can have
    negative eigenvalues in an identified model, which is why it optimises first.

    Parameters
    ----------
    model : callable
        A NumPyro model with continuous latent sites.
    model_args : tuple
        Positional arguments of the model, e.g. ``(X,)``.
    model_kwargs : dict, optional
        Keyword arguments of the model, with the data, e.g. ``{"y": y}``.
    params : dict, optional
        Starting values (one constrained value per latent site).
    tol : float
        A scaled eigenvalue with ``|eigenvalue| <= tol`` counts as flat.

    Returns
    -------
    dict
        ``eigenvalues`` (scaled, ascending), ``directions`` (columns: the matching
        eigenvectors in unconstrained coordinates, unit length), ``names`` (one per
        coordinate, e.g. ``"w[1]"``), ``hessian`` (unscaled), ``flat`` (indices of flat
        eigenvalues; empty when the likelihood is locally identified),
        ``flat_sites`` (sites that move along a flat direction), ``optimum``
        (constrained values at the maximum), ``loglik`` (its value), ``converged``
        (a maximum was reached: Newton decrement < 1e-6 and no scaled eigenvalue
        below ``-tol``) and ``left_out`` (latent sites the likelihood does not touch).

    Raises
    ------
    ValueError
        If the model has a discrete latent site, or no latent site the likelihood
        depends on.

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     a = numpyro.sample("a", dist.Normal(0, 10))
    ...     b = numpyro.sample("b", dist.Normal(0, 10))
    ...     numpyro.sample("y", dist.Normal(a + b, 1), obs=y)
    >>> result = flat_directions(model, model_kwargs={"y": np.array([1.0, 2.0])})
    >>> result["flat"].tolist(), result["flat_sites"]
    ([0], ['a', 'b'])
    """
    import jax
    import jax.numpy as jnp
    from jax.flatten_util import ravel_pytree
    from numpyro.distributions import biject_to

    from helpers.sites import trace_model

    kwargs = {} if model_kwargs is None else dict(model_kwargs)
    trace = trace_model(model, model_args, kwargs, params=params)
    latent = {k: s for k, s in trace.items() if s["type"] == "sample" and not s["is_observed"]}
    discrete = [k for k, s in latent.items() if s["fn"].support.is_discrete]
    if discrete:
        raise ValueError(f"flat_directions needs continuous latent sites; {discrete} are "
                         "discrete. Marginalise them (enumeration) or fix them first.")
    supports = {k: s["fn"].support for k, s in latent.items()}
    with jax.enable_x64(True):
        u0 = {k: jnp.asarray(biject_to(supports[k]).inv(s["value"]), dtype=jnp.float64)
              for k, s in latent.items()}
        full = _loglik_fn(model, model_args, kwargs, {}, supports)
        touched = _touched(jax.jit(jax.grad(full)), u0, np.random.default_rng(0))
        if not touched:
            raise ValueError("the log-likelihood depends on no latent site: does the model "
                             "have an observed site (did you pass the data, e.g. y=y)?")
        fixed = {k: s["value"] for k, s in latent.items() if k not in touched}
        flat_u0, unravel = ravel_pytree({k: u0[k] for k in touched})
        loglik = _loglik_fn(model, model_args, kwargs, fixed, supports)
        u, hessian, (value, grad) = _maximise(lambda x: -loglik(unravel(x)), flat_u0)
        optimum = {k: np.asarray(biject_to(supports[k])(v), dtype=np.float64)
                   for k, v in unravel(jnp.asarray(u)).items()}
    hessian = (hessian + hessian.T) / 2
    scale = np.sqrt(np.abs(np.diag(hessian)))
    scale[scale == 0] = 1.0  # a coordinate with no curvature at all: flat by itself
    eigenvalues, vectors = np.linalg.eigh(hessian / np.outer(scale, scale))
    directions = vectors / scale[:, None]
    directions /= np.linalg.norm(directions, axis=0)
    flat = np.flatnonzero(np.abs(eigenvalues) <= tol)
    names = _coordinate_names(optimum)
    moving = {names[i].split("[")[0] for j in flat for i in np.flatnonzero(
        np.abs(vectors[:, j]) > 0.05)}
    decrement = float(grad @ np.linalg.lstsq(hessian, grad, rcond=1e-12)[0])
    return {
        "eigenvalues": eigenvalues,
        "directions": directions,
        "names": names,
        "hessian": hessian,
        "flat": flat,
        "flat_sites": [k for k in latent if k in moving],
        "optimum": optimum,
        "loglik": -value,
        "converged": abs(decrement) < 1e-6 and bool(np.all(eigenvalues > -tol)),
        "left_out": [k for k in latent if k not in touched],
    }


def _coordinate_names(tree):
    """Coordinate labels in ``ravel_pytree`` order (sorted keys, flattened values)."""
    names = []
    for key in sorted(tree):
        size = int(np.size(tree[key]))
        names += [key] if np.ndim(tree[key]) == 0 else [f"{key}[{i}]" for i in range(size)]
    return names
