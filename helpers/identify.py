"""Find what a likelihood cannot tell apart: the flat directions of its Hessian at the
maximum, e.g. the rescaling ``(f, w, b) -> (c f, w / c, b / c)`` of ``f * (X @ w + b)``.
"""

import math

import numpy as np

__all__ = ["flat_directions"]


def _observed_sum(trace):
    """Sum of the observed and factor sites' log-probs (with ``handlers.scale``)."""
    total = 0.0
    for site in trace.values():
        if site["type"] == "sample" and site["is_observed"]:
            lp = site["fn"].log_prob(site["value"])
            total = total + (lp if site.get("scale") is None else site["scale"] * lp).sum()
    return total


def _loglik_fn(model, args, kwargs, fixed, supports):
    """Log-likelihood as a function of unconstrained values of some latent sites."""
    from numpyro import handlers
    from numpyro.distributions import biject_to

    def loglik(u):
        values = {k: biject_to(supports[k])(v) for k, v in u.items()}
        run = handlers.substitute(model, data={**fixed, **values})  # no site left to draw
        return _observed_sum(handlers.trace(run).get_trace(*args, **kwargs))

    return loglik


def _maximise(value_and_grad, start, idx):
    """BFGS over coordinates ``idx``, the others held at ``start``: the full vector at the end."""
    import scipy.optimize

    def full(x):
        out = start.copy()
        out[idx] = x
        return out

    def fun(x):
        value, grad = value_and_grad(full(x))
        return float(value), np.asarray(grad, dtype=np.float64)[idx]

    return full(scipy.optimize.minimize(fun, start[idx], jac=True, options={"gtol": 1e-9}).x)


def flat_directions(model, model_args=(), model_kwargs=None, *, params=None, tol=1e-3):
    """Maximise the log-likelihood, then find its flat directions from the Hessian there.

    The log-likelihood (observed and factor sites, no priors) is maximised with BFGS in
    NumPyro's unconstrained coordinates, from where NUTS would start (or ``params``);
    latent sites it does not depend on are held fixed. The Hessian of the negative
    log-likelihood there is scaled to unit diagonal, so that coordinates known to 1e-4
    and to 10 compare fairly; a scaled eigenvalue with ``|eigenvalue| <= tol`` is flat.
    JAX's precision is used (float32 unless ``jax_enable_x64`` is on; the
    ``jax.enable_x64`` context manager broke later jitted calls on jax 0.10.2).

    Returns a dict: ``eigenvalues`` (scaled, ascending), ``directions`` (unit
    eigenvectors as columns, unconstrained), ``names`` (e.g. ``"w[1]"``), ``hessian``
    (unscaled), ``flat`` (indices of flat eigenvalues), ``flat_sites``, ``optimum``
    (constrained), ``loglik``, ``converged`` (Newton decrement ``g' H^+ g < 0.01`` off
    the flat directions, and no scaled eigenvalue below ``-tol``) and ``left_out`` (sites
    the likelihood does not touch). A ValueError says when a latent site is discrete, the
    likelihood touches no latent site or more coordinates than there are data values, or
    has no finite maximum (where it stops, its slope or curvature is not finite).

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

    from helpers.sites import site_role, trace_model

    kwargs = {} if model_kwargs is None else dict(model_kwargs)
    trace = trace_model(model, model_args, kwargs, params=params)
    latent = {k: s for k, s in trace.items() if s["type"] == "sample" and not s["is_observed"]}
    discrete = [k for k, s in latent.items() if s["fn"].support.is_discrete]
    if discrete:
        raise ValueError(f"flat_directions needs continuous latent sites; {discrete} are "
                         "discrete. Marginalise them (enumeration) or fix them first.")
    supports = {k: s["fn"].support for k, s in latent.items()}
    plates = {k: s["value"] for k, s in trace.items() if s["type"] == "plate"}  # subsamples
    n_values = sum(math.prod(s["fn"].batch_shape) if site_role(s) == "factor"
                   else np.size(s["value"]) for s in trace.values()
                   if site_role(s) in ("observed", "factor"))
    u0 = {k: jnp.asarray(biject_to(supports[k]).inv(s["value"]))
          for k, s in latent.items()}
    start, unravel = ravel_pytree(u0)
    loglik = _loglik_fn(model, model_args, kwargs, plates, supports)

    def neg(x):
        return -loglik(unravel(x))

    value_and_grad, hessian = jax.jit(jax.value_and_grad(neg)), jax.jit(jax.hessian(neg))
    names = np.array(_coordinate_names(u0))
    site_of = np.array([n.split("[")[0] for n in names])
    start = np.asarray(start)
    nearby = start + np.random.default_rng(0).normal(size=start.shape)
    moves = (np.asarray(value_and_grad(start)[1]) != 0) | (
        np.asarray(value_and_grad(nearby)[1]) != 0)
    touched = [k for k in latent if moves[site_of == k].any()]
    if not touched:
        raise ValueError("the log-likelihood depends on no latent site: does the model "
                         "have an observed site (did you pass the data, e.g. y=y)?")
    idx = np.flatnonzero(np.isin(site_of, touched))
    if idx.size > n_values:
        raise ValueError(
            f"the likelihood involves {idx.size} coordinates of {touched} but the data "
            f"hold {n_values} values: it cannot pin them all down (its maximum may not "
            "even exist); only the priors can, as in most hierarchical models.")
    u = _maximise(value_and_grad, start, idx)
    value, grad = value_and_grad(u)
    value, grad = float(value), np.asarray(grad)[idx]
    hessian = np.asarray(hessian(u))[np.ix_(idx, idx)]
    optimum = {k: np.asarray(biject_to(supports[k])(v)) for k, v in unravel(jnp.asarray(u)).items()}
    bad = ~np.isfinite(hessian).all(axis=0) | ~np.isfinite(grad)
    if bad.any() or not np.isfinite(value):
        raise ValueError(
            f"the log-likelihood has no finite maximum from this start: where the optimiser "
            f"stopped (log-likelihood {-value:.3g}) its curvature or slope is not finite in "
            f"{names[idx][bad].tolist()}. It runs off to infinity (e.g. classes a predictor "
            "separates perfectly, or a scale going to 0): flat directions not assessed.")
    hessian = (hessian + hessian.T) / 2
    scale = np.sqrt(np.abs(np.diag(hessian)))
    scale[scale == 0] = 1.0  # a coordinate with no curvature at all: flat by itself
    eigenvalues, vectors = np.linalg.eigh(hessian / np.outer(scale, scale))
    directions = vectors / scale[:, None]
    directions /= np.linalg.norm(directions, axis=0)
    steep = np.abs(eigenvalues) > tol
    flat = np.flatnonzero(~steep)
    names, site_of = names[idx].tolist(), site_of[idx]
    moving = {site_of[i] for j in flat for i in np.flatnonzero(np.abs(vectors[:, j]) > 0.05)}
    slopes = vectors.T @ (grad / scale)  # along each scaled eigenvector
    decrement = float(np.sum(slopes[steep] ** 2 / eigenvalues[steep]))  # g' H^+ g off the flat
    return {
        "eigenvalues": eigenvalues,
        "directions": directions,
        "names": names,
        "hessian": hessian,
        "flat": flat,
        "flat_sites": [k for k in latent if k in moving],
        "optimum": optimum,
        "loglik": -value,
        "converged": abs(decrement) < 1e-2 and bool(np.all(eigenvalues > -tol)),
        "left_out": [k for k in latent if k not in touched],
    }


def _coordinate_names(tree):
    """Coordinate labels in ``ravel_pytree`` order (sorted keys, flattened values)."""
    return [key if np.ndim(tree[key]) == 0 else f"{key}[{i}]"
            for key in sorted(tree) for i in range(int(np.size(tree[key])))]
