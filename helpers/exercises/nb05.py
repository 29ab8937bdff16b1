"""Exercises of notebook 05 (how NumPyro knows the errors) and its appendix 05a.

05.1 (easy)   a precision turned into the scale ``dist.Normal`` wants, and a log density by hand;
05.2 (medium) find the bug: a variance passed as ``dist.Normal``'s scale;
05.3 (hard)   fix a Student-t's ``nu`` so that NUTS really keeps it (not ``substitute``, not
              ``condition``);
05.4 (easy)   (05a) the ``scale_tril`` of a covariance matrix: its Cholesky factor;
05.5 (medium) (05a) find the bug: repeated measurements fitted as independent, the correlation lost;
05.6 (hard)   (05a) errors in x with a latent x, checked site by site against the formula.

Each checker recomputes what it needs from the course's data (``helpers.data`` with the
notebook's seeds) and traces the learner's model itself: no state is shared with the notebook.

>>> from helpers.exercises import check
>>> _ = check("05.1", scale=1 / 2.5e5, log_density=0.0)
Exercise 05.1 (easy, a precision, by hand): not yet. 1 / precision is the variance, ...
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
    """Sum of log-probs of the observed sites, the latent ones substituted from ``params``.

    An error raised by the learner's model becomes a diagnosis, not a traceback.
    """
    from jax import random
    from numpyro import handlers

    try:
        tr = handlers.trace(handlers.seed(handlers.substitute(model, data=params),
                                          random.PRNGKey(0))).get_trace(*args, **kwargs)
    except (ValueError, TypeError, IndexError, KeyError) as err:
        if "invalid covariance_matrix" in str(err):
            raise Wrong("NumPyro refused the covariance_matrix: a Cholesky factor is not a "
                        "covariance (not symmetric); pass it as scale_tril.") from None
        raise Wrong(f"running your model at fixed parameter values failed: "
                    f"{type(err).__name__}: {err}") from None
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
        tr, log_lik = _observed_log_lik(model_lab_fixed, params, data.X, y=data.y,
                                        variance=variance)
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


# ---------------------------------------------------------------- 05.4 (05a) --------
def _repeats():
    from helpers.data import simulate_correlated_repeats

    return simulate_correlated_repeats(n_units=30, n_repeats=3, sigma=0.1, corr=0.6, seed=4)


def _sqrtm(matrix):
    values, vectors = np.linalg.eigh(matrix)
    return vectors @ np.diag(np.sqrt(values)) @ vectors.T


def _examples_4():
    cov = _repeats().truth["cov"]
    chol = np.linalg.cholesky(cov)
    return {
        "solution": {"L_sigma": chol},
        "mistakes": {
            "covariance": ({"L_sigma": cov}, "the covariance itself"),
            "elementwise sqrt": ({"L_sigma": np.sqrt(cov)}, "elementwise"),
            "upper": ({"L_sigma": chol.T}, "upper triangular"),
            "sds only": ({"L_sigma": np.diag(np.sqrt(np.diag(cov)))}, "drops the correlation"),
            "symmetric root": ({"L_sigma": _sqrtm(cov)}, "symmetric square root"),
        },
    }


@exercise("05.4", level="easy", title="the scale_tril of a covariance",
          hints=("scale_tril is a matrix L with L @ L.T == Sigma, lower triangular.",
                 "That is the Cholesky factor; NumPy has a function for it.",
                 "L_sigma = np.linalg.cholesky(Sigma)"),
          examples=_examples_4)
def _check_4(L_sigma):
    cov = _repeats().truth["cov"]
    L_sigma = np.asarray(L_sigma, dtype=float)
    if L_sigma.shape != cov.shape:
        raise Wrong(f"Sigma is {cov.shape[0]}x{cov.shape[1]}, so is its scale_tril; you gave "
                    f"shape {L_sigma.shape}.")
    lower = np.allclose(L_sigma, np.tril(L_sigma))
    product_right = np.allclose(L_sigma @ L_sigma.T, cov, rtol=1e-8, atol=1e-12)
    if lower and product_right and (np.diag(L_sigma) > 0).all():
        return
    if np.allclose(L_sigma, cov):
        raise Wrong("that is the covariance itself; scale_tril wants its Cholesky factor L, with "
                    "L @ L.T == Sigma (NumPyro would take Sigma's lower triangle as L).")
    if np.allclose(L_sigma, np.sqrt(cov)):
        raise Wrong("an elementwise square root is not a matrix square root: you need L with "
                    "L @ L.T == Sigma.")
    if np.allclose(L_sigma, np.diag(np.sqrt(np.diag(cov)))):
        raise Wrong("the sds on a diagonal give L @ L.T with zeros off the diagonal: that drops "
                    "the correlation between repeats.")
    if np.allclose(L_sigma.T, np.tril(L_sigma.T)) and product_right is False and np.allclose(
            L_sigma.T @ L_sigma, cov):
        raise Wrong("that factor is upper triangular (L.T); scale_tril must be lower triangular, "
                    "as np.linalg.cholesky returns it.")
    if product_right:
        raise Wrong("L @ L.T == Sigma, but L is not lower triangular: a symmetric square root "
                    "is a square root too, yet scale_tril must be lower triangular (inside a "
                    "model NumPyro reads only the lower triangle).")
    raise Wrong("L_sigma @ L_sigma.T is not Sigma; compute the Cholesky factor of Sigma.")


# ---------------------------------------------------------------- 05.5 (05a) --------
_SIGMA_TEST = np.array([0.1, 0.2, 0.3])  # unequal sds: row vs column scaling differ


def _corr_chol(rho=0.6, size=3):
    omega = (1 - rho) * np.eye(size) + rho * np.ones((size, size))
    return np.linalg.cholesky(omega)


def _repeats_model(kind):
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist

    def model(X, y=None, L=3):
        mu = _line(X)
        sigma = numpyro.sample("sigma", dist.HalfNormal(1.0).expand([L]).to_event(1))
        L_omega = numpyro.sample("L_omega", dist.LKJCholesky(L, concentration=2.0))
        loc = mu[:, None] * jnp.ones(L)
        if kind == "independent":
            with numpyro.plate("units", X.shape[0], dim=-2):
                return numpyro.sample("y", dist.Normal(mu[:, None], sigma), obs=y)
        tril = {"columns": L_omega * sigma[None, :]}.get(kind, sigma[:, None] * L_omega)
        if kind == "as covariance":
            mvn = dist.MultivariateNormal(loc, covariance_matrix=tril)
        else:
            mvn = dist.MultivariateNormal(loc, scale_tril=tril)
        with numpyro.plate("units", X.shape[0], dim=-2 if kind == "dim -2" else -1):
            return numpyro.sample("y", mvn, obs=y)

    return model


def _examples_5():
    return {
        "solution": {"model_repeats": _repeats_model("right")},
        "mistakes": {
            "unchanged": ({"model_repeats": _repeats_model("independent")}, "on its own"),
            "plate dim -2": ({"model_repeats": _repeats_model("dim -2")}, "each unit counts"),
            "columns": ({"model_repeats": _repeats_model("columns")}, "rows"),
            "as covariance": ({"model_repeats": _repeats_model("as covariance")},
                              "covariance_matrix"),
        },
    }


@exercise("05.5", level="medium", title="find the bug: correlated repeats fitted as independent",
          hints=("L_omega is sampled but never used: the three repeats of a unit are scored one by "
                 "one. One unit's row should be one draw of a MultivariateNormal.",
                 "The MVN's event is the last dimension (the L repeats); its batch is the "
                 "units, so the plate goes on dim=-1, the default.",
                 "dist.MultivariateNormal(mu[:, None] * jnp.ones(L), scale_tril=sigma[:, None] * "
                 "L_omega) inside numpyro.plate('units', X.shape[0])."),
          examples=_examples_5)
def _check_5(model_repeats):
    import numpyro.distributions as dist

    if not callable(model_repeats):
        raise Wrong(f"model_repeats must be a model function model_repeats(X, y=None, L=3), got "
                    f"{type(model_repeats).__name__}.")
    data = _repeats()
    n, size = data.y.shape
    params = {"w": np.asarray(data.truth["w"]), "b": data.truth["b"], "sigma": _SIGMA_TEST,
              "L_omega": _corr_chol(size=size)}
    tr, log_lik = _observed_log_lik(model_repeats, params, data.X, y=data.y)
    if "y" not in log_lik:
        raise Wrong("the model has no observed site 'y': keep obs=y on it.")
    terms = np.shape(tr["y"]["fn"].log_prob(tr["y"]["value"]))
    if terms == (n, n):
        raise Wrong(f"y's log-likelihood has shape {terms}: each unit counts {n} times. The MVN's "
                    "batch is the units on dim=-1 (its event, the repeats, is the last "
                    "dimension): use plate('units', N) without dim=-2.")
    if terms == (n, size):
        raise Wrong(f"y's log-likelihood has shape {terms}: each repeat is scored on its own, so "
                    "the correlation is lost. Make each unit's row one MultivariateNormal "
                    "observation with scale_tril = sigma[:, None] * L_omega.")
    if terms != (n,):
        raise Wrong(f"y's log-likelihood has shape {terms}; one term per unit, ({n},), is right.")
    loc = (data.X @ params["w"] + params["b"])[:, None] * np.ones(size)
    right = _SIGMA_TEST[:, None] * params["L_omega"]
    expect = float(dist.MultivariateNormal(loc, scale_tril=right).log_prob(data.y).sum())
    if math.isclose(log_lik["y"], expect, rel_tol=1e-5):
        return
    cols = params["L_omega"] * _SIGMA_TEST[None, :]
    if math.isclose(log_lik["y"], float(dist.MultivariateNormal(loc, scale_tril=cols)
                                        .log_prob(data.y).sum()), rel_tol=1e-5):
        raise Wrong("L_omega * sigma scales the columns; diag(sigma) @ L_omega scales the rows: "
                    "sigma[:, None] * L_omega.")
    raise Wrong(f"at fixed values the log-likelihood should be {expect:.4f}, yours is "
                f"{log_lik['y']:.4f}: loc = line(X) repeated over the L columns, scale_tril = "
                "sigma[:, None] * L_omega.")


# ---------------------------------------------------------------- 05.6 (05a) --------
def _x_errors():
    from helpers.data import simulate_x_errors

    return simulate_x_errors(n=200, sigma=0.2, x_sd=0.5, seed=3)


def _eiv_model(kind):
    import numpyro
    import numpyro.distributions as dist

    def model(X, y=None, x_sd=0.5):
        m = numpyro.sample("m", dist.Normal(0.0, 5.0))
        s = numpyro.sample("s", dist.HalfNormal(5.0))
        w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([1]).to_event(1))
        b = numpyro.sample("b", dist.Normal(0.0, 10.0))
        sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
        with numpyro.plate("data", X.shape[0]):
            x = numpyro.sample("x", dist.Normal(m, s))
            scale = x_sd**2 if kind == "variance" else x_sd
            numpyro.sample("x_obs", dist.Normal(x, scale),
                           obs=None if kind == "no obs" else X[:, 0])
            regressor = X[:, 0] if kind == "naive" else x
            return numpyro.sample("y", dist.Normal(w[0] * regressor + b, sigma), obs=y)

    return model


def _examples_6():
    return {
        "solution": {"model_eiv_latent": _eiv_model("right")},
        "mistakes": {
            "naive": ({"model_eiv_latent": _eiv_model("naive")}, "true x"),
            "variance": ({"model_eiv_latent": _eiv_model("variance")}, "variance"),
            "no obs": ({"model_eiv_latent": _eiv_model("no obs")}, "obs=X[:, 0]"),
        },
    }


@exercise("05.6", level="hard", title="errors in x with a latent x",
          hints=("Three layers: the true x_i from Normal(m, s); what you measured, x_obs, "
                 "around x_i with sd x_sd; y around w x_i + b with sd sigma.",
                 "Put x, x_obs and y in one plate over the data points; x has no obs=, x_obs has "
                 "obs=X[:, 0].",
                 "with numpyro.plate('data', X.shape[0]): x = sample('x', Normal(m, s)); "
                 "sample('x_obs', Normal(x, x_sd), obs=X[:, 0]); sample('y', "
                 "Normal(w[0] * x + b, sigma), obs=y)."),
          examples=_examples_6)
def _check_6(model_eiv_latent):
    from scipy import stats

    if not callable(model_eiv_latent):
        raise Wrong("model_eiv_latent must be a model function model_eiv_latent(X, y=None, "
                    f"x_sd=0.5), got {type(model_eiv_latent).__name__}.")
    data, x_sd = _x_errors(), 0.5
    x_true = np.asarray(data.truth["x_true"])[:, 0]
    params = {"m": 0.1, "s": 0.9, "w": np.array([-0.9]), "b": 4.2, "sigma": 0.15, "x": x_true}
    tr, log_lik = _observed_log_lik(model_eiv_latent, params, data.X, y=data.y, x_sd=x_sd)
    x_site = tr.get("x")
    if x_site is None or x_site["type"] != "sample" or x_site["is_observed"]:
        raise Wrong("there is no latent site 'x': the true x_i must be a sample site without "
                    "obs=, one per data point.")
    if np.shape(x_site["value"]) != x_true.shape:
        raise Wrong(f"x should hold one true x per point, shape {x_true.shape}; it has shape "
                    f"{np.shape(x_site['value'])}.")
    if "x_obs" not in log_lik:
        raise Wrong("x_obs is not an observed site: give it obs=X[:, 0], the measured x.")
    x_obs = data.X[:, 0]
    right_x_obs = stats.norm.logpdf(x_obs, x_true, x_sd).sum()
    if not math.isclose(log_lik["x_obs"], right_x_obs, rel_tol=1e-5):
        if math.isclose(log_lik["x_obs"], stats.norm.logpdf(x_obs, x_true, x_sd**2).sum(),
                        rel_tol=1e-5):
            raise Wrong("x_obs's scale is x_sd**2, a variance; dist.Normal takes the sd, x_sd.")
        raise Wrong("x_obs should be Normal(x, x_sd) around the latent x, observed at X[:, 0].")
    mu = -0.9 * x_true + 4.2
    right_y = stats.norm.logpdf(data.y, mu, 0.15).sum()
    if not math.isclose(log_lik.get("y", np.nan), right_y, rel_tol=1e-5):
        naive = stats.norm.logpdf(data.y, -0.9 * x_obs + 4.2, 0.15).sum()
        if math.isclose(log_lik.get("y", np.nan), naive, rel_tol=1e-5):
            raise Wrong("y is built from the measured x_obs: that is the naive regression that "
                        "attenuates. y depends on the true x: w[0] * x + b.")
        raise Wrong("y should be Normal(w[0] * x + b, sigma), observed at y.")
    prior_x = float(np.sum(x_site["fn"].log_prob(x_site["value"])))
    if not math.isclose(prior_x, stats.norm.logpdf(x_true, 0.1, 0.9).sum(), rel_tol=1e-5):
        raise Wrong("the true x_i should come from Normal(m, s).")
