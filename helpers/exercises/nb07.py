"""Exercises of notebook 07 (counts, yes/no outcomes, mixtures): checks with a diagnosis.

- 07.1 (easy): the variance of a ``NegativeBinomial2``.
- 07.2 (medium, find the bug): a Binomial regression written with ``probs=sigmoid(eta)``.
- 07.3 (hard, find the bug): a three-group mixture whose labels switch.
"""

import math

import numpy as np

from helpers.exercises._core import Wrong, exercise

__all__ = []


# --- 07.1 -------------------------------------------------------------------------------------
def _nb_variance_examples():
    mean, concentration = 4.0, 2.0
    return {
        "solution": {"variance": mean + mean**2 / concentration},
        "mistakes": {
            "poisson": ({"variance": mean}, "Poisson"),
            "times concentration": ({"variance": mean + concentration * mean**2}, "divides"),
            "mu over c": ({"variance": mean + mean / concentration}, "squared"),
            "no poisson part": ({"variance": mean**2 / concentration}, "Poisson part"),
            "not a number": ({"variance": "12"}, "one number"),
        },
    }


@exercise(
    "07.1", level="easy", title="how much more variable?",
    hints=(
        "A NegativeBinomial2 is a Poisson whose rate is itself Gamma-distributed: its variance is "
        "the Poisson's (the mean) plus an extra term that grows with the mean.",
        "The extra term is mean**2 / concentration: a large concentration brings you back to "
        "a Poisson.",
        "variance = 4.0 + 4.0**2 / 2.0",
    ),
    examples=_nb_variance_examples,
)
def _(variance):
    mean, concentration = 4.0, 2.0
    if isinstance(variance, (str, bytes)) or np.ndim(variance) != 0:
        raise Wrong(f"give one number (a float), got {variance!r}.")
    variance = float(variance)
    if math.isclose(variance, mean + mean**2 / concentration, abs_tol=0.5):
        return
    if math.isclose(variance, mean, abs_tol=0.1):
        raise Wrong("that is a Poisson's variance (equal to its mean); the negative binomial "
                    "adds mean**2 / concentration on top.")
    if math.isclose(variance, mean + concentration * mean**2, abs_tol=0.5):
        raise Wrong("the concentration divides the extra term, it does not multiply it: the "
                    "larger the concentration, the closer to a Poisson.")
    if math.isclose(variance, mean + mean / concentration, abs_tol=0.1):
        raise Wrong("the extra term is the mean *squared* over the concentration.")
    if math.isclose(variance, mean**2 / concentration, abs_tol=0.1):
        raise Wrong("that is only the extra term; add the Poisson part, the mean itself.")
    raise Wrong(f"got {variance:g}; the variance is mean + mean**2 / concentration. Compare "
                "with the variance of the 100,000 draws.")


# --- 07.2 -------------------------------------------------------------------------------------
def _binomial(link):
    import numpyro
    import numpyro.distributions as dist

    def model(x, y=None):
        a = numpyro.sample("a", dist.Normal(0.0, 2.5))
        b = numpyro.sample("b", dist.Normal(0.0, 2.5))
        return numpyro.sample("y", link(a + b * x), obs=y)

    return model


def _binomial_examples():
    import jax
    import numpyro
    import numpyro.distributions as dist

    def no_obs(x, y=None):
        a = numpyro.sample("a", dist.Normal(0.0, 2.5))
        b = numpyro.sample("b", dist.Normal(0.0, 2.5))
        return numpyro.sample("y", dist.Binomial(10, logits=a + b * x))

    return {
        "solution": {"binomial_fixed": _binomial(lambda eta: dist.Binomial(10, logits=eta))},
        "mistakes": {
            "still probs": ({"binomial_fixed": _binomial(
                lambda eta: dist.Binomial(10, probs=jax.nn.sigmoid(eta)))}, "freezes"),
            "probability as logits": ({"binomial_fixed": _binomial(
                lambda eta: dist.Binomial(10, logits=jax.nn.sigmoid(eta)))}, "probability"),
            "one trial": ({"binomial_fixed": _binomial(
                lambda eta: dist.Binomial(logits=eta))}, "total_count"),
            "forgot obs": ({"binomial_fixed": no_obs}, "obs=y"),
        },
    }


def _abstract_trace(model, params, *args, **kwargs):
    """``model``'s trace at ``params``, by tracing alone (``jax.eval_shape``): its sites,
    distributions and shapes, with nothing run or compiled (eager NumPyro compiles each
    operation and each argument validation it runs, one by one)."""
    import jax
    from numpyro import handlers

    traces = []

    def run(params):
        substituted = handlers.substitute(handlers.seed(model, 0), params)
        traces.append(handlers.trace(substituted).get_trace(*args, **kwargs))

    jax.eval_shape(run, params)
    return traces[0]


def _site_loglik(model, x, y):
    """The observed site's log-likelihood as a function of (a, b), and the model's trace."""
    from numpyro import handlers

    def loglik(a, b):
        substituted = handlers.substitute(handlers.seed(model, 0), {"a": a, "b": b})
        site = handlers.trace(substituted).get_trace(x, y=y)["y"]
        return site["fn"].log_prob(site["value"]).sum()

    return loglik, _abstract_trace(model, {"a": 0.2, "b": 1.0}, x, y=y)


@exercise(
    "07.2", level="medium", title="a Binomial regression that goes blind",
    hints=(
        "Take a row with 0 successes out of 10 where a + b*x = 30. What should its log-likelihood "
        "be, and what does float32 make of sigmoid(30)?",
        "Binomial (like Bernoulli and Categorical) can take the log-odds directly and then "
        "never forms the probability.",
        "Replace probs=jax.nn.sigmoid(a + b * x) by logits=a + b * x, keeping total_count 10.",
    ),
    examples=_binomial_examples,
)
def _(binomial_fixed):
    import jax
    import jax.numpy as jnp
    import numpyro.distributions as dist
    from scipy import special

    x, y = jnp.array([-30.0, -3.0, 0.5, 3.0, 30.0]), jnp.array([10.0, 2.0, 6.0, 4.0, 0.0])
    a, b = 0.2, 1.0
    eta, k = a + b * np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    expected = float(np.sum(np.log(special.comb(10, k)) + k * eta - 10 * np.logaddexp(0, eta)))
    residual = k - 10 * special.expit(eta)
    expected_grad = np.array([residual.sum(), (residual * np.asarray(x)).sum()])
    try:
        loglik, trace = _site_loglik(binomial_fixed, x, y)
        site = trace.get("y")
        if site is None or not site.get("is_observed"):
            raise Wrong("the model has no observed site 'y': pass the data with obs=y.")
        total_count = getattr(site["fn"], "total_count", 10)   # a tracer: left to the value check
        if not isinstance(total_count, jax.core.Tracer) and np.any(np.asarray(total_count) != 10):
            raise Wrong("each row counts successes out of 10 trials: give the Binomial "
                        "total_count=10 (its default is 1 trial).")
        value, grad = jax.jit(jax.value_and_grad(loglik, argnums=(0, 1)))(a, b)
        value, grad = float(value), np.asarray(grad, dtype=np.float64)
    except Wrong:
        raise
    except Exception as err:  # the learner's model may fail in many ways: report, not crash
        raise Wrong(f"calling binomial_fixed(x, y=y) failed: {type(err).__name__}: {err}") from None
    if not np.isfinite(value) or not np.isfinite(grad).all():
        raise Wrong(f"the log-likelihood is {value} with gradient {grad}: log(1 - p) of a p that "
                    "rounded to 1. Pass the log-odds with logits=, not a probability.")
    if math.isclose(value, expected, rel_tol=1e-4) and np.allclose(grad, expected_grad, rtol=1e-4):
        return
    eta32 = a + b * x
    with_probs = float(dist.Binomial(10, probs=jax.nn.sigmoid(eta32)).log_prob(y).sum())
    if math.isclose(value, with_probs, rel_tol=1e-4):
        raise Wrong("still probs=sigmoid(eta): NumPyro clamps p inside (0, 1), so past "
                    "|eta| of about 17 the log-likelihood freezes and its gradient is 0. "
                    f"Here it is {value:.1f} instead of {expected:.1f}. Use logits=.")
    as_logits = float(dist.Binomial(10, logits=jax.nn.sigmoid(eta32)).log_prob(y).sum())
    if math.isclose(value, as_logits, rel_tol=1e-4):
        raise Wrong("you passed the probability sigmoid(eta) as logits=: logits are the "
                    "log-odds a + b*x themselves.")
    raise Wrong(f"at a = {a}, b = {b} the log-likelihood is {value:.4f} with gradient {grad}; "
                f"expected {expected:.4f} and {expected_grad}.")


# --- 07.3 -------------------------------------------------------------------------------------
def _mixture_model(k, ordered=True, sort=False):
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist

    base = dist.Normal(0.0, 3.0).expand([k]).to_event(1)
    prior = base
    if ordered:
        prior = dist.TransformedDistribution(base, dist.transforms.OrderedTransform())

    def model(y):
        weights = numpyro.sample("weights", dist.Dirichlet(jnp.ones(k)))
        locs = numpyro.sample("locs", prior)
        locs = jnp.sort(locs) if sort else locs
        scale = numpyro.sample("scale", dist.HalfNormal(2.0))
        with numpyro.plate("data", y.shape[0]):
            groups = dist.MixtureSameFamily(dist.Categorical(weights), dist.Normal(locs, scale))
            numpyro.sample("y", groups, obs=y)

    return model


def _mixture_examples():
    return {
        "solution": {"mixture3": _mixture_model(3)},
        "mistakes": {
            "unordered": ({"mixture3": _mixture_model(3, ordered=False)}, "switch"),
            "sorted locs only": ({"mixture3": _mixture_model(3, ordered=False, sort=True)},
                                 "sort"),
            "two groups": ({"mixture3": _mixture_model(2)}, "three"),
        },
    }


def _mixture_loglik(model, y):
    """A function of the parameters: the observed site's log-likelihood, discrete sites summed out.

    It returns None when the model has a discrete latent site and the parameters lie outside
    the support of a prior (the enumerated log joint is then undefined).
    """
    import jax
    from numpyro import handlers
    from numpyro.contrib.funsor import config_enumerate, enum
    from numpyro.contrib.funsor import log_density as enumerated_log_density

    def trace_at(params):
        return handlers.trace(handlers.substitute(handlers.seed(model, 0), params)).get_trace(y)

    def observed(params):
        site = trace_at(params)["y"]
        return site["fn"].log_prob(site["value"]).sum()

    def enumerated(params):
        wrapped = enum(config_enumerate(model), first_available_dim=-2)
        total, trace = enumerated_log_density(wrapped, (y,), {}, params)
        return total - sum(trace[n]["fn"].log_prob(trace[n]["value"]).sum() for n in params)

    observed, enumerated = jax.jit(observed), jax.jit(enumerated)

    def loglik(params):
        trace = _abstract_trace(model, params, y)
        latent = [n for n, s in trace.items() if s["type"] == "sample" and not s["is_observed"]]
        if not any(trace[n]["fn"].has_enumerate_support for n in latent):
            return float(observed(params))
        if not all(trace[n]["fn"].support.check(params[n]).all() for n in params):
            return None
        return float(enumerated(params))

    return loglik


@exercise(
    "07.3", level="hard", title="three groups, and labels that switch",
    hints=(
        "The likelihood cannot tell the groups apart; the prior has to. Which statement about "
        "the three locations is true in one labelling and false in all the others?",
        "Give locs a prior whose support is constraints.ordered_vector: "
        "dist.TransformedDistribution(base, dist.transforms.OrderedTransform()), with base a "
        "Normal expanded to 3 and made one event by .to_event(1); weights a Dirichlet(ones(3)).",
        "Copy mixture_priors and mixture from section 3, change every 2 into a 3, and pass the "
        "ordered prior as the prior of locs.",
    ),
    examples=_mixture_examples,
)
def _(mixture3):
    import jax.numpy as jnp
    from numpyro.distributions import constraints
    from scipy import stats

    from helpers.counts import simulate_mixture

    weights, locs, scale = (0.2, 0.3, 0.5), (-2.0, 0.5, 3.0), 0.8
    y = jnp.asarray(simulate_mixture(n=40, locs=locs, scale=scale, weights=weights, seed=11).y)
    at_truth = {"weights": jnp.array(weights), "locs": jnp.array(locs), "scale": jnp.array(scale)}
    try:  # traced at the truth, so that nothing is drawn
        trace = _abstract_trace(mixture3, at_truth, y)
    except Exception as err:  # the learner's model may fail in many ways: report, not crash
        raise Wrong(f"calling mixture3(y) failed: {type(err).__name__}: {err}") from None
    missing = [n for n in ("weights", "locs", "scale", "y") if n not in trace]
    if missing:
        raise Wrong(f"the model has no site(s) {missing}; keep the names weights, locs, scale, y.")
    if not trace["y"].get("is_observed"):
        raise Wrong("the site 'y' is not observed: pass the data with obs=y.")
    shapes = {n: trace[n]["fn"].shape() for n in ("weights", "locs")}
    if shapes != {"weights": (3,), "locs": (3,)}:
        raise Wrong(f"three groups need three weights and three locs; got shapes {shapes}.")

    def reference(order):
        return float(np.log(sum(weights[i] * stats.norm.pdf(np.asarray(y), locs[j], scale)
                                for i, j in enumerate(order))).sum())

    loglik = _mixture_loglik(mixture3, y)
    for order in ((0, 1, 2), (2, 1, 0)):   # ordered locs, then the same locs reversed
        params = {"weights": jnp.array(weights), "locs": jnp.array([locs[j] for j in order]),
                  "scale": jnp.array(scale)}
        got, expected = loglik(params), reference(order)
        if got is None or math.isclose(got, expected, rel_tol=1e-4):
            continue
        if order != (0, 1, 2):
            raise Wrong("you sort locs inside the model but not the weights with them: each "
                        "weight now belongs to whichever location lands in its place, which is "
                        "a different model. Put the order in the prior of locs instead.")
        raise Wrong(f"at weights {weights}, locs {locs}, scale {scale} the log-likelihood is "
                    f"{got:.3f}; a three-group Normal mixture gives {expected:.3f}.")
    support = trace["locs"]["fn"].support
    if support is not constraints.ordered_vector:
        raise Wrong(f"the prior of locs has support {support}, any order: the labels still "
                    "switch between chains. Give locs an ordered prior (support ordered_vector).")
