"""Exercises of notebook 08 (does my own model have the mistakes this course found?).

08.1 (easy)   find the bug: a model with one weight, run on an X with two columns;
              repair it for an X with any number of columns;
08.2 (medium) a flat direction of your own: an intercept and a "baseline" that only
              their sum reaches the data; remove the flat direction, keep the fit;
08.3 (hard)   the unused-latent check by hand: the gradient of the log density with each
              site's own prior term left out, right for a hierarchical model too.

Each checker rebuilds what it needs from the course's data (``forum_dataset``, seed 0)
and runs the learner's answer (a trace, :mod:`helpers.doctor`'s checks, or the
learner's function on models of its own): no state is shared with the notebook.

>>> from helpers.exercises import check
>>> def one_column(X, y=None):
...     import numpyro, numpyro.distributions as dist
...     w = numpyro.sample("w", dist.Normal(0.0, 10.0))
...     b = numpyro.sample("b", dist.Normal(0.0, 10.0))
...     sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
...     with numpyro.plate("data", X.shape[0]):
...         numpyro.sample("y", dist.Normal(X[:, 0] * w + b, sigma), obs=y)
>>> _ = check("08.1", model_any_columns=one_column)   # doctest: +ELLIPSIS
Exercise 08.1 (easy, find the bug: one weight, two columns): not yet. 'w' has shape () ...
"""

import numpy as np

from helpers.exercises._core import Wrong, exercise

__all__ = []


def _data(which):
    from helpers.data import forum_dataset

    return forum_dataset(which)


def _linear(X, y=None, *, weights="columns", baseline=None):
    """The notebook's linear model, or one of the exercises' variants of it.

    ``weights``: "columns" (``X.shape[1]``), "one" (the bug of 08.1), "two" (hard-coded),
    "rows" (``X.shape[0]``), "first column" (a scalar weight on ``X[:, 0]``).
    ``baseline``: None, or the prior sd of a second intercept ("unused": sampled, not used).
    """
    import numpyro
    import numpyro.distributions as dist

    if weights == "first column":
        w = numpyro.sample("w", dist.Normal(0.0, 10.0))
        mean = X[:, 0] * w
    else:
        size = {"columns": X.shape[1], "one": 1, "two": 2, "rows": X.shape[0]}[weights]
        w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([size]).to_event(1))
        mean = X @ w
    if baseline != "no intercept":
        mean = mean + numpyro.sample("b", dist.Normal(0.0, 10.0))
    if baseline not in (None, "no intercept"):
        extra = numpyro.sample("baseline", dist.Normal(0.0, 10.0 if baseline == "unused"
                                                       else baseline))
        mean = mean if baseline == "unused" else mean + extra
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    with numpyro.plate("data", X.shape[0]):
        return numpyro.sample("y", dist.Normal(mean, sigma), obs=y)


def _variant(**options):
    def model(X, y=None):
        return _linear(X, y, **options)

    return model


def _callable(name, answer):
    if not callable(answer):
        raise Wrong(f"{name} must be a function, got {type(answer).__name__}: define it with "
                    "def, and pass the function itself (no parentheses).")


def _run(model, X, y):
    """Trace ``model(X, y=y)`` with latent sites drawn from the prior.

    Returns the trace and the error raised (None if it ran); the trace holds the
    sites recorded before an error.
    """
    from numpyro import handlers

    tracer = handlers.trace(handlers.seed(model, 0))
    try:
        return tracer.get_trace(X, y=y), None
    except Exception as err:  # the learner's model may fail in any way
        return tracer.trace, err


# ---------------------------------------------------------------- 08.1 --------------
def _examples_1():
    return {
        "solution": {"model_any_columns": _variant()},
        "mistakes": {
            "hard-coded 2": ({"model_any_columns": _variant(weights="two")}, "hard-coded"),
            "rows": ({"model_any_columns": _variant(weights="rows")}, "X.shape[0]"),
            "first column only": ({"model_any_columns": _variant(weights="first column")},
                                  "ignores"),
        },
    }


def _fails(name, trace, err, X):
    w_shape = tuple(np.shape(trace["w"]["value"])) if "w" in trace else None
    if w_shape == (X.shape[0],):
        raise Wrong(f"'w' has {X.shape[0]} entries, one per row: X.shape[0] counts the data "
                    "points; one weight per covariate is X.shape[1].")
    if name == "one":
        raise Wrong(f"on the first data set (X of shape {X.shape}) the model fails: "
                    f"{type(err).__name__}: {err}. 'w' has shape {w_shape}: you hard-coded the "
                    "number of columns; take it from the data, X.shape[1].")
    raise Wrong(f"on the second data set (X of shape {X.shape}) the model still fails: "
                f"{type(err).__name__}: {err}")


@exercise("08.1", level="easy", title="find the bug: one weight, two columns",
          hints=("examine's finding says the model raised: which line multiplies X by w, and "
                 "what shapes meet there?",
                 "X @ w needs one weight per column of X; expand([1]) gives exactly one.",
                 "w = numpyro.sample('w', dist.Normal(0.0, 10.0).expand([X.shape[1]])"
                 ".to_event(1)), the rest of the model unchanged."),
          examples=_examples_1)
def _check_1(model_any_columns):
    from scipy import stats

    from helpers.doctor import check_shapes

    _callable("model_any_columns", model_any_columns)
    for name, which in (("two", 2), ("one", 1)):
        data = _data(which)
        trace, err = _run(model_any_columns, data.X, data.y)
        if err is not None:
            _fails(name, trace, err, data.X)
        if "w" not in trace or trace["w"]["type"] != "sample":
            raise Wrong(f"the model has no sample site 'w' (its sites: {list(trace)}).")
        shape = tuple(np.shape(trace["w"]["value"]))
        if shape != (data.X.shape[1],):
            raise Wrong(f"'w' has shape {shape} but X has {data.X.shape[1]} column(s): the "
                        "model ignores the other column(s). One weight per column, X @ w.")
        found = check_shapes(model_any_columns, (data.X,), {"y": data.y}, trace=trace)
        if found:
            raise Wrong(found[0].message)
    data, params = _data(2), {"w": np.array([0.5, -1.0]), "b": 1.0, "sigma": 2.0}
    from numpyro.infer.util import log_likelihood

    got = log_likelihood(model_any_columns, params, data.X, y=data.y, batch_ndims=0)
    want = stats.norm.logpdf(data.y, data.X @ params["w"] + params["b"], 2.0).sum()
    if "y" not in got or not np.isclose(float(np.sum(got["y"])), want, rtol=1e-4):
        raise Wrong("the shapes fit now, but the log-likelihood is not that of "
                    "Normal(X @ w + b, sigma): keep the rest of the model as it was.")


# ---------------------------------------------------------------- 08.2 --------------
def _examples_2():
    return {
        "solution": {"model_identified": _variant()},
        "mistakes": {
            "narrower prior": ({"model_identified": _variant(baseline=0.1)}, "prior"),
            "baseline unused": ({"model_identified": _variant(baseline="unused")},
                                "used by nothing"),
            "no intercept": ({"model_identified": _variant(baseline="no intercept")},
                             "intercept"),
        },
    }


def _best_loglik(X, y):
    """The maximum log-likelihood of a line with an intercept and a free noise sd."""
    design = np.column_stack([X, np.ones(len(y))])
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    variance = np.mean(residual**2)
    return -0.5 * len(y) * (np.log(2 * np.pi * variance) + 1)


@exercise("08.2", level="medium", title="a flat direction of your own",
          hints=("examine(model_two_intercepts, data1.X, y=data1.y): which sites move together, "
                 "and what does the likelihood see of them?",
                 "The mean holds b + baseline: only the sum reaches the data. A narrower prior "
                 "changes the posterior, not the likelihood.",
                 "One intercept is enough: delete the baseline site and its term in the mean "
                 "(the model of section 3)."),
          examples=_examples_2)
def _check_2(model_identified):
    from helpers.doctor import check_unused_latents
    from helpers.identify import flat_directions
    from helpers.sites import trace_model

    _callable("model_identified", model_identified)
    data = _data(1)
    args, kwargs = (data.X,), {"y": data.y}
    try:
        trace = trace_model(model_identified, args, kwargs)
    except Exception as err:  # the learner's model may fail in any way
        raise Wrong(f"model_identified(data1.X, y=data1.y) fails: {type(err).__name__}: "
                    f"{err}") from None
    if "y" not in trace or not trace["y"]["is_observed"]:
        raise Wrong("the model has no observed site 'y': keep obs=y.")
    unused = check_unused_latents(model_identified, args, kwargs, trace=trace)
    if unused:
        raise Wrong(f"{unused[0].site!r} is sampled but used by nothing: its posterior would "
                    "be its prior. Delete the site as well as its term in the mean.")
    result = flat_directions(model_identified, args, kwargs)
    if result["flat"].size:
        raise Wrong(f"{', '.join(result['flat_sites'])} still move together: the likelihood is "
                    "flat along a direction. A narrower prior changes the posterior, not the "
                    "likelihood (notebook 04); remove the second intercept instead.")
    best = _best_loglik(data.X, data.y)
    if result["loglik"] < best - 0.5:
        raise Wrong(f"no flat direction, but the best log-likelihood is {result['loglik']:.1f} "
                    f"where a line with an intercept reaches {best:.1f}: keep one intercept, b.")


# ---------------------------------------------------------------- 08.3 --------------
def _hierarchical(groups, y=None):
    """Group means around a population mean: tau reaches y only through theta's prior."""
    import numpyro
    import numpyro.distributions as dist

    mu0 = numpyro.sample("mu0", dist.Normal(0.0, 10.0))
    tau = numpyro.sample("tau", dist.HalfNormal(2.0))
    with numpyro.plate("groups", 5):
        theta = numpyro.sample("theta", dist.Normal(mu0, tau))
    with numpyro.plate("data", len(groups)):
        return numpyro.sample("y", dist.Normal(theta[groups], 0.5), obs=y)


def _side_scale(X, y=None):
    """A scale used only in a deterministic site: nothing the data see depends on it."""
    import numpyro
    import numpyro.distributions as dist

    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    scale = numpyro.sample("scale", dist.LogNormal(0.0, 1.0))
    numpyro.deterministic("scaled_b", scale * b)
    with numpyro.plate("data", X.shape[0]):
        return numpyro.sample("y", dist.Normal(X[:, 0] + b, 1.0), obs=y)


def _cases():
    """(label, model, model_args, model_kwargs, params, expected unused sites)."""
    import jax.numpy as jnp

    one, two = _data(1), _data(2)

    def point(data, names):
        return {k: jnp.asarray(data.truth[k], dtype=jnp.float32) for k in names}

    groups = np.arange(one.n) % 5
    return [
        ("a baseline sampled, not used", _variant(baseline="unused"), (one.X,), {"y": one.y},
         {**point(one, ["w", "b"]), "baseline": jnp.float32(1.0), "sigma": jnp.float32(0.1)},
         ["baseline"]),
        ("f * (X @ w + b)", _scaled, (two.X,), {"y": two.y}, point(two, ["w", "b", "f", "sigma"]),
         []),
        ("hierarchical", _hierarchical, (groups,), {"y": one.y},
         {"mu0": jnp.float32(3.5), "tau": jnp.float32(0.5),
          "theta": jnp.linspace(3.0, 5.0, 5, dtype=jnp.float32)}, []),
        ("scale only in a deterministic", _side_scale, (one.X,), {"y": one.y},
         {"b": jnp.float32(4.0), "scale": jnp.float32(2.0)}, ["scale"]),
    ]


def _scaled(X, y=None):
    import numpyro
    import numpyro.distributions as dist

    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    f = numpyro.sample("f", dist.Normal(0.0, 2.5))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    with numpyro.plate("data", X.shape[0]):
        return numpyro.sample("y", dist.Normal(f * (X @ w + b), sigma), obs=y)


def _gradient_rule(kind):
    """The solution ("own prior out") and two mistakes, as functions a learner might write."""
    import jax
    import jax.numpy as jnp
    from numpyro.infer.util import log_density, log_likelihood

    def unused_latents(model, model_args, model_kwargs, params):
        def target(p, name):
            log_joint, trace = log_density(model, model_args, model_kwargs, p)
            if kind == "log-likelihood":
                parts = log_likelihood(model, p, *model_args, batch_ndims=0, **model_kwargs)
                return sum(v.sum() for v in parts.values())
            if kind == "log density":
                return log_joint
            return log_joint - trace[name]["fn"].log_prob(p[name]).sum()

        return sorted(k for k in params
                      if not jnp.any(jax.grad(lambda p, k=k: target(p, k))(params)[k]))

    return unused_latents


def _examples_3():
    return {
        "solution": {"unused_latents": _gradient_rule("own prior out")},
        "mistakes": {
            "log-likelihood only": ({"unused_latents": _gradient_rule("log-likelihood")},
                                    "hierarchical"),
            "whole log density": ({"unused_latents": _gradient_rule("log density")},
                                  "own prior"),
        },
    }


@exercise("08.3", level="hard", title="the unused-latent check by hand",
          hints=("log_density(model, model_args, model_kwargs, params) returns the log joint and "
                 "the trace; jax.grad of a function of params gives one gradient per site.",
                 "The site's own prior always depends on the site: subtract "
                 "trace[name]['fn'].log_prob(params[name]).sum() before differentiating.",
                 "For each name in params: g = jax.grad(lambda p: rest(p, name))(params)[name]; "
                 "the site is unused when not jnp.any(g). Return the sorted names."),
          examples=_examples_3)
def _check_3(unused_latents):
    _callable("unused_latents", unused_latents)
    results = {}
    for label, model, args, kwargs, params, expected in _cases():
        try:
            got = unused_latents(model, args, kwargs, dict(params))
        except Exception as err:  # the learner's function may fail in any way
            raise Wrong(f"on the model '{label}' your function raised {type(err).__name__}: "
                        f"{err}") from None
        if isinstance(got, str) or not hasattr(got, "__iter__"):
            raise Wrong(f"return a list of site names, got {type(got).__name__} for '{label}'.")
        results[label] = (sorted(got), expected)
    wrong = {k: v for k, v in results.items() if v[0] != v[1]}
    if not wrong:
        return
    if set(wrong) == {"hierarchical"} and set(wrong["hierarchical"][0]) >= {"tau"}:
        raise Wrong(f"in the hierarchical model you flag {wrong['hierarchical'][0]}: tau and mu0 "
                    "reach y only through theta's prior, so the log-likelihood alone ignores "
                    "them. Differentiate the whole log density, each site's own prior left out.")
    if all(got == [] for got, _ in wrong.values()):
        raise Wrong(f"you flag nothing in {sorted(wrong)}: a site's own prior always depends "
                    "on it, so the whole log density's gradient is never zero. Leave the site's "
                    "own prior term out before differentiating.")
    label, (got, expected) = next(iter(wrong.items()))
    raise Wrong(f"on the model '{label}' your function returns {got}; the unused sites are "
                f"{expected}.")
