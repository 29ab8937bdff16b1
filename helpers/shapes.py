"""Catch observed sites whose log-likelihood is silently broadcast.

The classic trap: ``y`` of shape (N, 1) observed under ``Normal(mu, sigma)`` with
``mu`` of shape (N,). The log density broadcasts to (N, N), NumPyro sums all N*N
terms, and the fit is wrong without an error. Any observed site whose log-prob has
more entries than the observed value has data points shows the same bug.
"""

import math

import jax.numpy as jnp

__all__ = ["observed_shape_rows", "check_observed_shapes"]


def _value_batch_shape(site):
    shape = tuple(jnp.shape(site["value"]))
    n_event = len(site["fn"].event_shape)
    return shape[: len(shape) - n_event] if n_event else shape


def observed_shape_rows(model, *args, **kwargs):
    """Trace ``model`` once (seeded) and describe each observed site's shapes.

    Parameters
    ----------
    model : callable
        A NumPyro model.
    *args, **kwargs
        Passed to the model; include the observed data, e.g. ``X, y=y``.

    Returns
    -------
    list of dict
        One dict per observed site (``factor`` sites excluded) with ``site``,
        ``value_shape``, ``batch_shape``, ``event_shape``, ``log_prob_shape``,
        ``terms`` (entries summed into the log joint) and ``expected`` (data points
        in the observed value).
    """
    from numpyro import handlers
    from numpyro.distributions.distribution import Unit

    tr = handlers.trace(handlers.seed(model, 0)).get_trace(*args, **kwargs)
    rows = []
    for name, site in tr.items():
        if site["type"] != "sample" or not site["is_observed"]:
            continue
        if isinstance(site["fn"], Unit):
            continue
        log_prob_shape = tuple(jnp.shape(site["fn"].log_prob(site["value"])))
        expected_shape = _value_batch_shape(site)
        rows.append(
            {
                "site": name,
                "value_shape": tuple(jnp.shape(site["value"])),
                "batch_shape": tuple(site["fn"].batch_shape),
                "event_shape": tuple(site["fn"].event_shape),
                "log_prob_shape": log_prob_shape,
                "terms": math.prod(log_prob_shape),
                "expected": math.prod(expected_shape),
            }
        )
    return rows


def _problem(row):
    return (
        f"observed site {row['site']!r} has value shape {row['value_shape']} but its "
        f"distribution has batch shape {row['batch_shape']} and event shape "
        f"{row['event_shape']}: the log-likelihood is broadcast to "
        f"{row['log_prob_shape']}, summing {row['terms']} terms instead of "
        f"{row['expected']}. Make the observed value's shape equal batch_shape + "
        "event_shape, e.g. pass y.ravel() (shape (N,)) instead of an (N, 1) column, "
        "or check which dimension each plate uses."
    )


def check_observed_shapes(model, *args, **kwargs):
    """Raise if any observed site sums more log-prob terms than it has data points.

    Parameters
    ----------
    model : callable
        A NumPyro model.
    *args, **kwargs
        Passed to the model; include the observed data.

    Returns
    -------
    list of dict
        The rows of :func:`observed_shape_rows`, when every site is fine.

    Raises
    ------
    ValueError
        Naming every offending site, both shapes, the number of terms summed vs
        expected, and the fix.

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu * np.ones(3), 1), obs=y)
    >>> check_observed_shapes(model, y=np.zeros(3))[0]["terms"]
    3
    >>> check_observed_shapes(model, y=np.zeros((3, 1)))
    Traceback (most recent call last):
    ...
    ValueError: observed site 'y' has value shape (3, 1) ...
    """
    rows = observed_shape_rows(model, *args, **kwargs)
    problems = [_problem(row) for row in rows if row["terms"] > row["expected"]]
    if problems:
        raise ValueError("\n".join(problems))
    return rows
