"""What a NumPyro model is made of, site by site: a NUTS-style trace, each site's role
and share of the log joint, and the shape rule (an observed value's shape must be its
distribution's ``batch_shape + event_shape``; an (N, 1) ``y`` sums N * N terms, not N).
"""

import math
import warnings

import jax.numpy as jnp
import numpy as np

__all__ = ["trace_model", "site_role", "trace_table", "site_table", "check_observed_shapes"]


def _run(model, args, kwargs, substitute_fn, seed):
    from numpyro import handlers

    seeded = handlers.substitute(handlers.seed(model, seed), substitute_fn=substitute_fn)
    return handlers.trace(seeded).get_trace(*args, **kwargs)


def _log_prob(site):
    """The site's log-prob array as ``log_density`` counts it (scale included)."""
    if site["type"] != "sample":
        return jnp.zeros(())
    lp = site["fn"].log_prob(site["value"], *([site["intermediates"]] if site.get(
        "intermediates") else []))
    return lp if site.get("scale") is None else site["scale"] * lp


def _latent(trace):
    return {k: s for k, s in trace.items() if s["type"] == "sample" and not s["is_observed"]}


def _check_params(params, proto):
    """Compare user ``params`` with the latent sites of a prototype trace."""
    if not hasattr(params, "keys"):
        raise TypeError(f"params must be a dict site name -> value, got {type(params).__name__}.")
    latent = {k: s for k, s in _latent(proto).items() if not s["fn"].support.is_discrete}
    missing = [k for k in latent if k not in params]
    extra = [k for k in params if k not in _latent(proto)]
    if missing or extra:
        raise ValueError(
            f"params must hold one value per latent site {list(latent)}; missing {missing}, "
            f"not latent {extra}. Observed data go in the model's arguments, not in params.")
    for name, value in params.items():
        want, got = tuple(jnp.shape(proto[name]["value"])), tuple(jnp.shape(value))
        if got != want:
            hint = (f" It looks like {got[0]} stacked posterior draws: pass one draw, e.g. "
                    "{k: v[0] for k, v in samples.items()}, or the posterior mean."
                    if got[1:] == want else "")
            raise ValueError(
                f"params[{name!r}] has shape {got} but site {name!r} has shape {want}.{hint}")


def trace_model(model, model_args=(), model_kwargs=None, *, params=None, seed=0):
    """Run ``model`` once and return its trace, latent sites set the way NUTS starts them.

    Latent sites get ``init_to_median`` (NUTS's default), or ``init_to_feasible`` if the
    log density is not finite there, or the values in ``params`` (one draw per
    continuous latent site; a ValueError names missing, extra or misshapen ones).
    Observed sites get the data in ``model_args`` / ``model_kwargs``; ``seed`` drives
    what is still random (subsample indices, discrete sites).

    Examples
    --------
    >>> import numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(3.0, 1.0))
    ...     numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)
    >>> tr = trace_model(model, model_kwargs={"y": 0.5})
    >>> float(tr["y"]["value"]), bool(abs(tr["mu"]["value"] - 3.0) < 1)
    (0.5, True)
    """
    from numpyro.infer import init_to_feasible, init_to_median

    if not callable(model):
        raise TypeError(f"model must be a function, got {type(model).__name__}: pass the model "
                        "itself, not model(X, y) or its name.")
    kwargs = {} if model_kwargs is None else dict(model_kwargs)
    init = init_to_median(num_samples=15)
    if params is not None:
        _check_params(params, _run(model, model_args, kwargs, init, seed))
        values = dict(params)
        return _run(model, model_args, kwargs, lambda site: values.get(site["name"]), seed)
    trace = _run(model, model_args, kwargs, init, seed)
    if not np.isfinite(_total(trace)):
        feasible = _run(model, model_args, kwargs, init_to_feasible, seed)
        trace = feasible if np.isfinite(_total(feasible)) else trace
    return trace


def _total(trace):
    try:
        with warnings.catch_warnings():  # out-of-support data: the caller's checks say so
            warnings.simplefilter("ignore")
            return sum(float(jnp.sum(_log_prob(s))) for s in trace.values())
    except (ValueError, TypeError):  # a value that does not broadcast with its distribution
        return float("nan")


def _unwrap(fn):
    """Strip the wrappers that plates, masks and ``to_event`` put around a distribution."""
    from numpyro.distributions import ExpandedDistribution, Independent, MaskedDistribution

    while isinstance(fn, ExpandedDistribution | Independent | MaskedDistribution):
        fn = fn.base_dist
    return fn


def site_role(site):
    """Name the part a traced site plays in the log joint.

    ``"latent"`` (a prior term), ``"observed"`` (``obs=``: a likelihood term),
    ``"factor"`` (``numpyro.factor``: an observed site with a ``Unit`` distribution), or
    the type of any other site (``"deterministic"``, ``"plate"``, ``"param"``).

    Examples
    --------
    >>> import numpyro, numpyro.distributions as dist
    >>> def model():
    ...     numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.factor("penalty", -1.0)
    >>> tr = numpyro.handlers.trace(numpyro.handlers.seed(model, 0)).get_trace()
    >>> [site_role(site) for site in tr.values()]
    ['latent', 'factor']
    """
    from numpyro.distributions.distribution import Unit

    if site["type"] != "sample":
        return site["type"]
    if isinstance(_unwrap(site["fn"]), Unit):
        return "factor"
    return "observed" if site["is_observed"] else "latent"


def _stretched(value_part, dist_part):
    """Describe the axes of the value that broadcasting stretched, or None."""
    ndim = max(len(value_part), len(dist_part))
    v = (1,) * (ndim - len(value_part)) + tuple(value_part)
    d = (1,) * (ndim - len(dist_part)) + tuple(dist_part)
    axes = [
        f"axis {i - ndim} ({'length 1' if i >= ndim - len(value_part) else 'missing'}) "
        f"was stretched to {d[i]}"
        for i in range(ndim)
        if v[i] == 1 and d[i] > 1
    ]
    return "the value's " + ", ".join(axes) if axes else None


def _shape_problem(name, site, terms):
    """The shape rule for an observed site: ``(expected_terms, message or None)``."""
    value = tuple(jnp.shape(site["value"]))
    batch, event = tuple(site["fn"].batch_shape), tuple(site["fn"].event_shape)
    k = len(event)
    value_batch = value[: len(value) - k]
    if k and value[len(value) - k :] != event:
        side = f"the value's last {k} axis(es) {value[len(value) - k :]} are not the event_shape"
        expected, ok = math.prod(batch), False
    else:
        expected = math.prod(value_batch)
        try:
            ok = math.prod(np.broadcast_shapes(value_batch, batch)) == expected
        except ValueError:
            ok = False
        side = _stretched(value_batch, batch) or "the batch axes do not broadcast"
    if ok:
        return expected, None
    target = batch + event
    if len(batch) > len(value_batch):
        fix = ("the distribution has batch axes the data lack: check which dim each plate "
               "uses and the shapes of its parameters (e.g. a mean of shape (N, 1) from "
               "X @ w with w of shape (J, 1))")
    elif math.prod(value) == math.prod(target):
        fix = f"pass {name} with shape {target}, e.g. {name}.reshape({target})"
    else:
        fix = f"make {name}'s shape {target}, or check which dim each plate uses"
    return expected, (
        f"observed site {name!r} has value shape {value} but its distribution "
        f"{type(_unwrap(site['fn'])).__name__} has batch_shape + event_shape = {batch} + "
        f"{event} = {target}; {side}, so its log-likelihood "
        + ("does not broadcast" if terms is None else f"sums {terms} terms instead of {expected}")
        + f". Fix: {fix}."
    )


_COLUMNS = ["site", "role", "distribution", "observed", "value_shape", "batch_shape",
            "event_shape", "log_prob_shape", "log_prob", "shape_problem"]


def trace_table(trace):
    """Tabulate the sample and deterministic sites of a trace, in execution order.

    Columns: ``site``, ``role`` (:func:`site_role`), ``distribution``, ``observed``,
    ``value_shape``, ``batch_shape``, ``event_shape``, ``log_prob_shape`` (before
    summing), ``log_prob`` (summed, scale included; the column adds up to
    ``numpyro.infer.util.log_density``) and ``shape_problem`` (an observed site's
    broken shape rule and its fix, else None).

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu * np.ones(3), 1), obs=y)
    >>> trace_table(trace_model(model, model_kwargs={"y": np.zeros((3, 1))}))[
    ...     ["site", "role", "log_prob_shape"]].values.tolist()
    [['mu', 'latent', ()], ['y', 'observed', (3, 3)]]
    """
    import pandas as pd

    rows = []
    for name, site in trace.items():
        if site["type"] not in ("sample", "deterministic"):
            continue
        role, fn = site_role(site), site.get("fn")
        try:
            lp = _log_prob(site)
            lp_shape, lp_sum = tuple(jnp.shape(lp)), float(jnp.sum(lp))
        except (ValueError, TypeError):  # shapes that do not even broadcast
            lp_shape, lp_sum = None, float("nan")
        problem = None if role != "observed" else _shape_problem(
            name, site, None if lp_shape is None else math.prod(lp_shape))[1]
        dist = (None,) * 3 if fn is None else (
            type(fn).__name__, tuple(fn.batch_shape), tuple(fn.event_shape))
        rows.append(dict(zip(_COLUMNS, [
            name, role, dist[0], bool(site.get("is_observed", False)),
            tuple(jnp.shape(site["value"])), *dist[1:], lp_shape, lp_sum, problem], strict=True)))
    table = pd.DataFrame(rows, columns=_COLUMNS)
    # object dtype, so that "no problem" stays None rather than pandas' NaN string
    table["shape_problem"] = pd.Series([r["shape_problem"] for r in rows], dtype=object)
    return table


def site_table(model, params, *args, **kwargs):
    """:func:`trace_table` of ``model(*args, **kwargs)`` run once at ``params``.

    ``params`` holds one value per latent site (None: start as NUTS does); the
    ``log_prob`` column sums to ``log_density(model, args, kwargs, params)[0]``.

    Examples
    --------
    >>> import numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu, 1), obs=y)
    >>> table = site_table(model, {"mu": 0.0}, y=0.0)
    >>> table["role"].tolist(), round(float(table["log_prob"].sum()), 4)
    (['latent', 'observed'], -1.8379)
    """
    return trace_table(trace_model(model, args, kwargs, params=params))


def check_observed_shapes(model, *args, **kwargs):
    """Raise if an observed value's shape is not its distribution's ``batch_shape + event_shape``.

    Plates, ``.to_event`` and multivariate distributions are covered; extra value axes
    the distribution broadcasts over are fine. The ValueError names each offending
    site, its shapes, terms summed vs data points, and the fix (or that no site is
    observed). Otherwise returns one dict per observed site (factors left out):
    ``site``, the four shapes, ``terms``, ``expected`` and ``problem`` (None).

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu * np.ones(3), 1), obs=y)
    >>> check_observed_shapes(model, y=np.zeros((3, 1)))
    Traceback (most recent call last):
    ...
    ValueError: observed site 'y' has value shape (3, 1) ... sums 9 terms instead of 3. ...
    """
    trace = trace_model(model, args, kwargs)
    if not any(site_role(site) in ("observed", "factor") for site in trace.values()):
        raise ValueError("the model has no observed site, so there is nothing to check: did "
                         "you pass the data, e.g. check_observed_shapes(model, X, y=y)?")
    table = trace_table(trace)
    rows = []
    for row in table[table["role"] == "observed"].to_dict("records"):
        terms = None if row["log_prob_shape"] is None else math.prod(row["log_prob_shape"])
        rows.append({**{k: row[k] for k in ("site", "value_shape", "batch_shape", "event_shape",
                                            "log_prob_shape")}, "terms": terms,
                     "expected": _shape_problem(row["site"], trace[row["site"]], terms)[0],
                     "problem": row["shape_problem"]})
    problems = [row["problem"] for row in rows if row["problem"]]
    if problems:
        raise ValueError("\n".join(problems))
    return rows
