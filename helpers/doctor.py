"""Examine your own NumPyro model with every check of the course, before you fit it.

>>> report = examine(model, X, y=y)     # doctest: +SKIP
>>> report.ok, report.findings          # doctest: +SKIP

``examine`` takes the model's arguments exactly as ``mcmc.run`` does (data included),
runs the model once with its latent sites set the way NUTS starts them, and calls each
check below. Every check is a function of its own, ``check_x(model, model_args=(),
model_kwargs=None, *, trace=None) -> list of Finding``, that you can call alone:

================================= ======= ==================================================
check                             finding what it looks for
================================= ======= ==================================================
:func:`check_shapes`              error   an observed value whose shape is not its
                                          distribution's ``batch_shape + event_shape``
:func:`check_observed_data`       error   NaN/inf in the data; data outside the support
:func:`check_observed_sites`      warning no observed site at all (``y=`` forgotten)
:func:`check_unused_latents`      warning a latent site nothing depends on: only its
                                          prior shapes it
:func:`check_identifiability`     warning directions in which the likelihood is flat at
                                          its maximum (the sites that move together)
:func:`check_prior_data_conflict` warning data outside the prior predictive central 99%
================================= ======= ==================================================

A check that cannot run on a model (a discrete site, a model that needs its data to
run) reports itself as skipped with an ``info`` finding; ``examine`` never raises.
After an error from the first two checks, ``examine`` skips the last three (they
evaluate the log density, which that error makes wrong) and says so in one ``info``.
"""

import inspect
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__ = [
    "Finding",
    "Report",
    "examine",
    "check_shapes",
    "check_observed_data",
    "check_observed_sites",
    "check_unused_latents",
    "check_identifiability",
    "check_prior_data_conflict",
]

_SEVERITIES = ("error", "warning", "info")


class Finding(NamedTuple):
    """One thing a check found: which check, at which site (or None), how bad, what to do."""

    check: str
    site: object
    severity: str
    message: str


@dataclass(frozen=True)
class Report:
    """What :func:`examine` found. ``ok`` is False when any finding is an error.

    Shown as a table in Jupyter; ``str(report)`` is plain text; ``report.to_frame()``
    a DataFrame with one row per finding.
    """

    findings: list

    @property
    def ok(self):
        return not any(f.severity == "error" for f in self.findings)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(list(self.findings), columns=list(Finding._fields))

    def _headline(self):
        counts = [(sum(f.severity == s for f in self.findings), s) for s in _SEVERITIES]
        counts = [f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for n, s in counts]
        return f"{'OK' if self.ok else 'NOT OK'}: " + ", ".join(counts)

    def __str__(self):
        lines = [self._headline()]
        lines += [f"[{f.severity}] {f.check}" + (f" ({f.site})" if f.site else "")
                  + f": {f.message}" for f in self.findings]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        import html

        table = self.to_frame().to_html(index=False) if self.findings else ""
        return f"<p><b>{html.escape(self._headline())}</b></p>{table}"


def _finding(check, site, severity, message):
    return Finding(check, site, severity, message)


def _trace(model, model_args, model_kwargs, trace):
    from helpers.sites import trace_model

    return trace if trace is not None else trace_model(model, model_args, model_kwargs)


def _observed(trace):
    """Observed sites that hold data (factors left out)."""
    from helpers.sites import site_role

    return {k: s for k, s in trace.items() if site_role(s) == "observed"}


def check_shapes(model, model_args=(), model_kwargs=None, *, trace=None):
    """Errors for observed values whose shape is not ``batch_shape + event_shape``.

    The rule and its message are those of :func:`helpers.sites.check_observed_shapes`.
    A ``numpyro.factor`` holds no data to compare with; a factor inside a plate whose
    log-prob has an axis of length > 1 that no plate accounts for is a warning (the
    mark of an (N, 1) value broadcast against N means).

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     with numpyro.plate("data", 3):
    ...         numpyro.sample("y", dist.Normal(mu, 1), obs=y)
    >>> found = check_shapes(model, model_kwargs={"y": np.zeros((3, 1))})
    >>> [(f.site, f.severity) for f in found]
    [('y', 'error')]
    """
    from helpers.sites import site_role, trace_table

    trace = _trace(model, model_args, model_kwargs, trace)
    with warnings.catch_warnings():  # NumPyro's out-of-support warning: check_observed_data
        warnings.filterwarnings("ignore", message="Out-of-support values")  # names them
        table = trace_table(trace)
    found = [_finding("shapes", row.site, "error", row.shape_problem)
             for row in table.itertuples() if row.shape_problem is not None]
    for name, site in trace.items():
        if site["type"] != "sample" or site_role(site) != "factor":
            continue
        plates = {frame.dim: frame for frame in site["cond_indep_stack"]}
        shape = tuple(site["fn"].batch_shape)
        loose = [(i - len(shape), n) for i, n in enumerate(shape)
                 if n > 1 and i - len(shape) not in plates]
        if plates and loose:
            found.append(_finding("shapes", name, "warning", (
                f"factor {name!r} has log-prob shape {shape} inside plate(s) "
                f"{[(p.name, p.size) for p in plates.values()]}, but axis {loose[0][0]} "
                f"(length {loose[0][1]}) belongs to no plate: each term may be counted "
                f"{loose[0][1]} times, as when an (N, 1) value meets N means. Give the data "
                "the plate's shape, e.g. y.ravel().")))
    return found


def _outside_support(site):
    """Boolean array: which data points are outside the distribution's support."""
    from numpyro.distributions import MaskedDistribution

    fn = site["fn"]
    inside = np.asarray(fn.support(site["value"]), dtype=bool)
    if isinstance(fn, MaskedDistribution):  # masked-out points may hold any placeholder
        inside = inside | ~np.broadcast_to(np.asarray(fn._mask, dtype=bool), inside.shape)
    return ~inside


def check_observed_data(model, model_args=(), model_kwargs=None, *, trace=None):
    """Errors for NaN/inf data and for data outside the distribution's support.

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     p = numpyro.sample("p", dist.Beta(1, 1))
    ...     numpyro.sample("y", dist.Bernoulli(p).expand([3]), obs=y)
    >>> found = check_observed_data(model, model_kwargs={"y": np.array([0, 1, 2])})
    >>> [f.message[:40] for f in found]
    ["observed site 'y' has 1 value(s) outside"]
    """
    trace = _trace(model, model_args, model_kwargs, trace)
    found = []
    for name, site in _observed(trace).items():
        value = np.asarray(site["value"])
        if not np.issubdtype(value.dtype, np.number) and value.dtype != bool:
            found.append(_finding("observed_data", name, "error",
                                  f"observed site {name!r} holds {value.dtype} values; pass "
                                  "numbers, e.g. codes via pd.Categorical(...).codes."))
            continue
        bad = ~np.isfinite(value.astype(float))
        if bad.any():
            found.append(_finding("observed_data", name, "error", (
                f"observed site {name!r} has {int(bad.sum())} NaN/inf value(s), e.g. at "
                f"index {tuple(int(i) for i in np.argwhere(bad)[0])}: the log density and "
                "its gradient become NaN, even where the site is masked. Drop those rows, "
                "or fill them with any finite value and mask them (handlers.mask).")))
            continue
        try:
            outside = _outside_support(site)
        except (ValueError, TypeError):  # shapes that do not broadcast: check_shapes says so
            continue
        if outside.any():
            where = tuple(int(i) for i in np.argwhere(outside)[0])
            example = value[where] if value.shape == outside.shape else value.ravel()[0]
            found.append(_finding("observed_data", name, "error", (
                f"observed site {name!r} has {int(outside.sum())} value(s) outside the "
                f"support of {type(site['fn']).__name__} ({site['fn'].support}), e.g. "
                f"{example!r} at index {where}. Check the coding of the data (0/1, not "
                "1/2; counts >= 0; categories from 0) or choose a distribution that fits.")))
    return found


def _forgotten(model, model_args, model_kwargs, trace):
    """Latent sites named like a model argument that was left at None."""
    try:
        bound = inspect.signature(model).bind(*model_args, **(model_kwargs or {}))
    except (TypeError, ValueError):
        return []
    bound.apply_defaults()
    return [k for k, v in bound.arguments.items()
            if v is None and k in trace and trace[k]["type"] == "sample"
            and not trace[k]["is_observed"]]


def check_observed_sites(model, model_args=(), model_kwargs=None, *, trace=None):
    """A warning when the model has no observed site (and no factor): nothing is data.

    Examples
    --------
    >>> import numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu, 1), obs=y)
    >>> check_observed_sites(model)[0].message[:41]
    'the model has no observed site: site(s) y'
    """
    from helpers.sites import site_role

    trace = _trace(model, model_args, model_kwargs, trace)
    if any(site_role(s) in ("observed", "factor") for s in trace.values()):
        return []
    forgotten = _forgotten(model, model_args, model_kwargs, trace)
    hint = ", ".join(f"{k}={k}" for k in forgotten) or "y=y"
    return [_finding("observed_sites", None, "warning", (
        f"the model has no observed site: site(s) {', '.join(forgotten) or 'all'} were drawn "
        "from the prior, so a fit would return the prior. Did you pass the data, e.g. "
        f"examine(model, X, {hint})? A site is data only when its obs= is not None."))]


def _log_joint_grads(model, model_args, model_kwargs, fixed):
    """A jitted ``values -> (gradient of the whole log density, of each site's own prior
    term)``; one compilation serves every point of the same shapes."""
    import jax
    import jax.numpy as jnp
    from numpyro import handlers

    def log_joint(v):
        run = handlers.substitute(handlers.seed(model, 0), data={**fixed, **v})
        tr = handlers.trace(run).get_trace(*model_args, **(model_kwargs or {}))
        total = 0.0
        for site in tr.values():
            if site["type"] == "sample":
                lp = site["fn"].log_prob(site["value"])
                total = total + jnp.sum(lp if site.get("scale") is None else site["scale"] * lp)
        return total, tr

    def grads(values):
        whole, tr = jax.grad(log_joint, has_aux=True)(values)
        own = {k: jax.grad(lambda x, fn=tr[k]["fn"]: jnp.sum(fn.log_prob(x)))(v)
               for k, v in values.items()}
        return whole, own

    return jax.jit(grads)


def check_unused_latents(model, model_args=(), model_kwargs=None, *, trace=None):
    """Warnings for latent sites that nothing else in the model depends on.

    The mechanism: the gradient of the log density with respect to the site, its own
    prior term left aside, is zero (at the starting point and at a second point), so
    only the prior shapes the site and its posterior is its prior.

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     f = numpyro.sample("f", dist.Normal(0, 1))
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu, 1), obs=y)
    >>> [f.site for f in check_unused_latents(model, model_kwargs={"y": np.zeros(3)})]
    ['f']
    """
    import jax.numpy as jnp
    from numpyro.distributions import biject_to

    trace = _trace(model, model_args, model_kwargs, trace)
    latent = {k: s for k, s in trace.items()
              if s["type"] == "sample" and not s["is_observed"]}
    found = [_finding("unused_latent", k, "info", f"skipped discrete site {k!r} (the check "
                      "differentiates the log density)")
             for k, s in latent.items() if s["fn"].support.is_discrete]
    continuous = {k: s for k, s in latent.items() if not s["fn"].support.is_discrete}
    fixed = {k: s["value"] for k, s in latent.items() if k not in continuous}
    fixed |= {k: s["value"] for k, s in trace.items() if s["type"] == "plate"}  # subsamples
    rng = np.random.default_rng(0)
    points = [{k: s["value"] for k, s in continuous.items()}, {}]
    for k, s in continuous.items():  # a second point: a unit step in unconstrained space
        to = biject_to(s["fn"].support)
        u = to.inv(s["value"])
        points[1][k] = to(u + rng.normal(size=np.shape(u)))
    gradients = _log_joint_grads(model, model_args, model_kwargs, fixed)
    used = set()
    for values in points:
        grads, own = gradients(values)
        used |= {k for k in values if bool(jnp.any(grads[k] - own[k] != 0))}
    skip = set(_forgotten(model, model_args, model_kwargs, trace))
    return found + [_finding("unused_latent", k, "warning", (
        f"latent site {k!r} is used by nothing else in the model: the log density's "
        f"gradient with respect to {k}, its own prior term aside, is zero, so only the "
        f"prior shapes {k} and its posterior will be its prior. Use it (e.g. in the mean) "
        "or remove it."))
        for k in continuous if k not in used and k not in skip]


def check_identifiability(model, model_args=(), model_kwargs=None, *, trace=None):
    """Warnings for directions in which the log-likelihood is flat at its maximum.

    Calls :func:`helpers.identify.flat_directions` (maximise, then the eigenvectors of
    the unit-diagonal-scaled Hessian there) and names the sites that move together.

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     a = numpyro.sample("a", dist.Normal(0, 10))
    ...     b = numpyro.sample("b", dist.Normal(0, 10))
    ...     numpyro.sample("y", dist.Normal(a + b, 1), obs=y)
    >>> [(f.site, f.severity) for f in check_identifiability(model,
    ...     model_kwargs={"y": np.array([1.0, 2.0])})]
    [('a, b', 'warning')]
    """
    from helpers.identify import flat_directions

    trace = _trace(model, model_args, model_kwargs, trace)
    if any(s["type"] == "sample" and not s["is_observed"] and s["fn"].support.is_discrete
           for s in trace.values()):
        return [_finding("identifiability", None, "info", "skipped: the model has discrete "
                         "latent sites; the Hessian check needs continuous ones.")]
    if not any(s["type"] == "sample" and s["is_observed"] for s in trace.values()):
        return []  # check_observed_sites reports it
    try:
        result = flat_directions(model, model_args, model_kwargs)
    except ValueError as err:
        return [_finding("identifiability", None, "info", f"skipped: {err}")]
    if not result["flat"].size:
        return ([] if result["converged"] else [_finding(
            "identifiability", None, "info", "the optimiser did not reach a clear maximum "
            "of the likelihood; no flat direction found where it stopped.")])
    sites = ", ".join(result["flat_sites"])
    values = ", ".join(f"{v:.1e}" for v in result["eigenvalues"][result["flat"]])
    return [_finding("identifiability", sites, "warning", (
        f"the log-likelihood is flat at its maximum along {result['flat'].size} direction(s) "
        f"in which {sites} move together (scaled Hessian eigenvalue(s) {values}): the data "
        "cannot tell those values apart, only the prior can, and NUTS will crawl along the "
        "ridge. Fix one of them, or sample the combinations the data determine (e.g. for "
        "mu = f * (X @ w + b), sample f * w and f * b: notebook 04)."))]


def _can_sample(fn):
    """False for a distribution with no sampler (ImproperUniform); traced, not compiled."""
    import jax
    from jax import random

    try:
        jax.eval_shape(fn.sample, random.PRNGKey(0))
    except NotImplementedError:
        return False
    return True


def _unobserve(model):
    """The model with its observed sites drawn instead (the prior predictive of the data)."""
    from numpyro.primitives import Messenger

    from helpers.sites import site_role

    class Unobserve(Messenger):
        def process_message(self, msg):
            if msg["type"] == "sample" and msg["is_observed"] and site_role(msg) != "factor":
                msg["value"], msg["is_observed"] = None, False

    return Unobserve(model)


def check_prior_data_conflict(model, model_args=(), model_kwargs=None, *, trace=None,
                              num_samples=400, max_fraction=0.05):
    """Warnings for observed sites with many data outside the prior predictive 99% band.

    Draws ``num_samples`` prior predictive data sets (observed sites drawn, not
    given) and, for each data point, the central 99% interval; warns when more than
    ``max_fraction`` of the points fall outside (about 1% would, by chance).

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     with numpyro.plate("data", 4):
    ...         numpyro.sample("y", dist.Normal(mu, 0.1), obs=y)
    >>> found = check_prior_data_conflict(model, model_kwargs={"y": np.full(4, 1000.0)})
    >>> [f.site for f in found]
    ['y']
    """
    from jax import random
    from numpyro import handlers
    from numpyro.infer import Predictive

    trace = _trace(model, model_args, model_kwargs, trace)
    held = {k: s["value"] for k, s in trace.items() if s["type"] == "plate"}  # subsamples
    found = []
    for k, s in trace.items():
        if s["type"] == "sample" and not s["is_observed"] and not _can_sample(s["fn"]):
            held[k] = s["value"]
            found.append(_finding("prior_data_conflict", k, "info", (
                f"{k!r} has no prior to draw from ({type(s['fn']).__name__}): held at its "
                "starting value for the prior predictive.")))
    draws = Predictive(_unobserve(handlers.substitute(model, data=held)),
                       num_samples=num_samples, parallel=True)(random.PRNGKey(1), *model_args,
                                                **(model_kwargs or {}))
    for name, site in _observed(trace).items():
        value = np.asarray(site["value"], dtype=float)
        sims = np.asarray(draws.get(name, np.empty(0)), dtype=float)
        if sims.shape[1:] != value.shape or not np.all(np.isfinite(value)):
            continue  # check_shapes / check_observed_data report these
        low, high = np.quantile(sims, [0.005, 0.995], axis=0)
        outside = (value < low) | (value > high)
        if outside.mean() > max_fraction:
            found.append(_finding("prior_data_conflict", name, "warning", (
                f"{int(outside.sum())} of {outside.size} values of {name!r} lie outside the "
                f"central 99% of its prior predictive distribution (about 1% would by "
                f"chance): e.g. {value[outside].ravel()[0]:.3g} against "
                f"[{low[outside].ravel()[0]:.3g}, {high[outside].ravel()[0]:.3g}]. The priors "
                "make these data nearly impossible: check their scales and the data's units.")))
    return found


def _describe(value):
    shape = getattr(value, "shape", None)
    return f"shape {tuple(shape)}" if shape is not None else type(value).__name__


def _inputs(model, args, kwargs):
    """Convert pandas Series to NumPy; refuse DataFrames and a model that is not callable."""
    if model is None or not callable(model):
        return None, None, [_finding("inputs", None, "error", (
            f"model is {type(model).__name__}, not a function: pass the model itself, "
            "e.g. examine(model, X, y=y), not model(X, y) or its name."))]
    found, converted = [], {}
    names = [f"argument {i}" for i in range(len(args))] + list(kwargs)
    for name, value in zip(names, [*args, *kwargs.values()], strict=True):
        kind = type(value).__module__.split(".")[0] + "." + type(value).__name__
        if kind == "pandas.DataFrame":
            found.append(_finding("inputs", name, "error", (
                f"{name} is a pandas DataFrame {value.shape}; NumPyro needs arrays. Pass "
                "df['y'].to_numpy() for one column (shape (N,)), or "
                "df[['x1', 'x2']].to_numpy() for a design matrix.")))
        elif kind in ("pandas.Series", "pandas.Index"):
            import pandas as pd

            if not (pd.api.types.is_numeric_dtype(value) or pd.api.types.is_bool_dtype(value)):
                found.append(_finding("inputs", name, "error", (
                    f"{name} is a pandas Series of dtype {value.dtype}; pass numbers, e.g. "
                    "s.astype('category').cat.codes.to_numpy().")))
            else:
                converted[name] = value.to_numpy()
                found.append(_finding("inputs", name, "info", (
                    f"{name} is a pandas {type(value).__name__}: examined as "
                    f"{name}.to_numpy(), shape {value.shape}; pass that to mcmc.run too.")))
    args = tuple(converted.get(n, v) for n, v in zip(names, args, strict=False))
    kwargs = {k: converted.get(k, v) for k, v in kwargs.items()}
    return args, kwargs, found


def _subsampling(trace):
    return [_finding("run", name, "info", (
        f"plate {name!r} subsamples {np.size(s['value'])} of {s['args'][0]}: the checks "
        "see one mini-batch."))
        for name, s in trace.items()
        if s["type"] == "plate" and np.size(s["value"]) < s["args"][0]]


def _run_check(check, model, args, kwargs, trace):
    name = check.__name__.removeprefix("check_")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            found = check(model, args, kwargs, trace=trace)
        except Exception as err:  # a check that cannot handle this model says so
            first = (str(err).strip().splitlines() or [""])[0]
            found = [_finding(name, None, "info", f"skipped: {type(err).__name__}: {first}")]
    notes = {str(w.message).splitlines()[0] for w in caught}
    return found + [_finding(name, None, "info", f"warning raised: {n}") for n in sorted(notes)]


def examine(model, *args, **kwargs):
    """Run every check of the course on ``model`` with these arguments.

    Parameters
    ----------
    model : callable
        A NumPyro model.
    *args, **kwargs
        The model's arguments exactly as for ``mcmc.run(key, *args, **kwargs)``, data
        included (e.g. ``X, y=y``). No other options: every keyword goes to the model.

    Returns
    -------
    Report
        ``report.ok`` (False when any finding is an error), ``report.findings`` (a
        list of :class:`Finding`, errors first), a table in Jupyter, plain text with
        ``print(report)``.

    Examples
    --------
    >>> import numpy as np, numpyro, numpyro.distributions as dist
    >>> def model(X, y=None):
    ...     w = numpyro.sample("w", dist.Normal(0, 10))
    ...     sigma = numpyro.sample("sigma", dist.HalfNormal(1))
    ...     with numpyro.plate("data", len(X)):
    ...         numpyro.sample("y", dist.Normal(w * X, sigma), obs=y)
    >>> X = np.linspace(0, 1, 20)
    >>> examine(model, X, y=2 * X).ok
    True
    >>> print(examine(model, X, y=(2 * X)[:, None]))   # doctest: +ELLIPSIS
    NOT OK: 1 error, 0 warnings, 1 info
    [error] shapes (y): observed site 'y' has value shape (20, 1) ...
    [info] run: skipped unused_latents, identifiability and prior_data_conflict: ...
    """
    args, kwargs, found = _inputs(model, args, kwargs)
    if any(f.severity == "error" for f in found):
        return Report(found)
    from helpers.sites import trace_model

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a broken model's warnings: the checks say more
            trace = trace_model(model, args, kwargs)
    except Exception as err:
        shapes = ", ".join(f"{n}: {_describe(v)}" for n, v in zip(
            [f"argument {i}" for i in range(len(args))] + list(kwargs),
            [*args, *kwargs.values()], strict=True))
        first = str(err).strip().splitlines()[0].rstrip(".") if str(err).strip() else ""
        return Report(found + [_finding("run", None, "error", (
            f"your model raised {type(err).__name__}{': ' + first if first else ''} when "
            f"called with arguments of shapes ({shapes}). Run it once by hand with "
            "numpyro.handlers.seed(model, 0)(...) to see where."))])
    found += _subsampling(trace)
    for check in (check_shapes, check_observed_data, check_observed_sites):
        found += _run_check(check, model, args, kwargs, trace)
    if any(f.severity == "error" for f in found):  # misshapen or invalid data
        found.append(_finding("run", None, "info", (
            "skipped unused_latents, identifiability and prior_data_conflict: they evaluate "
            "the log density, which the error(s) above make wrong. Fix those, then examine "
            "again.")))
    else:
        for check in (check_unused_latents, check_identifiability, check_prior_data_conflict):
            found += _run_check(check, model, args, kwargs, trace)
    order = {s: i for i, s in enumerate(_SEVERITIES)}
    return Report(sorted(found, key=lambda f: order[f.severity]))
