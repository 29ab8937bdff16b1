"""Exercises of notebook 05 (how NumPyro knows the errors) and its appendix 05a.

05.1 (easy)   a precision turned into the scale ``dist.Normal`` wants, and a log density by hand;
05.2 (medium) find the bug: a variance passed as ``dist.Normal``'s scale;
05.3 (hard)   fix a Student-t's ``nu`` so that NUTS really keeps it (not ``substitute``, not
              ``condition``).

Each checker recomputes what it needs from the course's data (``helpers.data`` with the
notebook's seeds) and traces the learner's model itself: no state is shared with the notebook.
"""

import math

import numpy as np

from helpers.exercises._core import Wrong, exercise

__all__ = []


def _close(a, b, rtol=1e-6):
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=rtol, atol=0.0)


def _line(X):
    import numpyro
    import numpyro.distributions as dist

    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    return X @ w + b


def _observed_log_lik(model, params, *args, **kwargs):
    """Sum of log-probs of the observed sites, the latent ones substituted from ``params``."""
    from jax import random
    from numpyro import handlers

    tr = handlers.trace(handlers.seed(handlers.substitute(model, data=params),
                                      random.PRNGKey(0))).get_trace(*args, **kwargs)
    return tr, {name: float(np.sum(site["fn"].log_prob(site["value"])))
                for name, site in tr.items() if site["type"] == "sample" and site["is_observed"]}


# ---------------------------------------------------------------- 05.1 --------------
PRECISION, RESIDUAL = 2.5e5, 0.003


def _log_normal(r, s, two=2.0, constant=True):
    return -(r**2) / (two * s**2) - (math.log(s * math.sqrt(2 * math.pi)) if constant else 0.0)


def _examples_1():
    s = PRECISION**-0.5
    right = {"scale": s, "log_density": _log_normal(RESIDUAL, s)}
    return {
        "solution": right,
        "mistakes": {
            "variance as scale": ({**right, "scale": 1 / PRECISION}, "that is the variance"),
            "sqrt of precision": ({**right, "scale": PRECISION**0.5}, "precision ** -0.5"),
            "precision as scale": ({**right, "scale": PRECISION}, "the precision itself"),
            "no 2": ({**right, "log_density": _log_normal(RESIDUAL, s, two=1.0)}, "the 2"),
            "no constant": ({**right, "log_density": _log_normal(RESIDUAL, s, constant=False)},
                            "normalising constant"),
            "density": ({**right, "log_density": math.exp(_log_normal(RESIDUAL, s))},
                        "not its log"),
        },
    }


@exercise("05.1", level="easy", title="a precision, by hand",
          hints=("A precision is 1 / variance = 1 / sd**2. dist.Normal wants the sd.",
                 "scale = precision ** -0.5 (or normal_scale(precision=...)). The log density is "
                 "-(r - mu)**2 / (2 scale**2) - log(scale * sqrt(2 pi)).",
                 "scale = 2.5e5 ** -0.5 = 0.002; log_density = -0.003**2 / (2 * scale**2) - "
                 "np.log(scale * np.sqrt(2 * np.pi))."),
          examples=_examples_1)
def _check_1(scale, log_density):
    for name, value in (("scale", scale), ("log_density", log_density)):
        if np.ndim(value) != 0:
            raise Wrong(f"{name} is one number, got an array of shape {np.shape(value)}.")
    scale, log_density = float(scale), float(log_density)
    right = PRECISION**-0.5
    if not math.isclose(scale, right, rel_tol=1e-6):
        if math.isclose(scale, 1 / PRECISION, rel_tol=1e-6):
            raise Wrong("1 / precision is the variance, sd**2; that is the variance, and the "
                        "scale is its square root.")
        if math.isclose(scale, PRECISION**0.5, rel_tol=1e-6):
            raise Wrong("precision = 1 / sd**2, so sd = precision ** -0.5, not precision ** 0.5.")
        if math.isclose(scale, PRECISION, rel_tol=1e-6):
            raise Wrong("that is the precision itself; dist.Normal wants the sd, "
                        "precision ** -0.5.")
        raise Wrong(f"the scale for a precision of {PRECISION:g} is {right:g}; you have {scale:g}.")
    if math.isclose(log_density, _log_normal(RESIDUAL, right), rel_tol=1e-6):
        return
    diagnoses = [
        (_log_normal(RESIDUAL, right, two=1.0), "the exponent is -(r - mu)**2 / (2 sigma**2): "
                                               "you dropped the 2."),
        (_log_normal(RESIDUAL, right, constant=False), "you dropped the normalising constant "
                                                      "-log(sigma * sqrt(2 pi)); a log density "
                                                      "has it (notebook 02)."),
        (math.exp(_log_normal(RESIDUAL, right)), "that is the density, not its log."),
        (_log_normal(RESIDUAL, 1 / PRECISION), "you computed it with the variance as the scale."),
    ]
    for wrong, message in diagnoses:
        if math.isclose(log_density, wrong, rel_tol=1e-6):
            raise Wrong(message)
    raise Wrong(f"the log density of a residual of {RESIDUAL} under Normal(0, {right:g}) is "
                f"{_log_normal(RESIDUAL, right):.4f}; you have {log_density:.4f}.")


# ---------------------------------------------------------------- 05.2 --------------
VARIANCES = (1e-6, 0.04, 4.0)


def _lab_model(scale_of):
    import numpyro
    import numpyro.distributions as dist

    def model(X, y=None, variance=1e-6):
        mu = _line(X)
        return numpyro.sample("y", dist.Normal(mu, scale_of(variance)), obs=y)

    return model


def _examples_2():
    import jax.numpy as jnp

    return {
        "solution": {"model_lab_fixed": _lab_model(jnp.sqrt)},
        "mistakes": {
            "unchanged": ({"model_lab_fixed": _lab_model(lambda v: v)}, "still the variance"),
            "squared": ({"model_lab_fixed": _lab_model(lambda v: v**2)}, "squared"),
            "precision": ({"model_lab_fixed": _lab_model(lambda v: v**-0.5)}, "precision"),
            "root twice": ({"model_lab_fixed": _lab_model(lambda v: v**0.25)}, "twice"),
        },
    }


@exercise("05.2", level="medium", title="find the bug: a variance passed as the scale",
          hints=("dist.Normal(loc, scale): which of sd, variance, precision is `scale`?",
                 "The model receives a variance; the scale is its square root.",
                 "dist.Normal(mu, jnp.sqrt(variance)) (or normal_scale(variance=variance))."),
          examples=_examples_2)
def _check_2(model_lab_fixed):
    from helpers.data import simulate_linear

    if not callable(model_lab_fixed):
        raise Wrong("model_lab_fixed must be a model function model(X, y=None, variance=...), "
                    f"got {type(model_lab_fixed).__name__}.")
    data = simulate_linear(n=50, sigma=1e-3, seed=0)
    params = {"w": np.asarray(data.truth["w"]), "b": data.truth["b"]}
    mu = data.X @ params["w"] + params["b"]
    candidates = {
        "right": lambda v: v**0.5,
        "still the variance: dist.Normal's scale is an sd, pass jnp.sqrt(variance).": lambda v: v,
        "you squared the variance; the scale is its square root.": lambda v: v**2,
        "variance ** -0.5 is the scale for a precision, not for a variance; take "
        "variance ** 0.5.": lambda v: v**-0.5,
        "you took the square root twice (variance ** 0.25); once is enough.": lambda v: v**0.25,
    }
    for variance in VARIANCES:
        try:
            tr, log_lik = _observed_log_lik(model_lab_fixed, params, data.X, y=data.y,
                                            variance=variance)
        except TypeError as err:
            raise Wrong(f"keep the signature model_lab_fixed(X, y=None, variance=1e-6): calling "
                        f"it with variance={variance} failed ({err}).") from None
        if "y" not in log_lik:
            raise Wrong("the model has no observed site 'y': keep obs=y on it.")
        got = log_lik["y"]
        expect = {label: float(np.sum(-0.5 * ((data.y - mu) / f(variance)) ** 2
                                      - np.log(f(variance)) - 0.5 * np.log(2 * np.pi)))
                  for label, f in candidates.items()}
        if math.isclose(got, expect["right"], rel_tol=1e-6, abs_tol=1e-6):
            continue
        for label, value in expect.items():
            if label != "right" and math.isclose(got, value, rel_tol=1e-6, abs_tol=1e-6):
                raise Wrong(label)
        raise Wrong(f"at variance={variance} the log-likelihood at the true line should be "
                    f"{expect['right']:.4g}, yours is {got:.4g}. Keep the mean line(X) and "
                    "change only the scale.")


# ---------------------------------------------------------------- 05.3 --------------
NU_FIXED = 4.0


def _outliers():
    from helpers.data import simulate_outliers

    return simulate_outliers(n=50, outlier_frac=0.2, outlier_sd=1.0, outlier_shift=4.0, seed=0)


def _robust(X, y=None, nu=None):
    import numpyro
    import numpyro.distributions as dist

    mu = _line(X)
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    if nu is None:
        nu = numpyro.sample("nu", dist.Gamma(2.0, 0.1))
    return numpyro.sample("y", dist.StudentT(nu, mu, sigma), obs=y)


def _examples_3():
    import numpyro
    import numpyro.distributions as dist
    from numpyro import handlers

    def normal_model(X, y=None):
        mu = _line(X)
        sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
        return numpyro.sample("y", dist.Normal(mu, sigma), obs=y)

    def swapped(X, y=None):
        mu = _line(X)
        sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
        return numpyro.sample("y", dist.StudentT(mu, sigma, NU_FIXED), obs=y)

    def fixed(X, y=None):
        return _robust(X, y, nu=NU_FIXED)

    return {
        "solution": {"model_t4": fixed},
        "mistakes": {
            "substitute": ({"model_t4": handlers.substitute(_robust, data={"nu": NU_FIXED})},
                           "still a latent site"),
            "condition": ({"model_t4": handlers.condition(_robust, data={"nu": NU_FIXED})},
                          "observed site"),
            "normal": ({"model_t4": normal_model}, "Student-t"),
            "argument order": ({"model_t4": swapped}, "argument order"),
        },
    }


@exercise("05.3", level="hard", title="fix nu so that NUTS keeps it",
          hints=("NUTS puts its own value into every latent site with an outer substitute, which "
                 "wins over yours. Which sites does it treat as latent?",
                 "A fixed value is data, like the known sd of section 2: no sample site for nu at "
                 "all. condition is no better: it makes nu an observed site.",
                 "def model_t4(X, y=None): return model_robust(X, y, nu=4.0)"),
          examples=_examples_3)
def _check_3(model_t4):
    import numpyro.distributions as dist

    if not callable(model_t4):
        raise Wrong(f"model_t4 must be a model function model_t4(X, y=None), got "
                    f"{type(model_t4).__name__}.")
    data = _outliers()
    params = {"w": np.asarray(data.truth["w"]), "b": data.truth["b"], "sigma": 0.1}
    tr, log_lik = _observed_log_lik(model_t4, params, data.X, y=data.y)
    sample_sites = {n: s for n, s in tr.items() if s["type"] == "sample"}
    nu_site = sample_sites.get("nu")
    if nu_site is not None and not nu_site["is_observed"]:
        raise Wrong("nu is still a latent site: NUTS samples every latent site and puts its own "
                    "value in with an outer substitute, which overrides yours. Pass nu=4.0 as "
                    "an argument: then there is no nu site.")
    if nu_site is not None:
        raise Wrong("nu is an observed site now (condition does that): its prior's log density "
                    "joins the log-likelihood, and log_likelihood / ArviZ's LOO count it as "
                    "data. Pass nu=4.0 as an argument instead.")
    latent = sorted(n for n, s in sample_sites.items() if not s["is_observed"])
    if latent != ["b", "sigma", "w"]:
        raise Wrong(f"the latent sites should be b, sigma, w (those of model_robust); you have "
                    f"{latent}.")
    if sorted(log_lik) != ["y"]:
        raise Wrong(f"the only observed site should be y; you have {sorted(log_lik)}.")
    fn = tr["y"]["fn"]
    if not isinstance(fn, dist.StudentT):
        raise Wrong(f"y's distribution is {type(fn).__name__}; the model asks for a Student-t "
                    "with nu = 4.")
    if not np.allclose(np.asarray(fn.df), NU_FIXED):
        raise Wrong("y's Student-t does not have df = 4 everywhere: check the argument order, "
                    "dist.StudentT(df, loc, scale).")
    mu = data.X @ params["w"] + params["b"]
    right = float(np.sum(dist.StudentT(NU_FIXED, mu, 0.1).log_prob(data.y)))
    if not math.isclose(log_lik["y"], right, rel_tol=1e-6):
        raise Wrong(f"at the true line with sigma = 0.1 the log-likelihood should be {right:.4g}, "
                    f"yours is {log_lik['y']:.4g}: use loc = line(X) and scale = sigma.")
