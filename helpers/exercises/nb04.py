"""Exercises of notebook 04 (identifiability of ``mu = f * (X @ w + b)``).

04.1 (easy)   the rescaling by hand: the log-likelihood at the truth and at c = -3;
04.2 (medium) find the bug: ``f`` sampled but not used in ``mu``; repair it keeping the
              calibration prior of ``f``, with ``w = numpyro.deterministic("w", fw / f)``;
04.3 (hard)   a fix that is not one: a positive ``f`` still leaves a flat direction; write a
              model with a free ``f > 0`` and no flat direction.

Each checker recomputes what it needs from the course's data (``forum_dataset(2)``, seed 0):
no state is shared with the notebook.

>>> from helpers.exercises import check
>>> _ = check("04.1", ll_truth=276.835, ll_rescaled=-1.1e9)   # doctest: +ELLIPSIS
Exercise 04.1 (easy, the rescaling by hand): not yet. ll_rescaled = -1.1e+09; at (c f, ...
>>> _ = check("04.1", ll_truth=276.835, ll_rescaled=276.835)
Exercise 04.1 (easy, the rescaling by hand): correct.
"""

import numpy as np

from helpers.exercises._core import Wrong, exercise

__all__ = []

CALIBRATION = (0.5, 0.05)  # the prior of f in notebook 04, section 5


def _data():
    from helpers.data import forum_dataset

    return forum_dataset(2)


def _model(X, y=None, f_prior=None, mean="f*(Xw+b)"):
    """The course's models, for the examples: the thread's mean or one of the mistakes."""
    import numpyro
    import numpyro.distributions as dist

    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = 1.0 if mean == "f*(Xw+1)" else numpyro.sample("b", dist.Normal(0.0, 10.0))
    f = 1.0 if f_prior is False else numpyro.sample("f", f_prior or dist.Normal(0.0, 2.5))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    mu = {"f*(Xw+b)": f * (X @ w + b), "Xw+b": X @ w + b, "f*Xw+b": f * (X @ w) + b,
          "f*(Xw+1)": f * (X @ w + b)}[mean]
    return numpyro.sample("y", dist.Normal(mu, sigma), obs=y)


def _bind(**options):
    def model(X, y=None):
        return _model(X, y, **options)

    return model


# ---------------------------------------------------------------- 04.1 --------------
def _loglik(p):
    from numpyro.infer.util import log_likelihood

    data = _data()
    return float(log_likelihood(_model, p, data.X, y=data.y, batch_ndims=0)["y"].sum())


def _rescaled(c, how="divide"):
    """The truth with f times c and w, b divided by c; or the two usual slips."""
    t = _data().truth
    k = {"divide": 1 / c, "f only": 1.0, "multiply": c}[how]
    return dict(t, f=t["f"] * c, w=t["w"] * k, b=t["b"] * k)


def _log_joint(p):
    from numpyro.infer.util import log_density

    data = _data()
    return float(log_density(_model, (data.X,), {"y": data.y}, p)[0])


def _examples_1():
    from numpyro.infer.util import log_likelihood

    data, truth = _data(), _data().truth
    ll = _loglik(truth)
    per_point = np.asarray(log_likelihood(_model, truth, data.X, y=data.y, batch_ndims=0)["y"])
    return {
        "solution": {"ll_truth": ll, "ll_rescaled": _loglik(_rescaled(-3.0))},
        "mistakes": {
            "per point": ({"ll_truth": per_point, "ll_rescaled": per_point}, "sum over"),
            "f only": ({"ll_truth": ll, "ll_rescaled": _loglik(_rescaled(-3.0, "f only"))},
                       "only f"),
            "times c": ({"ll_truth": ll, "ll_rescaled": _loglik(_rescaled(-3.0, "multiply"))},
                        "Divide w and b"),
            "log joint": ({"ll_truth": _log_joint(truth),
                           "ll_rescaled": _log_joint(_rescaled(-3.0))}, "log joint"),
        },
    }


def _near(a, b):
    return abs(a - b) <= 0.05 + 1e-6 * abs(b)


@exercise("04.1", level="easy", title="the rescaling by hand",
          hints=("Rescaling by c multiplies f by c and divides w and b by c; sigma stays.",
                 "log_likelihood(model, p, data.X, y=data.y, batch_ndims=0)['y'] is one value "
                 "per point: sum it.",
                 "dict(truth, f=-3 * truth['f'], w=truth['w'] / -3, b=truth['b'] / -3) is the "
                 "rescaled point."),
          examples=_examples_1)
def _check_1(ll_truth, ll_rescaled):
    for name, value in (("ll_truth", ll_truth), ("ll_rescaled", ll_rescaled)):
        if np.size(value) != 1:
            raise Wrong(f"{name} has {np.size(value)} values: log_likelihood gives one per data "
                        "point; sum over them to get the log-likelihood of the data set.")
    ll_truth, ll_rescaled = float(np.squeeze(ll_truth)), float(np.squeeze(ll_rescaled))
    truth = _data().truth
    if _near(ll_truth, _log_joint(truth)) and not _near(ll_truth, _loglik(truth)):
        raise Wrong("that is the log joint (log_density: prior plus likelihood). The "
                    "likelihood is the observed site's part only: use log_likelihood.")
    if not _near(ll_truth, _loglik(truth)):
        raise Wrong(f"ll_truth = {ll_truth:.4g}, but the log-likelihood at the truth is "
                    f"{_loglik(truth):.4g}. Evaluate `model` at `truth` with data.X and y=data.y.")
    if _near(ll_rescaled, _loglik(_rescaled(-3.0, "f only"))):
        raise Wrong("you rescaled only f: f * (X w + b) is then -3 times the mean. Divide w "
                    "and b by c as well, and the mean, and the likelihood, stay unchanged.")
    if _near(ll_rescaled, _loglik(_rescaled(-3.0, "multiply"))):
        raise Wrong("you multiplied w and b by c too: that multiplies the mean by c**2 = 9. "
                    "Divide w and b by c, so that (c f)(X w / c + b / c) = f (X w + b).")
    if not _near(ll_rescaled, _loglik(_rescaled(-3.0))):
        raise Wrong(f"ll_rescaled = {ll_rescaled:.4g}; at (c f, w / c, b / c) with c = -3 the "
                    f"log-likelihood is {_loglik(_rescaled(-3.0)):.4g}, the same as at the truth.")


# ---------------------------------------------------------------- 04.2 --------------
def _reparam(f_prior=CALIBRATION, w_of=lambda fw, f: fw / f, deterministic=True):
    import numpyro
    import numpyro.distributions as dist

    def model(X, y=None):
        f = numpyro.sample("f", dist.Normal(*f_prior))
        fw = numpyro.sample("fw", dist.Normal(0.0, 5.0).expand([X.shape[1]]).to_event(1))
        fb = numpyro.sample("fb", dist.Normal(0.0, 5.0))
        if deterministic:
            numpyro.deterministic("w", w_of(fw, f))
            numpyro.deterministic("b", w_of(fb, f))
        sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
        return numpyro.sample("y", dist.Normal(X @ fw + fb, sigma), obs=y)

    return model


def _examples_2():
    import numpyro.distributions as dist

    calibration = dist.Normal(*CALIBRATION)
    return {
        "solution": {"model_repaired": _reparam()},
        "mistakes": {
            "unchanged": ({"model_repaired": _bind(f_prior=calibration, mean="Xw+b")},
                          "never reaches the mean"),
            "f*(Xw+b)": ({"model_repaired": _bind(f_prior=calibration)}, "ridge"),
            "fw * f": ({"model_repaired": _reparam(w_of=lambda fw, f: fw * f)}, "fw / f"),
            "no deterministic": ({"model_repaired": _reparam(deterministic=False)},
                                 "numpyro.deterministic"),
            "prior dropped": ({"model_repaired": _reparam(f_prior=(0.0, 2.5))}, "calibration"),
        },
    }


def _trace(model, params=None):
    from helpers.sites import trace_model

    data = _data()
    try:
        return trace_model(model, (data.X,), {"y": data.y}, params=params)
    except Exception as err:  # the learner's model: report, do not crash the check cell
        raise Wrong(f"running your model on (data.X, y=data.y) failed: "
                    f"{type(err).__name__}: {err}") from None


def _latent(trace):
    return {k: s for k, s in trace.items() if s["type"] == "sample" and not s["is_observed"]}


def _trace_at(model, values):
    """Trace ``model`` on the data, its latent sites named in ``values`` set to them.

    One run at those values: cheaper than ``trace_model``, which first draws 15 prior values
    per site to find where NUTS would start.
    """
    from numpyro import handlers

    def latent_value(site):  # sample sites only: a deterministic 'w' is the model's to compute
        return values.get(site["name"]) if site["type"] == "sample" else None

    data = _data()
    seeded = handlers.substitute(handlers.seed(model, 0), substitute_fn=latent_value)
    try:
        return handlers.trace(seeded).get_trace(data.X, y=data.y)
    except Exception as err:  # the learner's model: report, do not crash the check cell
        raise Wrong(f"running your model on (data.X, y=data.y) failed: "
                    f"{type(err).__name__}: {err}") from None


def _mean_at(model, values):
    """The observed site's mean and the trace, with the latent sites set to ``values``."""
    trace = _trace_at(model, values)
    latent = _latent(trace)
    unknown = sorted(set(latent) - set(values))
    if unknown:
        raise Wrong(f"model_repaired has latent sites {sorted(latent)}; expected f, sigma and "
                    f"either w, b or fw, fb (the products). Rename {unknown}.")
    if "y" not in trace or not trace["y"]["is_observed"]:
        raise Wrong("model_repaired has no observed site 'y': pass obs=y to the likelihood.")
    return np.asarray(trace["y"]["fn"].mean, dtype=np.float64), trace, latent


@exercise("04.2", level="medium", title="find the bug: f sampled but not used",
          hints=("Which parameters does the mean X @ w + b use? What do the data then say "
                 "about w, and what about f?",
                 "Put f into the model without creating a ridge: the data see only f*w and f*b. "
                 "Sample those (fw, fb) next to f.",
                 "w = numpyro.deterministic('w', fw / f) and the same for b; the mean is "
                 "X @ fw + fb, and f keeps Normal(0.5, 0.05)."),
          examples=_examples_2)
def _check_2(model_repaired):
    if not callable(model_repaired):
        raise Wrong(f"model_repaired must be a model function model(X, y=None), got "
                    f"{type(model_repaired).__name__}.")
    data = _data()
    t = data.truth
    values = {"f": t["f"], "w": t["w"], "b": t["b"], "fw": t["f"] * t["w"],
              "fb": t["f"] * t["b"], "sigma": t["sigma"]}
    mean, trace, latent = _mean_at(model_repaired, values)
    if "f" not in latent:
        raise Wrong("f is gone: keep f as a latent site with its calibration prior; the task "
                    "is to use it, not to drop it.")
    fn = latent["f"]["fn"]
    if not (type(fn).__name__ == "Normal"
            and np.allclose([float(fn.loc), float(fn.scale)], CALIBRATION)):
        raise Wrong("f must keep its calibration prior Normal(0.5, 0.05): that measurement is "
                    "the outside information that identifies w.")
    true_mean = t["f"] * (data.X @ t["w"] + t["b"])
    if {"w", "b"} <= set(latent):
        if np.allclose(mean, data.X @ t["w"] + t["b"], atol=1e-4):
            raise Wrong("f still never reaches the mean: mu = X @ w + b, so the posterior of "
                        "'w' estimates f * w (about -5.12 for w[1]), not w, and f is its prior.")
        if np.allclose(mean, true_mean, atol=1e-4):
            raise Wrong("right likelihood, but this is the ridge of section 5: with w, b and f "
                        "all sampled, NUTS crawls along f * w = const. Sample f, fw, fb and "
                        "recover w with numpyro.deterministic.")
    if not np.allclose(mean, true_mean, atol=1e-4):
        raise Wrong("at the true f, w, b (fw = f * w, fb = f * b) the mean of y should be "
                    "f * (X @ w + b); yours differs. The mean is X @ fw + fb.")
    for name in ("w", "b"):
        site = trace.get(name)
        if site is None or site["type"] != "deterministic":
            raise Wrong(f"there is no site '{name}': record it with "
                        f"numpyro.deterministic('{name}', f{name} / f) so that the posterior "
                        f"reports {name}.")
        value = np.asarray(site["value"], dtype=np.float64)
        if np.allclose(value, values["f" + name] * t["f"], rtol=1e-4):
            raise Wrong(f"{name} = f{name} * f multiplies by f twice: since f{name} = f * {name}, "
                        f"{name} = f{name} / f.")
        if not np.allclose(value, t[name], rtol=1e-4):
            raise Wrong(f"at the truth your deterministic '{name}' is {value}, not {t[name]}: "
                        f"it should be f{name} / f.")


# ---------------------------------------------------------------- 04.3 --------------
def _examples_3():
    import numpyro.distributions as dist

    positive = dist.HalfNormal(2.5)
    return {
        "solution": {"model_positive_f": _bind(f_prior=positive, mean="f*(Xw+1)")},
        "mistakes": {
            "HalfNormal only": ({"model_positive_f": _bind(f_prior=positive)}, "c > 0"),
            "b outside": ({"model_positive_f": _bind(f_prior=positive, mean="f*Xw+b")},
                          "f and w still trade"),
            "f dropped": ({"model_positive_f": _bind(f_prior=False, mean="Xw+b")},
                          "keep a latent site 'f'"),
            "f real": ({"model_positive_f": _bind(mean="f*(Xw+1)")}, "positive prior"),
        },
    }


@exercise("04.3", level="hard", title="a positive f is not a fix",
          hints=("flat_directions(model, (data.X,), {'y': data.y}) on the HalfNormal model: "
                 "which sites move along the flat direction?",
                 "f > 0 removes the mirror image c = -1, not the rescaling by c > 0. To remove "
                 "that, fix one of f, w[0], w[1], b to a value by convention.",
                 "f * (X @ w + 1.0): b = 1 by convention works because f * b > 0 in these "
                 "data (with f > 0, a negative b could not fit them)."),
          examples=_examples_3)
def _check_3(model_positive_f):
    from numpyro.distributions import constraints

    from helpers.identify import flat_directions

    if not callable(model_positive_f):
        raise Wrong(f"model_positive_f must be a model function model(X, y=None), got "
                    f"{type(model_positive_f).__name__}.")
    latent = _latent(_trace(model_positive_f))
    if "f" not in latent:
        raise Wrong(f"keep a latent site 'f' (the positive scale); the model has {sorted(latent)}.")
    if latent["f"]["fn"].support is not constraints.positive:
        raise Wrong("f can still be negative: give it a positive prior (HalfNormal, LogNormal, "
                    "...), as the task asks.")
    data = _data()
    result = flat_directions(model_positive_f, (data.X,), {"y": data.y})
    if len(result["flat"]):
        moving = set(result["flat_sites"])
        if {"f", "w", "b"} <= moving:
            raise Wrong("still a flat direction along (f, w, b): f > 0 removes the mirror image "
                        "c = -1 but not (c f, w / c, b / c) for c > 0. Fix one more number.")
        if {"f", "w"} <= moving:
            raise Wrong("f and w still trade: (c f, w / c) leaves f * (X @ w) unchanged, "
                        "wherever b sits. Fix a number inside the product f multiplies.")
        raise Wrong(f"the likelihood is still flat along {sorted(moving)}: every site there can "
                    "move without changing the fit.")
