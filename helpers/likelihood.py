"""Where the log joint of a NumPyro model comes from, site by site.

``site_table`` runs a model once with the latent values you give it and lists every
``sample`` and ``factor`` site with its role and its contribution to the log joint;
the contributions add up to ``numpyro.infer.util.log_density``.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["site_role", "trace_table", "site_table", "normal_log_density"]

_LOG_2PI = math.log(2 * math.pi)


def site_role(site):
    """Name the part a traced ``sample`` site plays in the log joint.

    Parameters
    ----------
    site : dict
        One entry of a ``numpyro.handlers.trace`` trace, of type ``"sample"``.

    Returns
    -------
    str
        ``"factor"`` for a ``numpyro.factor`` site (recorded by NumPyro as an observed
        site with a ``Unit`` distribution), ``"likelihood"`` for an observed site,
        ``"prior"`` for a latent one.
    """
    from numpyro.distributions.distribution import Unit

    if isinstance(site["fn"], Unit):
        return "factor"
    return "likelihood" if site["is_observed"] else "prior"


def trace_table(trace):
    """Tabulate the ``sample`` sites of a ``numpyro.handlers.trace`` trace.

    Parameters
    ----------
    trace : dict
        From ``handlers.trace(handlers.seed(model, key)).get_trace(*args)``.

    Returns
    -------
    pandas.DataFrame
        One row per sample site, in execution order: ``site``, ``distribution``,
        ``observed`` (was a value given with ``obs=``), ``value_shape`` and ``value``
        (the drawn or observed value, as a NumPy array).

    Examples
    --------
    >>> import numpyro, numpyro.distributions as dist
    >>> def model():
    ...     numpyro.sample("mu", dist.Normal(0, 1))
    >>> tr = numpyro.handlers.trace(numpyro.handlers.seed(model, 0)).get_trace()
    >>> trace_table(tr)[["site", "distribution", "observed"]].values.tolist()
    [['mu', 'Normal', False]]
    """
    import pandas as pd

    rows = [
        {
            "site": name,
            "distribution": type(site["fn"]).__name__,
            "observed": bool(site["is_observed"]),
            "value_shape": tuple(jnp.shape(site["value"])),
            "value": np.asarray(site["value"]),
        }
        for name, site in trace.items()
        if site["type"] == "sample"
    ]
    return pd.DataFrame(rows, columns=["site", "distribution", "observed", "value_shape", "value"])


def _latent_sites(model, params, args, kwargs):
    from numpyro import handlers

    # Substitute what we have, so sites that cannot be drawn (ImproperUniform) are not.
    seeded = handlers.substitute(handlers.seed(model, 0), data=params)
    tr = handlers.trace(seeded).get_trace(*args, **kwargs)
    return [
        name
        for name, site in tr.items()
        if site["type"] == "sample" and not site["is_observed"]
    ]


def _check_params(model, params, args, kwargs):
    latent = _latent_sites(model, params, args, kwargs)
    missing = [name for name in latent if name not in params]
    extra = [name for name in params if name not in latent]
    if missing:
        raise ValueError(
            f"params has no value for latent site(s) {missing}; the model's latent "
            f"sites are {latent}. Give one value per latent site."
        )
    if extra:
        raise ValueError(
            f"params has value(s) for {extra}, which are not latent sites of the "
            f"model (latent sites: {latent}). Observed data go in the model's "
            "arguments, not in params."
        )


def site_table(model, params, *args, **kwargs):
    """List every sample/factor site's contribution to the log joint.

    Parameters
    ----------
    model : callable
        A NumPyro model.
    params : dict
        One (constrained) value for every latent site, keyed by site name.
    *args, **kwargs
        Passed to the model, e.g. ``X, y=y``.

    Returns
    -------
    pandas.DataFrame
        One row per site: ``site``, ``role`` (``"prior"``, ``"likelihood"`` or
        ``"factor"``), ``value_shape``, ``log_prob_shape`` (before summing) and
        ``log_prob`` (summed, as a float). ``attrs["total"]`` is the sum of the
        column, equal to ``numpyro.infer.util.log_density(model, args, kwargs,
        params)[0]``.

    Raises
    ------
    ValueError
        If ``params`` misses a latent site or names a site that is not latent.

    Examples
    --------
    >>> import numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu, 1), obs=y)
    >>> site_table(model, {"mu": 0.0}, y=0.0)["role"].tolist()
    ['prior', 'likelihood']
    """
    import pandas as pd
    from numpyro.infer.util import compute_log_probs

    _check_params(model, params, args, kwargs)
    log_probs, tr = compute_log_probs(model, args, kwargs, params, sum_log_prob=False)
    rows = [
        {
            "site": name,
            "role": site_role(tr[name]),
            "value_shape": tuple(jnp.shape(tr[name]["value"])),
            "log_prob_shape": tuple(jnp.shape(lp)),
            "log_prob": float(jnp.sum(lp)),
        }
        for name, lp in log_probs.items()
    ]
    table = pd.DataFrame(
        rows, columns=["site", "role", "value_shape", "log_prob_shape", "log_prob"]
    )
    table.attrs["total"] = float(sum(jnp.sum(lp) for lp in log_probs.values()))
    return table


def normal_log_density(y, mu, sigma):
    """The Normal log density, written out term by term.

    ``log N(y | mu, sigma) = -0.5 log(2 pi) - log(sigma) - (y - mu)**2 / (2 sigma**2)``,
    element-wise with NumPy broadcasting; ``sigma`` is a standard deviation (a
    scale), not a variance.

    Parameters
    ----------
    y, mu, sigma : array_like
        Broadcastable arrays (NumPy or JAX); every ``sigma`` must be > 0.

    Returns
    -------
    array
        The log density of each element, with the broadcast shape. JAX arrays in,
        JAX array out, so it can sit inside a model or under ``jax.grad``.

    Raises
    ------
    ValueError
        If a concrete ``sigma`` has an entry <= 0, or the shapes do not broadcast.

    Examples
    --------
    >>> round(float(normal_log_density(0.0, 0.0, 1.0)), 6)
    -0.918939
    """
    shapes = [jnp.shape(a) for a in (y, mu, sigma)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            f"y, mu and sigma must broadcast together, got shapes {shapes}."
        ) from None
    # Inside jit or grad sigma is a tracer with no value to check.
    if not isinstance(sigma, jax.core.Tracer) and np.any(np.asarray(sigma) <= 0):
        raise ValueError(
            f"sigma must be > 0 everywhere (a standard deviation), got min "
            f"{np.min(np.asarray(sigma))}. If you hold a variance, pass its square root."
        )
    z = (jnp.asarray(y) - mu) / sigma
    return -0.5 * _LOG_2PI - jnp.log(sigma) - 0.5 * z**2
