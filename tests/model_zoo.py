"""Models written the way NumPyro's examples write them, each with simulated data.

Every ``Case`` holds a correct model with its arguments, and a broken variant of the
(N, 1) kind (a data column where a vector belongs, a plate on the wrong dim, a
coefficient with a stray axis) together with the site where the bug sits. The tests
for ``helpers.sites`` and ``helpers.doctor`` run over all of them.
"""

from dataclasses import dataclass, field

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from numpyro import handlers
from numpyro.contrib.control_flow import scan
from numpyro.contrib.funsor import config_enumerate


@dataclass(frozen=True)
class Case:
    name: str
    model: object
    args: tuple
    kwargs: dict
    site: str  # where the broken variant's bug is
    broken_args: tuple = None  # default: the correct arguments
    broken_kwargs: dict = None
    broken_model: object = None  # default: the same model
    notes: dict = field(default_factory=dict)

    def broken(self):
        """``(model, args, kwargs)`` of the broken variant."""
        return (
            self.broken_model or self.model,
            self.args if self.broken_args is None else self.broken_args,
            self.kwargs if self.broken_kwargs is None else self.broken_kwargs,
        )


def column(kwargs, name="y"):
    """The same keyword arguments with ``name`` turned into an (N, 1) column."""
    return {**kwargs, name: np.asarray(kwargs[name])[..., None]}


# --- 1. the course's linear regression -------------------------------------------
def linear(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    with numpyro.plate("data", X.shape[0]):
        numpyro.sample("y", dist.Normal(X @ w + b, sigma), obs=y)


def linear_case(rng):
    X = rng.normal(size=(40, 2))
    y = X @ np.array([-0.96, 1.5]) + 4.3 + 0.1 * rng.normal(size=40)
    return Case("linear", linear, (X,), {"y": y}, "y", broken_kwargs={"y": y[:, None]})


# --- 2. the forum thread's second model: mu = f * (X w + b) --------------------------
def scaled_linear(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    f = numpyro.sample("f", dist.Normal(0.0, 2.5))
    numpyro.sample("y", dist.Normal(f * (X @ w + b), sigma), obs=y)


def scaled_linear_case(rng):
    X = rng.normal(size=(50, 2))
    y = 0.534 * (X @ np.array([-0.9594, -9.594]) + 4.294) + 1e-3 * rng.normal(size=50)
    return Case("scaled_linear", scaled_linear, (X,), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 3. eight schools, non-centred -------------------------------------------------
def eight_schools(sigma, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 5.0))
    tau = numpyro.sample("tau", dist.HalfCauchy(5.0))
    with numpyro.plate("school", len(sigma)):
        theta_raw = numpyro.sample("theta_raw", dist.Normal(0.0, 1.0))
        theta = numpyro.deterministic("theta", mu + tau * theta_raw)
        numpyro.sample("obs", dist.Normal(theta, sigma), obs=y)


def eight_schools_case(rng):
    y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
    sigma = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
    return Case("eight_schools", eight_schools, (sigma,), {"y": y}, "obs",
                broken_kwargs={"y": y[:, None]})


# --- 4. centred hierarchical intercepts ----------------------------------------------
def varying_intercepts(group, x, y=None):
    mu_a = numpyro.sample("mu_a", dist.Normal(0.0, 5.0))
    sigma_a = numpyro.sample("sigma_a", dist.HalfNormal(2.0))
    beta = numpyro.sample("beta", dist.Normal(0.0, 2.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(2.0))
    with numpyro.plate("groups", int(group.max()) + 1):
        a = numpyro.sample("a", dist.Normal(mu_a, sigma_a))
    with numpyro.plate("data", len(x)):
        numpyro.sample("y", dist.Normal(a[group] + beta * x, sigma), obs=y)


def varying_intercepts_case(rng):
    group = np.repeat(np.arange(6), 8)
    x = rng.normal(size=group.size)
    a = rng.normal(1.0, 0.7, size=6)
    y = a[group] + 0.5 * x + 0.3 * rng.normal(size=group.size)
    return Case("varying_intercepts", varying_intercepts, (group, x), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 5. logistic regression --------------------------------------------------------
def logistic_regression(X, y=None):
    coefs = numpyro.sample("coefs", dist.Normal(jnp.zeros(X.shape[1]), 2.0).to_event(1))
    intercept = numpyro.sample("intercept", dist.Normal(0.0, 2.0))
    with numpyro.plate("data", X.shape[0]):
        numpyro.sample("y", dist.Bernoulli(logits=X @ coefs + intercept), obs=y)


def logistic_regression_case(rng):
    X = rng.normal(size=(60, 3))
    p = 1 / (1 + np.exp(-(X @ np.array([1.0, -0.5, 0.0]) + 0.2)))
    y = (rng.uniform(size=60) < p).astype(np.int32)
    return Case("logistic_regression", logistic_regression, (X,), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 6. Gaussian process with a MultivariateNormal likelihood ----------------------------
def rbf(X, Z, var, length, jitter=1e-6):
    k = var * jnp.exp(-0.5 * ((X[:, None] - Z[None, :]) / length) ** 2)
    return k + jitter * jnp.eye(X.shape[0])


def gp(X, y=None):
    var = numpyro.sample("kernel_var", dist.LogNormal(0.0, 1.0))
    length = numpyro.sample("kernel_length", dist.LogNormal(0.0, 1.0))
    noise = numpyro.sample("kernel_noise", dist.LogNormal(-2.0, 1.0))
    k = rbf(X, X, var, length) + noise * jnp.eye(X.shape[0])
    numpyro.sample("y", dist.MultivariateNormal(jnp.zeros(X.shape[0]), covariance_matrix=k),
                   obs=y)


def gp_case(rng):
    X = np.linspace(-2, 2, 25)
    y = np.sin(2 * X) + 0.1 * rng.normal(size=25)
    return Case("gp", gp, (X,), {"y": y}, "y", broken_kwargs={"y": y[:, None]})


# --- 7. ordinal regression with ImproperUniform ordered cutpoints -----------------------
def ordinal_regression(X, n_classes, y=None):
    b = numpyro.sample("b", dist.Normal(0.0, 2.0))
    cutpoints = numpyro.sample(
        "cutpoints",
        dist.ImproperUniform(dist.constraints.ordered_vector, (), (n_classes - 1,)),
    )
    with numpyro.plate("data", X.shape[0]):
        numpyro.sample("y", dist.OrderedLogistic(X * b, cutpoints), obs=y)


def ordinal_regression_case(rng):
    X = rng.normal(size=60)
    latent = 1.2 * X + rng.logistic(size=60)
    y = np.digitize(latent, [-1.0, 0.0, 1.5]).astype(np.int32)
    return Case("ordinal_regression", ordinal_regression, (X, 4), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 8. local-level time series with scan ----------------------------------------------
def local_level(n_steps, n_series, y=None):
    tau = numpyro.sample("tau", dist.HalfNormal(1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))

    def transition(level, y_t):
        with numpyro.plate("series", n_series):
            level = numpyro.sample("level", dist.Normal(level, tau))
            numpyro.sample("y", dist.Normal(level, sigma), obs=y_t)
        return level, None

    scan(transition, jnp.zeros(n_series), y, length=n_steps)


def local_level_case(rng):
    level = np.cumsum(0.5 * rng.normal(size=(20, 3)), axis=0)
    y = level + 0.2 * rng.normal(size=(20, 3))
    return Case("local_level_scan", local_level, (20, 3), {"y": y}, "y",
                broken_kwargs={"y": y[..., None]})


# --- 9. zero-inflated Poisson counts -------------------------------------------------
def zero_inflated_poisson(X, y=None):
    gate = numpyro.sample("gate", dist.Beta(1.0, 1.0))
    w = numpyro.sample("w", dist.Normal(0.0, 1.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 2.0))
    with numpyro.plate("data", X.shape[0]):
        numpyro.sample("y", dist.ZeroInflatedPoisson(gate, jnp.exp(X @ w + b)), obs=y)


def zero_inflated_poisson_case(rng):
    X = rng.normal(size=(80, 2))
    counts = rng.poisson(np.exp(X @ np.array([0.5, -0.3]) + 1.0))
    y = np.where(rng.uniform(size=80) < 0.3, 0, counts).astype(np.int32)
    return Case("zero_inflated_poisson", zero_inflated_poisson, (X,), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 10. Poisson GLM ----------------------------------------------------------------
def poisson_glm(X, exposure, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 1.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 2.0))
    rate = exposure * jnp.exp(X @ w + b)
    with numpyro.plate("data", X.shape[0]):
        numpyro.sample("y", dist.Poisson(rate), obs=y)


def poisson_glm_case(rng):
    X = rng.normal(size=(50, 2))
    exposure = rng.uniform(0.5, 2.0, size=50)
    y = rng.poisson(exposure * np.exp(X @ np.array([0.3, 0.6]) + 0.5)).astype(np.int32)
    return Case("poisson_glm", poisson_glm, (X, exposure), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 11. right-censored data (masked likelihood + censoring label) ------------------------
def censored_normal(x, censored, y=None):
    a = numpyro.sample("a", dist.Normal(0.0, 5.0))
    b = numpyro.sample("b", dist.Normal(0.0, 5.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(2.0))
    mu = a + b * x
    with numpyro.plate("data", len(x)):
        numpyro.sample("y", dist.Normal(mu, sigma).mask(~censored), obs=y)
        # a censored point only says y >= its recorded value
        survival = 1 - dist.Normal(mu, sigma).cdf(y) if y is not None else 0.5
        numpyro.sample("is_censored", dist.Bernoulli(probs=jnp.clip(survival, 1e-6, 1 - 1e-6))
                       .mask(censored), obs=censored.astype(np.int32))


def censored_case(rng):
    x = rng.uniform(-1, 1, size=50)
    y_true = 1.0 + 2.0 * x + 0.5 * rng.normal(size=50)
    limit = 2.0
    censored = y_true > limit
    y = np.minimum(y_true, limit)
    return Case("censored", censored_normal, (x, censored), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 12. horseshoe regression ------------------------------------------------------
def horseshoe(X, y=None):
    n, d = X.shape
    tau = numpyro.sample("tau", dist.HalfCauchy(1.0))
    with numpyro.plate("coef", d):
        lam = numpyro.sample("lambda", dist.HalfCauchy(1.0))
        beta = numpyro.sample("beta", dist.Normal(0.0, tau * lam))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("data", n):
        numpyro.sample("y", dist.Normal(X @ beta, sigma), obs=y)


def horseshoe_case(rng):
    X = rng.normal(size=(40, 6))
    y = X @ np.array([2.0, 0, 0, -1.5, 0, 0]) + 0.3 * rng.normal(size=40)
    return Case("horseshoe", horseshoe, (X,), {"y": y}, "y", broken_kwargs={"y": y[:, None]})


# --- 13. a .to_event(1) likelihood: one curve as one multivariate observation ------------
def polynomial_curve(t, y=None):
    c = numpyro.sample("c", dist.Normal(0.0, 3.0).expand([3]).to_event(1))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    mu = c[0] + c[1] * t + c[2] * t**2
    numpyro.sample("y", dist.Normal(mu, sigma).to_event(1), obs=y)


def polynomial_curve_case(rng):
    t = np.linspace(-1, 1, 30)
    y = 0.5 - t + 2 * t**2 + 0.1 * rng.normal(size=30)
    return Case("to_event_curve", polynomial_curve, (t,), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 14. correlated repeats: MultivariateNormal in a plate -------------------------------
def correlated_repeats(X, n_repeats, y=None, plate_dim=-1):
    w = numpyro.sample("w", dist.Normal(0.0, 5.0))
    b = numpyro.sample("b", dist.Normal(0.0, 5.0))
    sd = numpyro.sample("sd", dist.HalfNormal(1.0).expand([n_repeats]).to_event(1))
    corr = numpyro.sample("corr", dist.LKJCholesky(n_repeats, 2.0))
    scale_tril = sd[:, None] * corr
    mu = (X * w + b)[:, None] * jnp.ones(n_repeats)
    with numpyro.plate("units", X.shape[0], dim=plate_dim):
        numpyro.sample("y", dist.MultivariateNormal(mu, scale_tril=scale_tril), obs=y)


def correlated_repeats_case(rng):
    X = rng.normal(size=30)
    cov = 0.04 * (0.4 * np.ones((3, 3)) + 0.6 * np.eye(3))
    y = (X * 1.5 - 0.5)[:, None] + rng.multivariate_normal(np.zeros(3), cov, size=30)
    return Case("mvn_repeats", correlated_repeats, (X, 3), {"y": y}, "y",
                broken_kwargs={"y": y, "plate_dim": -2})


# --- 15. two-component mixture with an enumerated discrete site ---------------------------
@config_enumerate
def mixture(n, y=None):
    weights = numpyro.sample("weights", dist.Dirichlet(jnp.ones(2)))
    locs = numpyro.sample("locs", dist.Normal(0.0, 5.0).expand([2]).to_event(1))
    scale = numpyro.sample("scale", dist.HalfNormal(2.0))
    with numpyro.plate("data", n):
        z = numpyro.sample("z", dist.Categorical(weights))
        numpyro.sample("y", dist.Normal(locs[z], scale), obs=y)


def mixture_case(rng):
    z = rng.uniform(size=60) < 0.4
    y = np.where(z, -2.0, 2.0) + 0.5 * rng.normal(size=60)
    return Case("mixture_enumerated", mixture, (60,), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 16. a likelihood written with factor, one term per point ------------------------------
def factor_likelihood(X, y):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("data", X.shape[0]):
        numpyro.factor("y", dist.Normal(X @ w + b, sigma).log_prob(y))


def factor_likelihood_case(rng):
    X = rng.normal(size=(40, 1))
    y = X[:, 0] * -0.96 + 4.3 + 0.1 * rng.normal(size=40)
    return Case("factor", factor_likelihood, (X,), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 17. missing values: masked observations --------------------------------------------
def masked_regression(X, observed, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 5.0))
    b = numpyro.sample("b", dist.Normal(0.0, 5.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("data", X.shape[0]), handlers.mask(mask=observed):
        numpyro.sample("y", dist.Normal(X * w + b, sigma), obs=y)


def masked_case(rng):
    X = rng.normal(size=40)
    y = 2.0 * X - 1.0 + 0.3 * rng.normal(size=40)
    observed = rng.uniform(size=40) > 0.2
    y = np.where(observed, y, 0.0)  # missing values filled with a finite placeholder
    return Case("masked", masked_regression, (X, observed), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 18. a subsampled plate (mini-batches) ----------------------------------------------
def subsampled_regression(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 5.0))
    b = numpyro.sample("b", dist.Normal(0.0, 5.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("data", X.shape[0], subsample_size=25) as idx:
        y_batch = None if y is None else y[idx]
        numpyro.sample("y", dist.Normal(X[idx] * w + b, sigma), obs=y_batch)


def subsampled_case(rng):
    X = rng.normal(size=100)
    y = 0.7 * X + 0.2 + 0.3 * rng.normal(size=100)
    return Case("subsampled", subsampled_regression, (X,), {"y": y}, "y",
                broken_kwargs={"y": y[:, None]})


# --- 19. an AR(1) coefficient with a stray axis: a model-side (N, 1) bug -------------------
def ar1(y):
    phi = numpyro.sample("phi", dist.Uniform(-1.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    numpyro.sample("y", dist.Normal(phi * y[:-1], sigma), obs=y[1:])


def ar1_column(y):
    phi = numpyro.sample("phi", dist.Uniform(-1.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    numpyro.sample("y", dist.Normal(phi * y[:-1, None], sigma), obs=y[1:])


def ar1_case(rng):
    y = np.zeros(60)
    for t in range(1, 60):
        y[t] = 0.6 * y[t - 1] + rng.normal()
    return Case("ar1", ar1, (y,), {}, "y", broken_model=ar1_column)


CASES = [
    make(np.random.default_rng(i))
    for i, make in enumerate([
        linear_case, scaled_linear_case, eight_schools_case, varying_intercepts_case,
        logistic_regression_case, gp_case, ordinal_regression_case, local_level_case,
        zero_inflated_poisson_case, poisson_glm_case, censored_case, horseshoe_case,
        polynomial_curve_case, correlated_repeats_case, mixture_case,
        factor_likelihood_case, masked_case, subsampled_case, ar1_case,
    ])
]
