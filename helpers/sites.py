"""What a NumPyro model is made of, site by site.

``trace_model`` runs a model once, with its latent sites set the way NUTS starts
them (or to the values you give) and its observed sites set to your data. The other
functions read that trace: ``site_role`` names each site's part in the log joint,
``trace_table`` / ``site_table`` list every site with its shapes and its share of
``numpyro.infer.util.log_density``, and ``check_observed_shapes`` catches an observed
value whose shape differs from its distribution's ``batch_shape + event_shape`` (the
(N, 1)-``y`` trap, which sums N * N log-likelihood terms instead of N).
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

    Latent sites get the prior median in NumPyro's unconstrained space
    (``init_to_median``, NUTS's default; sites that cannot be sampled from, such as
    ``ImproperUniform``, get ``init_to_uniform``), or ``init_to_feasible`` if the log
    density is not finite there. With ``params`` they get those values instead.
    Observed sites get the data in ``model_args`` / ``model_kwargs``.

    Parameters
    ----------
    model : callable
        A NumPyro model.
    model_args : tuple
        Positional arguments of the model, e.g. ``(X,)``.
    model_kwargs : dict, optional
        Keyword arguments of the model, e.g. ``{"y": y}``.
    params : dict, optional
        One value per continuous latent site (one draw, not a stack of draws).
    seed : int
        Seed for what is still random (subsample indices, discrete sites).

    Returns
    -------
    OrderedDict
        The ``numpyro.handlers.trace`` of the run.

    Raises
    ------
    ValueError
        If ``params`` misses a latent site, names a site that is not latent, or holds
        a value of the wrong shape (e.g. all posterior draws at once).

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

    Parameters
    ----------
    site : dict
        One entry of a ``numpyro.handlers.trace`` trace.

    Returns
    -------
    str
        ``"latent"`` (sampled: its prior term enters the log joint), ``"observed"``
        (given with ``obs=``: a likelihood term), ``"factor"`` (``numpyro.factor``,
        which NumPyro records as an observed site with a ``Unit`` distribution), or the
        site's type for other sites (``"deterministic"``, ``"plate"``, ``"param"``).

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
    """The shape rule: an observed value must have shape ``batch_shape + event_shape``.

    Returns ``(expected_terms, message or None)``.
    """
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


def trace_table(trace):
    """Tabulate the sample and deterministic sites of a trace.

    Parameters
    ----------
    trace : dict
        From :func:`trace_model` or ``numpyro.handlers.trace(...).get_trace(...)``.

    Returns
    -------
    pandas.DataFrame
        One row per site in execution order: ``site``, ``role`` (:func:`site_role`),
        ``distribution``, ``observed``, ``value_shape``, ``batch_shape``,
        ``event_shape``, ``log_prob_shape`` (before summing), ``log_prob`` (summed,
        with any ``handlers.scale``; 0 for deterministic sites) and ``shape_problem``
        (for observed sites whose value shape is not ``batch_shape + event_shape``:
        what was broadcast and the fix; else None). ``log_prob`` adds up to
        ``numpyro.infer.util.log_density`` at the trace's values.

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
        problem = None
        if role == "observed":
            terms = None if lp_shape is None else math.prod(lp_shape)
            _, problem = _shape_problem(name, site, terms)
        rows.append({
            "site": name,
            "role": role,
            "distribution": type(fn).__name__ if fn is not None else None,
            "observed": bool(site.get("is_observed", False)),
            "value_shape": tuple(jnp.shape(site["value"])),
            "batch_shape": tuple(fn.batch_shape) if fn is not None else None,
            "event_shape": tuple(fn.event_shape) if fn is not None else None,
            "log_prob_shape": lp_shape,
            "log_prob": lp_sum,
            "shape_problem": problem,
        })
    columns = ["site", "role", "distribution", "observed", "value_shape", "batch_shape",
               "event_shape", "log_prob_shape", "log_prob", "shape_problem"]
    table = pd.DataFrame(rows, columns=columns)
    # object dtype, so that "no problem" stays None rather than pandas' NaN string
    table["shape_problem"] = pd.Series([r["shape_problem"] for r in rows], dtype=object)
    return table


def site_table(model, params, *args, **kwargs):
    """Run ``model`` once and list every site's share of the log joint.

    Parameters
    ----------
    model : callable
        A NumPyro model.
    params : dict or None
        One value per latent site (one draw); None starts them as NUTS does.
    *args, **kwargs
        Passed to the model, data included, e.g. ``X, y=y``.

    Returns
    -------
    pandas.DataFrame
        :func:`trace_table` of the run: ``table["log_prob"].sum()`` equals
        ``numpyro.infer.util.log_density(model, args, kwargs, params)[0]``.

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


def _shape_rows(trace):
    """One dict per observed site (factors left out): shapes, terms, expected, problem."""
    table = trace_table(trace)
    rows = []
    for row in table[table["role"] == "observed"].to_dict("records"):
        shape = row["log_prob_shape"]
        terms = None if shape is None else math.prod(shape)
        expected, _ = _shape_problem(row["site"], trace[row["site"]], terms)
        rows.append({
            **{k: row[k] for k in ("site", "value_shape", "batch_shape", "event_shape",
                                   "log_prob_shape")},
            "terms": terms,
            "expected": expected,
            "problem": row["shape_problem"],
        })
    return rows


def check_observed_shapes(model, *args, **kwargs):
    """Raise if an observed value's shape is not its distribution's ``batch_shape + event_shape``.

    The rule covers plates (which expand ``batch_shape``), ``.to_event`` and
    multivariate distributions such as ``MultivariateNormal`` (``event_shape``). A
    value with extra axes the distribution broadcasts over (a scalar mean for a
    vector of data) is fine: each data point is still counted once.

    Parameters
    ----------
    model : callable
        A NumPyro model.
    *args, **kwargs
        Passed to the model; include the observed data.

    Returns
    -------
    list of dict
        When every site is fine, one dict per observed site (factors left out):
        ``site``, ``value_shape``, ``batch_shape``, ``event_shape``,
        ``log_prob_shape``, ``terms`` (log-prob entries summed into the log joint),
        ``expected`` (data points: entries of the value's batch part) and ``problem``
        (None). :func:`trace_table` gives the same without raising.

    Raises
    ------
    ValueError
        Naming every offending site, both shapes, which side was broadcast, the
        number of terms summed vs data points, and the fix; or saying that the model
        has no observed site at all (data not passed).

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
    ValueError: observed site 'y' has value shape (3, 1) ... sums 9 terms instead of 3. ...
    """
    trace = trace_model(model, args, kwargs)
    if not any(site_role(site) in ("observed", "factor") for site in trace.values()):
        raise ValueError("the model has no observed site, so there is nothing to check: did "
                         "you pass the data, e.g. check_observed_shapes(model, X, y=y)?")
    rows = _shape_rows(trace)
    problems = [row["problem"] for row in rows if row["problem"]]
    if problems:
        raise ValueError("\n".join(problems))
    return rows
