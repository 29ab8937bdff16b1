"""Exercises of notebook 02 (where is the likelihood in a NumPyro model?).

02.1 (easy)   the log joint at the true parameters, by hand;
02.2 (medium) find the bug: an observed site without ``obs=`` (it silently became latent);
02.3 (hard)   two readings per row: ``.to_event(1)`` inside a plate, shapes that fit.

Each checker recomputes what it needs from the course's data (``forum_dataset(1)``,
seed 0) with SciPy as the reference: no state is shared with the notebook.
"""

import numpy as np

from helpers.exercises._core import Wrong, exercise

__all__ = []


def _data():
    from helpers.data import forum_dataset

    return forum_dataset(1)


def _truth_params():
    import jax.numpy as jnp

    t = _data().truth
    return {"w": jnp.asarray(t["w"]), "b": jnp.asarray(t["b"]), "sigma": jnp.asarray(t["sigma"])}


def _priors(X):
    import numpyro
    import numpyro.distributions as dist

    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    return w, b, sigma


def _is_factor(fn):
    from numpyro.distributions import ExpandedDistribution, Independent, MaskedDistribution
    from numpyro.distributions.distribution import Unit

    while isinstance(fn, ExpandedDistribution | Independent | MaskedDistribution):
        fn = fn.base_dist
    return isinstance(fn, Unit)


def _trace(model, *args, params=None, seed=0, **kwargs):
    from jax import random
    from numpyro import handlers

    if params is not None:
        model = handlers.substitute(model, data=params)
    return handlers.trace(handlers.seed(model, random.PRNGKey(seed))).get_trace(*args, **kwargs)


# ---------------------------------------------------------------- 02.1 --------------
def _terms():
    """Prior and likelihood parts of the log joint at the truth, in float64 (SciPy)."""
    from scipy import stats

    data = _data()
    t = data.truth
    prior = (stats.norm.logpdf(t["w"], 0, 10).sum() + stats.norm.logpdf(t["b"], 0, 10)
             + stats.uniform.logpdf(t["sigma"], 0, 10))
    mu = data.X @ t["w"] + t["b"]
    likelihood = stats.norm.logpdf(data.y, mu, t["sigma"]).sum()
    as_variance = stats.norm.logpdf(data.y, mu, t["sigma"] ** 2).sum()
    return float(prior), float(likelihood), float(as_variance), data.n


def _f_term():
    """What a learner adds by giving f (not a site of the model) a Normal(0, 10) prior."""
    from scipy import stats

    return float(stats.norm.logpdf(_data().truth["f"], 0, 10))


def _examples_1():
    prior, likelihood, as_variance, n = _terms()
    right = prior + likelihood
    return {
        "solution": {"log_joint_truth": right},
        "mistakes": {
            "likelihood only": ({"log_joint_truth": likelihood}, "prior"),
            "no constant": ({"log_joint_truth": right + n * np.log(2 * np.pi) / 2},
                            "normalising constant"),
            "variance as scale": ({"log_joint_truth": prior + as_variance}, "variance"),
            "sign": ({"log_joint_truth": -right}, "sign"),
            "prior of f": ({"log_joint_truth": right + _f_term()}, "not a site"),
        },
    }


@exercise("02.1", level="easy", title="the log joint at the truth",
          hints=("One term per site: three priors and one likelihood, summed over the 50 points.",
                 "stats.norm.logpdf(value, loc, scale) takes the sd as scale; "
                 "Uniform(0, 10) is stats.uniform.logpdf(value, 0, 10).",
                 "Section 2's by_hand dict, with w0, b0, s0 replaced by data.truth['w'], "
                 "data.truth['b'], data.truth['sigma']; then sum its values."),
          examples=_examples_1)
def _check_1(log_joint_truth):
    if np.size(log_joint_truth) != 1:
        raise Wrong(f"give one number, the sum over all sites and points; got an array of shape "
                    f"{np.shape(log_joint_truth)}. Sum it.")
    value = float(np.asarray(log_joint_truth).ravel()[0])
    prior, likelihood, as_variance, n = _terms()
    right = prior + likelihood

    def near(target):
        return abs(value - target) <= 1e-3 + 1e-5 * abs(target)

    if near(right):
        return
    constant = 0.5 * np.log(2 * np.pi)
    diagnoses = [
        (likelihood, "that is the log-likelihood alone: add the three prior terms (w, b, sigma)."),
        (prior, "that is the log prior alone: add the likelihood of the 50 data points."),
        (-right, "the sign is flipped: that is the negative log joint (NUTS's potential "
                 "energy, without the Jacobian)."),
        (prior + as_variance, "you passed the variance sigma**2 as the scale: Normal's second "
                              "argument (and scipy's scale) is the sd."),
        (right + _f_term(), "f is not a site of `model` (data.truth has it for notebook 04's "
                            "model): leave its prior out."),
    ] + [(right + k * constant, f"did you drop the normalising constant? You are "
                                f"{k} x log(2 pi)/2 above the log joint.") for k in (n, n + 2)]
    for target, message in diagnoses:
        if near(target):
            raise Wrong(message)
    raise Wrong(f"the log joint at the truth is not {value:.4f}. Check each site's term against "
                "NumPyro: site_table(model, params, data.X, y=data.y) lists them.")


# ---------------------------------------------------------------- 02.2 --------------
def _observed_model(kind):
    import numpyro
    import numpyro.distributions as dist

    pinned = _data().y

    def model(X, y=None):
        w, b, sigma = _priors(X)
        with numpyro.plate("data", X.shape[0]):
            normal = dist.Normal(X @ w + b, sigma)
            if kind == "factor":
                return numpyro.factor("y", normal.log_prob(y))
            obs = {"right": y, "latent": None, "pinned": pinned}[kind]
            return numpyro.sample("y", normal, obs=obs)

    return model


def _examples_2():
    return {
        "solution": {"model_fixed": _observed_model("right")},
        "mistakes": {
            "still latent": ({"model_fixed": _observed_model("latent")}, "obs=y"),
            "pinned to the global data": ({"model_fixed": _observed_model("pinned")}, "y=None"),
            "factor": ({"model_fixed": _observed_model("factor")}, "factor"),
        },
    }


@exercise("02.2", level="medium", title="find the bug: the observed site",
          hints=("Which sites does mcmc.get_samples() return for model_bug? Which of them should "
                 "be data?",
                 "A sample site is observed only when it is given obs=...; model_bug never hands "
                 "its y argument to the site.",
                 "numpyro.sample('y', dist.Normal(X @ w + b, sigma), obs=y): obs is the model's "
                 "argument y, so y=None still simulates."),
          examples=_examples_2)
def _check_2(model_fixed):
    from numpyro.infer.util import log_density

    if not callable(model_fixed):
        raise Wrong(f"model_fixed must be a model function model(X, y=None), got "
                    f"{type(model_fixed).__name__}.")
    data, params = _data(), _truth_params()
    try:
        trace = _trace(model_fixed, data.X, y=data.y, params=params)
    except Exception as err:  # the learner's model may fail in any way
        raise Wrong(f"model_fixed(data.X, y=data.y) fails: {type(err).__name__}: {err}") from None
    site = trace.get("y")
    if site is None or site["type"] != "sample":
        raise Wrong(f"model_fixed has no sample site named 'y' (its sites: {list(trace)}).")
    if _is_factor(site["fn"]):
        raise Wrong("numpyro.factor gives the same log density, but a factor site cannot "
                    "simulate: with y=None there is nothing to score. Use an observed sample "
                    "site, obs=y.")
    if not site["is_observed"]:
        raise Wrong("y is still a latent site, so NUTS samples it and nothing is observed. "
                    "Hand the data to the site: obs=y.")
    if np.shape(site["value"]) != data.y.shape or not np.allclose(site["value"], data.y):
        raise Wrong("the observed value of 'y' is not the y passed to the model: use obs=y.")
    # y=None, with a value substituted for a latent y: nothing is drawn (no sampler compiled)
    if _trace(model_fixed, data.X, params={**params, "y": data.y})["y"]["is_observed"]:
        raise Wrong("with y=None the site is still observed: obs is pinned to the notebook's "
                    "data instead of the model's argument. Write obs=y so that y=None simulates.")
    got = float(log_density(model_fixed, (data.X,), {"y": data.y}, params)[0])
    want = float(log_density(_observed_model("right"), (data.X,), {"y": data.y}, params)[0])
    if not np.isclose(got, want, rtol=1e-5):
        raise Wrong(f"y is observed now, but the log joint at the truth is {got:.3f} instead of "
                    f"{want:.3f}: keep the priors and the mean of model_bug.")


# ---------------------------------------------------------------- 02.3 --------------
def _simulated_shape(model, X):
    """Shape of the y that ``model(X)`` draws (latents at the truth), by abstract evaluation
    (``jax.eval_shape``: nothing compiled); a model that needs concrete values runs for real."""
    import jax
    from jax import random
    from numpyro import handlers

    def simulate(key):
        at_truth = handlers.substitute(model, data=_truth_params())
        return handlers.trace(handlers.seed(at_truth, key)).get_trace(X)["y"]["value"]

    try:
        return tuple(jax.eval_shape(simulate, random.PRNGKey(1)).shape)
    except Exception:  # the learner's model may fail under abstract evaluation
        return np.shape(simulate(random.PRNGKey(1)))


def _pairs_data():
    data = _data()
    t = data.truth
    mu = data.X @ t["w"] + t["b"]
    noise = t["sigma"] * np.random.default_rng(2).normal(size=(data.n, 2))
    return data.X, mu, mu[:, None] + noise, t["sigma"]


def _pairs_model(kind):
    import numpyro
    import numpyro.distributions as dist

    def model(X, y=None):
        w, b, sigma = _priors(X)
        mu, n = X @ w + b, X.shape[0]
        column = dist.Normal(mu[:, None], sigma)
        if kind == "no plate":
            return numpyro.sample("y", column.expand([n, 2]).to_event(1), obs=y)
        if kind == "dim -2, no event":
            with numpyro.plate("data", n, dim=-2):
                return numpyro.sample("y", column.expand([n, 2]), obs=y)
        with numpyro.plate("data", n):
            fn = {"right": column.expand([n, 2]).to_event(1),
                  "no expand": column.to_event(1),
                  "flat mean": dist.Normal(mu, sigma)}[kind]
            return numpyro.sample("y", fn, obs=y)

    return model


def _examples_3():
    def answer(kind):
        return {"model_pairs": _pairs_model(kind)}

    return {
        "solution": answer("right"),
        "mistakes": {
            "to_event without expand": (answer("no expand"), "event shape (1,)"),
            "no plate": (answer("no plate"), "plate"),
            "second axis in no plate": (answer("dim -2, no event"), "neither an event axis"),
            "mean without a column axis": (answer("flat mean"), "mu[:, None]"),
        },
    }


@exercise("02.3", level="hard", title="two readings per row: to_event in a plate",
          hints=("The mean has shape (N,), the data (N, 2): give the mean a column axis so it "
                 "broadcasts against two readings per row.",
                 "Inside plate('data', N) the distribution needs batch shape (N,) and event "
                 "shape (2,): expand it to (N, 2), then .to_event(1).",
                 "dist.Normal(mu[:, None], sigma).expand([X.shape[0], 2]).to_event(1), sampled "
                 "with obs=y inside numpyro.plate('data', X.shape[0])."),
          examples=_examples_3)
def _check_3(model_pairs):
    from scipy import stats

    if not callable(model_pairs):
        raise Wrong(f"model_pairs must be a model function model(X, y=None), got "
                    f"{type(model_pairs).__name__}.")
    X, mu, y, sigma = _pairs_data()
    n = X.shape[0]
    try:
        site = _trace(model_pairs, X, y=y, params=_truth_params())["y"]
        fn, value = site["fn"], site["value"]
        log_lik = np.asarray(fn.log_prob(value))
    except Exception as err:  # the learner's model may fail in any way
        raise Wrong(f"with y of shape ({n}, 2) the model fails ({type(err).__name__}: {err}). "
                    "Give the mean a column axis, mu[:, None], so it broadcasts against two "
                    "readings per row.") from None
    if not site["is_observed"]:
        raise Wrong("'y' is not observed: pass obs=y.")
    batch, event = tuple(fn.batch_shape), tuple(fn.event_shape)
    if event == (1,):
        raise Wrong(f"the distribution's event shape (1,) was broadcast against the value "
                    f"({n}, 2): it scores right, but y=None would simulate one reading per row. "
                    "Expand to (N, 2) before .to_event(1).")
    if batch + event != (n, 2):
        raise Wrong(f"the value has shape ({n}, 2) but the distribution scores batch {batch} + "
                    f"event {event}; make them ({n},) + (2,).")
    want = stats.norm.logpdf(y, mu[:, None], sigma).sum()
    if not np.isclose(log_lik.sum(), want, rtol=1e-4):
        raise Wrong(f"the log-likelihood is {log_lik.sum():.3f}, but the sum over all {2 * n} "
                    f"readings is {want:.3f}.")
    plates = {frame.dim: frame.size for frame in site["cond_indep_stack"]}
    if n not in plates.values():
        raise Wrong(f"put the observed site inside numpyro.plate('data', {n}): the plate says "
                    "which axis holds the independent rows.")
    for i, size in enumerate(batch):
        dim = i - len(batch)
        if size > 1 and dim not in plates:
            raise Wrong(f"batch axis {dim} (size {size}, the readings) is neither an event axis "
                        "nor in a plate: make it the event with .to_event(1).")
    simulated = _simulated_shape(model_pairs, X)
    if simulated != (n, 2):
        raise Wrong(f"with y=None the model simulates shape {simulated}, not ({n}, 2).")
