"""Simulated data sets with known truth.

Every simulator draws with NumPy's ``default_rng(seed)``, so the data do not depend on
JAX's precision setting (``numpyro.enable_x64`` changes what ``jax.random`` draws for
the same key, NumPy's generator does not).

The model behind all of them is the one from the forum question::

    y = f * (X @ weights + b) + noise
"""

from dataclasses import dataclass, field

import numpy as np

from helpers._validate import finite_float, finite_floats, positive_float, positive_int

__all__ = [
    "LinearData",
    "simulate_linear",
    "forum_dataset",
    "simulate_known_errors",
    "simulate_outliers",
    "simulate_correlated_repeats",
    "simulate_heteroscedastic",
    "simulate_x_errors",
]


@dataclass(frozen=True)
class LinearData:
    """A simulated data set and the truth that made it.

    Attributes
    ----------
    X : ndarray, shape (n, j)
        Covariates.
    y : ndarray, shape (n,) or (n, L)
        Observations: one scalar per row, or ``L`` repeats per row.
    truth : dict
        The parameters used to simulate (``weights``, ``b``, ``f``, noise settings).
    sigma : ndarray or None, shape (n,)
        Known per-point measurement standard deviations, when the data set has them.

    The arrays are read-only, so a notebook cannot change the data behind a later cell.
    """

    X: np.ndarray
    y: np.ndarray
    truth: dict = field(default_factory=dict)
    sigma: np.ndarray | None = None

    def __post_init__(self):
        for name in ("X", "y", "sigma"):
            value = getattr(self, name)
            if value is not None:
                value.setflags(write=False)

    @property
    def n(self):
        """Number of rows (units)."""
        return self.X.shape[0]


def _linear_mean(rng, n, weights, b, f):
    X = rng.normal(size=(n, len(weights)))
    return X, f * (X @ np.asarray(weights) + b)


def _truth(weights, b, f, **extra):
    return {"weights": np.asarray(weights), "b": b, "f": f, **extra}


def simulate_linear(n=50, weights=(-0.9594,), b=4.294, f=1.0, noise_sd=0.1, seed=0):
    """Simulate ``y = f * (X @ weights + b) + Normal(0, noise_sd)``.

    Parameters
    ----------
    n : int
        Number of observations, >= 1.
    weights : sequence of float
        One weight per column of ``X`` (``X`` has ``len(weights)`` columns).
    b, f : float
        Intercept and overall scale.
    noise_sd : float
        Standard deviation of the Gaussian noise, > 0.
    seed : int
        Seed for ``numpy.random.default_rng``.

    Returns
    -------
    LinearData
        ``X`` of shape (n, len(weights)), ``y`` of shape (n,), and ``truth``.

    Examples
    --------
    >>> data = simulate_linear(n=5, seed=1)
    >>> data.X.shape, data.y.shape
    ((5, 1), (5,))
    """
    n = positive_int("n", n)
    weights = finite_floats("weights", weights)
    b, f = finite_float("b", b), finite_float("f", f)
    noise_sd = positive_float("noise_sd", noise_sd)
    rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
    X, mean = _linear_mean(rng, n, weights, b, f)
    y = mean + noise_sd * rng.normal(size=n)
    return LinearData(X, y, _truth(weights, b, f, noise_sd=noise_sd))


def forum_dataset(which=1, n=50, seed=0):
    """The two data sets of the forum question, with NumPy draws.

    Parameters
    ----------
    which : {1, 2}
        1: one weight ``m = -0.9594``, ``b = 4.294``, ``f = 1``, noise sd 0.1.
        2: two weights ``(m, 10 m)``, ``f = 0.534``, noise sd 1e-3.
    n, seed : int
        Passed to :func:`simulate_linear`.

    Returns
    -------
    LinearData

    Examples
    --------
    >>> forum_dataset(2).X.shape
    (50, 2)
    """
    m, b = -0.9594, 4.294
    if which == 1:
        return simulate_linear(n, (m,), b, 1.0, 0.1, seed)
    if which == 2:
        return simulate_linear(n, (m, 10 * m), b, 0.534, 1e-3, seed)
    raise ValueError(f"which must be 1 or 2 (the forum's two data sets), got {which!r}.")


def simulate_known_errors(
    n=50, weights=(-0.9594,), b=4.294, sigma_range=(0.05, 0.5), extra_sd=0.0, seed=0
):
    """Simulate data whose points each have a known measurement sd.

    Each point gets ``sigma_i ~ Uniform(*sigma_range)``; the noise is
    ``Normal(0, sqrt(sigma_i**2 + extra_sd**2))``: known errors plus, when
    ``extra_sd > 0``, unknown extra scatter added in quadrature.

    Returns
    -------
    LinearData
        With ``sigma`` of shape (n,) holding the known sds (without ``extra_sd``).

    Examples
    --------
    >>> d = simulate_known_errors(n=4)
    >>> d.sigma.shape
    (4,)
    """
    n = positive_int("n", n)
    weights = finite_floats("weights", weights)
    b = finite_float("b", b)
    low, high = finite_floats("sigma_range", sigma_range)
    if not 0 < low <= high:
        raise ValueError(
            f"sigma_range must be (low, high) with 0 < low <= high, got {sigma_range!r}."
        )
    extra_sd = finite_float("extra_sd", extra_sd)
    if extra_sd < 0:
        raise ValueError(f"extra_sd must be >= 0, got {extra_sd}.")
    rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
    X, mean = _linear_mean(rng, n, weights, b, 1.0)
    sigma = rng.uniform(low, high, size=n)
    y = mean + np.sqrt(sigma**2 + extra_sd**2) * rng.normal(size=n)
    return LinearData(X, y, _truth(weights, b, 1.0, extra_sd=extra_sd), sigma)


def simulate_outliers(
    n=50,
    weights=(-0.9594,),
    b=4.294,
    noise_sd=0.1,
    outlier_frac=0.1,
    outlier_sd=3.0,
    seed=0,
    outlier_shift=0.0,
):
    """Simulate linear data where a fraction of points are gross outliers.

    A share ``outlier_frac`` of the points (chosen at random) get extra
    ``Normal(outlier_shift, outlier_sd)`` noise on top of ``Normal(0, noise_sd)``.
    With the default ``outlier_shift=0`` the outliers scatter both ways; a shift
    makes them one-sided (a glitch that always reads high), which biases a
    Normal fit.

    Returns
    -------
    LinearData
        ``truth["outliers"]`` holds the indices of the outlying points.

    Examples
    --------
    >>> d = simulate_outliers(n=20, outlier_frac=0.25)
    >>> len(d.truth["outliers"])
    5
    """
    n = positive_int("n", n)
    weights = finite_floats("weights", weights)
    b = finite_float("b", b)
    noise_sd = positive_float("noise_sd", noise_sd)
    outlier_sd = positive_float("outlier_sd", outlier_sd)
    outlier_shift = finite_float("outlier_shift", outlier_shift)
    outlier_frac = finite_float("outlier_frac", outlier_frac)
    if not 0 <= outlier_frac <= 1:
        raise ValueError(f"outlier_frac must lie in [0, 1], got {outlier_frac}.")
    rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
    X, mean = _linear_mean(rng, n, weights, b, 1.0)
    y = mean + noise_sd * rng.normal(size=n)
    outliers = np.sort(rng.choice(n, size=round(outlier_frac * n), replace=False))
    y[outliers] += outlier_shift + outlier_sd * rng.normal(size=outliers.size)
    outliers.setflags(write=False)
    truth = _truth(weights, b, 1.0, noise_sd=noise_sd, outliers=outliers)
    return LinearData(X, y, truth)


def simulate_correlated_repeats(
    n_units=30, n_repeats=3, weights=(-0.9594,), b=4.294, noise_sd=0.1, corr=0.6, seed=0
):
    """Simulate ``n_repeats`` correlated measurements of each unit.

    Unit ``i`` has mean ``X[i] @ weights + b``; its ``L = n_repeats`` measurements
    share that mean and have noise ``MultivariateNormal(0, Sigma)`` with
    ``Sigma = noise_sd**2 * ((1 - corr) * I + corr * 1 1^T)`` (equal correlation).

    Returns
    -------
    LinearData
        ``y`` of shape (n_units, n_repeats); ``truth["cov"]`` is ``Sigma``.

    Examples
    --------
    >>> simulate_correlated_repeats(n_units=4, n_repeats=2).y.shape
    (4, 2)
    """
    n_units = positive_int("n_units", n_units)
    n_repeats = positive_int("n_repeats", n_repeats)
    weights = finite_floats("weights", weights)
    b = finite_float("b", b)
    noise_sd = positive_float("noise_sd", noise_sd)
    corr = finite_float("corr", corr)
    low = -1.0 / (n_repeats - 1) if n_repeats > 1 else -1.0
    if not low < corr < 1:
        raise ValueError(
            f"corr must lie in ({low:.3g}, 1) for {n_repeats} repeats to give a "
            f"positive-definite covariance, got {corr}."
        )
    rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
    X, mean = _linear_mean(rng, n_units, weights, b, 1.0)
    eye = np.eye(n_repeats)
    cov = noise_sd**2 * ((1 - corr) * eye + corr * np.ones_like(eye))
    noise = rng.multivariate_normal(np.zeros(n_repeats), cov, size=n_units)
    y = mean[:, None] + noise
    truth = _truth(weights, b, 1.0, noise_sd=noise_sd, corr=corr, cov=cov)
    return LinearData(X, y, truth)


def simulate_heteroscedastic(n=50, weights=(-0.9594,), b=4.294, noise_sd=0.1, growth=0.8,
                             seed=0):
    """Simulate linear data whose noise sd grows with the first covariate.

    Point ``i`` has noise ``Normal(0, noise_sd * exp(growth * X[i, 0]))``: the log of
    the sd is linear in ``x``, ``log sd_i = log(noise_sd) + growth * x_i``.

    Returns
    -------
    LinearData
        ``truth["noise_sd"]`` (the sd at ``x = 0``), ``truth["growth"]``, and
        ``truth["sd"]``: each point's sd, shape (n,).

    Examples
    --------
    >>> d = simulate_heteroscedastic(n=4, growth=0.0)
    >>> bool((d.truth["sd"] == 0.1).all())
    True
    """
    n = positive_int("n", n)
    weights = finite_floats("weights", weights)
    b = finite_float("b", b)
    noise_sd = positive_float("noise_sd", noise_sd)
    growth = finite_float("growth", growth)
    rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
    X, mean = _linear_mean(rng, n, weights, b, 1.0)
    sd = noise_sd * np.exp(growth * X[:, 0])
    y = mean + sd * rng.normal(size=n)
    return LinearData(X, y, _truth(weights, b, 1.0, noise_sd=noise_sd, growth=growth, sd=sd))


def simulate_x_errors(n=50, weight=-0.9594, b=4.294, noise_sd=0.1, x_sd=0.5, seed=0):
    """Simulate ``y = weight * x + b + noise`` where ``x`` itself is measured with error.

    The true covariate is ``x ~ Normal(0, 1)``; we observe ``x_obs = x + Normal(0, x_sd)``
    and ``y = weight * x + b + Normal(0, noise_sd)``. Regressing ``y`` on ``x_obs``
    shrinks the slope towards 0 by the factor ``1 / (1 + x_sd**2)`` (attenuation).

    Returns
    -------
    LinearData
        ``X`` holds the *observed* ``x_obs``, shape (n, 1); ``truth["x_true"]`` the true
        ``x``, ``truth["x_sd"]`` the known measurement sd of ``x``.

    Examples
    --------
    >>> d = simulate_x_errors(n=3)
    >>> d.X.shape, d.truth["x_true"].shape
    ((3, 1), (3,))
    """
    n = positive_int("n", n)
    weight, b = finite_float("weight", weight), finite_float("b", b)
    noise_sd = positive_float("noise_sd", noise_sd)
    x_sd = positive_float("x_sd", x_sd)
    rng = np.random.default_rng(positive_int("seed", seed, minimum=0))
    x_true = rng.normal(size=n)
    x_obs = x_true + x_sd * rng.normal(size=n)
    y = weight * x_true + b + noise_sd * rng.normal(size=n)
    x_true.setflags(write=False)
    truth = _truth((weight,), b, 1.0, noise_sd=noise_sd, x_sd=x_sd, x_true=x_true)
    return LinearData(x_obs[:, None], y, truth)
