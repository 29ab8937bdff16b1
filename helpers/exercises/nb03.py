"""Exercises of notebook 03 (when to use ``factor`` instead of an observed site).

03.1 (easy)   drop the constant -1/2 log(2 pi) from a hand-written Normal: the log density
              moves by N/2 log(2 pi), the gradient does not;
03.2 (medium) find the bug: a saturating sensor's likelihood written as a ``factor`` cannot
              simulate y in ``Predictive``; the same likelihood as an observed
              ``RightCensoredDistribution`` can;
03.3 (hard)   find the bug: a prior on a precision added with ``factor`` and a Jacobian, and a
              likelihood summed into one ``factor``, break ``az.loo`` and posterior predictive
              checks; sample the precision and keep ``y`` an observed site.

Each checker recomputes what it needs from the course's data (``forum_dataset(1)``, seed 0),
the notebook's priors and fixed keys (03.1: the five prior draws of ``key_points``, the
first of ``random.split(PRNGKey(0), 6)``): no state is shared with the notebook.

>>> from helpers.exercises import check
>>> _ = check("03.1", gap=-45.95, same_gradient=True)   # doctest: +ELLIPSIS
Exercise 03.1 (easy, drop the constant): not yet. you took model_obs minus yours, ...
>>> _ = check("03.1", gap=45.95, same_gradient=True)
Exercise 03.1 (easy, drop the constant): correct.
"""

import numpy as np

from helpers.exercises._core import Wrong, exercise

__all__ = []

UPPER = 5.0  # exercise 03.2: the sensor reports any reading above 5.0 as 5.0
HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)


def _data():
    from helpers.data import forum_dataset

    return forum_dataset(1)


def _priors(X):
    """The notebook's ``priors``: w ~ Normal(0, 10), b ~ Normal(0, 10), sigma ~ Uniform(0, 10)."""
    import numpyro
    import numpyro.distributions as dist

    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    return X @ w + b, sigma


def _near(a, b, atol):
    return bool(np.isfinite(a) and abs(a - b) <= atol)


def _callable(model, name):
    if not callable(model):
        raise Wrong(f"{name} must be a model function, got {type(model).__name__}. Define it with "
                    "def, as the model above it is.")


# ---------------------------------------------------------------- 03.1 --------------
def _prior_points():
    """The notebook's five prior draws: Predictive(priors, 5) with key_points."""
    from jax import random
    from numpyro.infer import Predictive

    key_points = random.split(random.PRNGKey(0), 6)[0]
    return Predictive(_priors, num_samples=5)(key_points, _data().X)


def _gap_without_log_sigma():
    """What ``gap`` is when -log(sigma) is dropped instead of the constant."""
    sigma = np.asarray(_prior_points()["sigma"], dtype=np.float64)
    return float(np.mean(_data().n * np.log(sigma)))


def _examples_1():
    n = _data().n
    return {
        "solution": {"gap": n * HALF_LOG_2PI, "same_gradient": True},
        "mistakes": {
            "other way round": ({"gap": -n * HALF_LOG_2PI, "same_gradient": True}, "other way"),
            "one point": ({"gap": HALF_LOG_2PI, "same_gradient": True}, "one point's"),
            "no half": ({"gap": 2 * n * HALF_LOG_2PI, "same_gradient": True}, "the 1/2"),
            "gradient differs": ({"gap": n * HALF_LOG_2PI, "same_gradient": False},
                                 "zero derivative"),
            "log sigma dropped": ({"gap": _gap_without_log_sigma(), "same_gradient": False},
                                  "-log(sigma)"),
            "nothing dropped": ({"gap": 0.0, "same_gradient": True}, "nothing"),
        },
    }


@exercise("03.1", level="easy", title="drop the constant",
          hints=("Copy model_factor and write the density out without -0.5 * jnp.log(2 * "
                 "jnp.pi); value_and_grad(model) returns the log density and its gradient at "
                 "the five points.",
                 "gap = mean of (your values - value_obs). Each of the 50 terms lost the same "
                 "constant.",
                 "Compare the gradients site by site with np.allclose (rtol=1e-4, atol=1e-3): "
                 "a constant has no derivative."),
          examples=_examples_1)
def _check_1(gap, same_gradient):
    n = _data().n
    try:
        gap = float(gap)
    except (TypeError, ValueError):
        raise Wrong(f"gap must be one number (the mean difference over the five points), got "
                    f"{type(gap).__name__}.") from None
    if not isinstance(same_gradient, bool | np.bool_):
        raise Wrong(f"same_gradient must be True or False, got {same_gradient!r}.")
    expected = n * HALF_LOG_2PI
    if _near(gap, expected, 0.05):
        if not same_gradient:
            raise Wrong(f"the gap is right ({gap:.2f}), but a constant has zero derivative: the "
                        "gradients agree to float32 rounding. Compare them with np.allclose and "
                        "a tolerance (rtol=1e-4, atol=1e-3), not with ==.")
        return
    diagnoses = [
        (-expected, 0.05, f"you took model_obs minus yours, the other way round: dropping "
                          f"-1/2 log(2 pi) raises the log density, by +{expected:.2f}."),
        (HALF_LOG_2PI, 0.01, f"{HALF_LOG_2PI:.3f} is one point's constant; the factor adds "
                             f"{n} terms, and each lost it."),
        (2 * expected, 0.1, f"that is N log(2 pi); the constant per point is 1/2 log(2 pi) "
                            f"(did you forget the 1/2?), so the gap is {expected:.2f}."),
        (_gap_without_log_sigma(), 0.05, "you dropped -log(sigma), not the constant: that "
                                         "term depends on sigma, so the gradient and the "
                                         "posterior change. Keep it, drop -1/2 log(2 pi)."),
        (0.0, 1e-3, "the gap is 0: nothing was dropped. Compare model_no_constant (without "
                    "-1/2 log(2 pi)) with model_obs."),
    ]
    for wrong, atol, message in diagnoses:
        if _near(gap, wrong, atol):
            raise Wrong(message)
    raise Wrong(f"gap = {gap:.3f}; dropping -1/2 log(2 pi) from each of the {n} terms moves the "
                f"log density by a constant. Check which term your factor leaves out.")


# ---------------------------------------------------------------- 03.2 --------------
def _saturated_data():
    data = _data()
    saturated = data.y > UPPER
    return data, saturated, np.where(saturated, UPPER, data.y)


def _saturated_model(kind):
    """Right (the solution) and the recognised mistakes, each as ``model(X, saturated, y)``."""
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist

    def model(X, saturated, y=None):
        mu, sigma = _priors(X)
        noise = dist.Normal(mu, sigma)
        if kind == "right":
            numpyro.sample("y", dist.RightCensoredDistribution(noise, saturated), obs=y)
        elif kind == "left":
            numpyro.sample("y", dist.LeftCensoredDistribution(noise, saturated), obs=y)
        elif kind == "normal":
            numpyro.sample("y", noise, obs=y)
        elif kind == "guarded":
            if y is not None:
                numpyro.factor("y", jnp.where(saturated, jnp.log1p(-noise.cdf(y)),
                                              noise.log_prob(y)))
        else:  # the colleague's factor
            numpyro.factor("y", jnp.where(saturated, jnp.log1p(-noise.cdf(y)),
                                          noise.log_prob(y)))

    return model


def _examples_2():
    return {
        "solution": {"model_saturated": _saturated_model("right")},
        "mistakes": {
            "still a factor": ({"model_saturated": _saturated_model("factor")},
                               "still raises"),
            "guarded factor": ({"model_saturated": _saturated_model("guarded")}, "draws no"),
            "left-censored": ({"model_saturated": _saturated_model("left")}, "below"),
            "saturation dropped": ({"model_saturated": _saturated_model("normal")},
                                   "dropped the saturation"),
        },
    }


def _params_2():
    import jax.numpy as jnp

    return {"w": jnp.array([[-0.96], [-0.90]]), "b": jnp.array([4.29, 4.35]),
            "sigma": jnp.array([0.1, 0.15])}


def _log_joints(model, params, *args, **kwargs):
    from numpyro.infer.util import log_density

    rows = [{k: v[i] for k, v in params.items()} for i in range(len(params["b"]))]
    return np.array([float(log_density(model, args, kwargs, p)[0]) for p in rows])


@exercise("03.2", level="medium", title="a saturating sensor that simulates",
          hints=("A saturated reading is right-censored: the true value lay above the reported "
                 "5.0.",
                 "NumPyro ships RightCensoredDistribution(base, censored); its log_prob is "
                 "log(1 - CDF) where censored is True and the base log density elsewhere.",
                 "numpyro.sample('y', dist.RightCensoredDistribution(dist.Normal(mu, sigma), "
                 "saturated), obs=y), with mu, sigma = priors(X)."),
          examples=_examples_2)
def _check_2(model_saturated):
    import jax
    from jax import random
    from numpyro.infer import Predictive

    _callable(model_saturated, "model_saturated")
    data, saturated, y_sat = _saturated_data()
    params = _params_2()
    predictive = Predictive(model_saturated, params)
    try:  # jax.eval_shape traces Predictive as a run would, but compiles nothing: shapes only
        draws = jax.eval_shape(lambda key: predictive(key, data.X, saturated), random.PRNGKey(1))
    except TypeError as err:
        raise Wrong("Predictive(model_saturated, samples)(key, X, saturated) still raises "
                    f"TypeError ({err}): with y=None a factor has nothing to be computed from. "
                    "Make y an observed site of a distribution, which can draw it.") from None
    except Exception as err:  # the learner's model may fail in any way
        raise Wrong(f"Predictive raised {type(err).__name__}: {err}. Call the model as "
                    "model_saturated(X, saturated, y=None).") from None
    if "y" not in draws:
        raise Wrong("Predictive runs but draws no y: skipping the factor when y is None leaves "
                    "nothing to simulate y from. Use an observed site, obs=y.")
    if draws["y"].shape != (2, data.n):
        raise Wrong(f"Predictive drew y of shape {draws['y'].shape}, not (2, {data.n}) for two "
                    "posterior draws: one value per data point.")
    try:
        mine = _log_joints(model_saturated, params, data.X, saturated, y=y_sat)
    except Exception as err:  # the learner's model may fail in any way
        raise Wrong(f"log_density of your model failed ({type(err).__name__}: {err}). Keep "
                    "the sites of priors(X): w, b and sigma.") from None

    def ref(kind):  # evaluated only when needed: each new model compiles its own operations
        return _log_joints(_saturated_model(kind), params, data.X, saturated, y=y_sat)

    right = ref("right")
    if np.allclose(mine, right, rtol=1e-5, atol=1e-2):
        return
    if np.allclose(mine, ref("left"), rtol=1e-5, atol=1e-2):
        raise Wrong("you used LeftCensoredDistribution: it gives a saturated point log CDF, the "
                    "probability of lying below 5.0. A saturated reading lay above the limit.")
    if np.allclose(mine, ref("normal"), rtol=1e-5, atol=1e-2):
        raise Wrong("you dropped the saturation: a saturated point is not a reading of 5.0, it "
                    "says the value lay above 5.0, so it contributes log(1 - CDF(5.0)).")
    raise Wrong(f"your log joint at two parameter values is {np.round(mine, 2)}; the "
                f"colleague's likelihood gives {np.round(right, 2)}. Keep priors(X) and "
                "the same likelihood.")


# ---------------------------------------------------------------- 03.3 --------------
GAMMA_CONCENTRATION, GAMMA_RATE = 2.0, 0.02  # prior of the precision tau = 1 / sigma**2


def _precision_model(kind):
    """The solution and the recognised mistakes of 03.3, each as ``model(X, y=None)``."""
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from numpyro.distributions import constraints

    def model(X, y=None):
        w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
        b = numpyro.sample("b", dist.Normal(0.0, 10.0))
        mu = X @ w + b
        if kind == "factors kept":
            sigma = numpyro.sample("sigma", dist.ImproperUniform(constraints.positive, (), ()))
            numpyro.factor("tau_prior", dist.Gamma(GAMMA_CONCENTRATION, GAMMA_RATE)
                           .log_prob(sigma**-2))
            numpyro.factor("jacobian", jnp.log(2.0) - 3 * jnp.log(sigma))
        else:
            rate = 1 / GAMMA_RATE if kind == "gamma scale" else GAMMA_RATE
            tau = numpyro.sample("tau", dist.Gamma(GAMMA_CONCENTRATION, rate))
            power = -1.0 if kind == "one over tau" else -0.5
            sigma = numpyro.deterministic("sigma", tau**power)
        if kind == "summed":
            numpyro.factor("y", dist.Normal(mu, sigma).log_prob(y).sum())
        elif kind == "per-point factor":
            numpyro.factor("y", dist.Normal(mu, sigma).log_prob(y))
        else:
            numpyro.sample("y", dist.Normal(mu, sigma), obs=y)

    return model


def _examples_3():
    mistakes = {
        "factors kept": "several log-likelihood arrays",
        "summed": "one summed factor",
        "per-point factor": "cannot draw y",
        "one over tau": "tau**-0.5",
        "gamma scale": "rate",
    }
    return {
        "solution": {"model_precision_fixed": _precision_model("right")},
        "mistakes": {kind: ({"model_precision_fixed": _precision_model(kind)}, fragment)
                     for kind, fragment in mistakes.items()},
    }


def _sigma_reference(power=-0.5, rate=GAMMA_RATE, size=20000):
    tau = np.random.default_rng(0).gamma(GAMMA_CONCENTRATION, 1 / rate, size=size)
    return tau**power


def _in_support(site):
    """``substitute_fn``: each latent site at a value in its support, so that tracing draws
    nothing (a Gamma draw alone compiles a sampler for seconds)."""
    import jax.numpy as jnp

    if site["type"] != "sample" or site["is_observed"]:
        return None
    fn = site["fn"]
    try:
        return fn.support.feasible_like(jnp.zeros(fn.shape(site["kwargs"]["sample_shape"])))
    except NotImplementedError:
        return None  # then the seed handler draws it


def _check_y_site(model, data):
    from numpyro import handlers

    try:
        model = handlers.substitute(handlers.seed(model, 0), substitute_fn=_in_support)
        trace = handlers.trace(model).get_trace(data.X, y=data.y)
    except Exception as err:  # the learner's model may fail in any way
        raise Wrong(f"calling model_precision_fixed(X, y=y) failed ({type(err).__name__}: "
                    f"{err}).") from None
    observed = sorted(name for name, site in trace.items()
                      if site["type"] == "sample" and site["is_observed"])
    if observed != ["y"]:
        raise Wrong(f"log_likelihood would return {observed}, so az.loo(idata) stops at several "
                    "log-likelihood arrays. Every factor is an observed site: put the prior into "
                    "a sample site of tau, and no factor for the prior or the Jacobian.")
    site = trace["y"]
    if type(site["fn"]).__name__ == "Unit":
        if site["fn"].batch_shape == ():
            raise Wrong("y is still one summed factor: log_likelihood gives one number per "
                        "draw, and LOO sees one observation. Make y an observed site.")
        raise Wrong("y is a per-point factor: LOO would work, but Predictive cannot draw y from "
                    "a factor. Make y an observed site, obs=y.")
    return [name for name, s in trace.items() if s["type"] == "sample" and not s["is_observed"]]


def _check_sigma_prior(sigma):
    from scipy import stats

    if stats.ks_2samp(sigma, _sigma_reference()).pvalue > 1e-3:
        return
    if stats.ks_2samp(sigma, _sigma_reference(power=-1.0)).pvalue > 1e-3:
        raise Wrong("your sigma is 1/tau, but tau is a precision, 1/sigma**2: sigma = "
                    "tau**-0.5.")
    if stats.ks_2samp(sigma, _sigma_reference(rate=1 / GAMMA_RATE)).pvalue > 1e-3:
        raise Wrong("NumPyro's Gamma takes (concentration, rate): Gamma(2, 0.02) has mean "
                    "2 / 0.02 = 100. Yours has rate 50 (0.02 read as a scale).")
    raise Wrong(f"the prior of sigma has median {np.median(sigma):.3g}; tau ~ Gamma(2, 0.02) "
                f"gives sigma = tau**-0.5 a median of {np.median(_sigma_reference()):.3g}.")


@exercise("03.3", level="hard", title="a prior on the precision, without factors",
          hints=("Every factor is an observed site to log_likelihood and ArviZ, and a summed "
                 "one is a single observation. How many factors may remain?",
                 "As with the angle in section 6: sample the quantity the prior is stated on, "
                 "tau, and compute sigma from it with numpyro.deterministic.",
                 "tau = numpyro.sample('tau', dist.Gamma(2.0, 0.02)); sigma = "
                 "numpyro.deterministic('sigma', tau**-0.5); then an observed Normal site y."),
          examples=_examples_3)
def _check_3(model_precision_fixed):
    from jax import random
    from numpyro.infer import Predictive
    from numpyro.infer.util import log_likelihood
    from scipy import stats

    _callable(model_precision_fixed, "model_precision_fixed")
    data = _data()
    latent = _check_y_site(model_precision_fixed, data)
    try:
        draws = Predictive(model_precision_fixed, num_samples=4000)(random.PRNGKey(2), data.X)
    except NotImplementedError:
        raise Wrong("Predictive cannot draw the prior: a site has no sampler (ImproperUniform "
                    "has none). Sample tau from its Gamma prior and compute sigma.") from None
    missing = {"w", "b", "sigma"} - set(draws)
    if missing:
        raise Wrong(f"Predictive draws no {sorted(missing)}: keep sites named w, b and sigma "
                    "(sigma may be a deterministic site).")
    _check_sigma_prior(np.asarray(draws["sigma"], dtype=np.float64))
    params = {name: draws[name][:20] for name in latent}
    ll = np.asarray(log_likelihood(model_precision_fixed, params, data.X, y=data.y)["y"])
    w, b, sigma = (np.asarray(draws[k][:20], dtype=np.float64) for k in ("w", "b", "sigma"))
    mu = w @ data.X.T + b[:, None]
    ref = stats.norm.logpdf(data.y, mu, sigma[:, None])
    if ll.shape != ref.shape or not np.allclose(ll, ref, rtol=1e-4, atol=1e-2):
        raise Wrong(f"the likelihood differs from Normal(X @ w + b, sigma) for each point "
                    f"(log_likelihood has shape {ll.shape}, expected {ref.shape}).")
