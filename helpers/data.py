"""Simulated data sets of ``y = f * (X @ w + b) + noise`` with known truth.

NumPy's ``default_rng(seed)`` draws them, so they do not depend on JAX's precision
(``numpyro.enable_x64`` changes what ``jax.random`` draws for the same key). ``truth``
keys are the course models' site names (``w``, ``b``, ``f``, ``sigma``, ...).
"""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["simulate_linear", "forum_dataset", "simulate_known_errors",
           "simulate_outliers", "simulate_correlated_repeats", "simulate_heteroscedastic",
           "simulate_x_errors"]

W, B = (-0.9594,), 4.294  # the forum's slope and intercept


@dataclass(frozen=True)
class LinearData:
    """A simulated data set: ``X`` (n, j), ``y`` (n,) or (n, L), ``truth`` and known ``sigma``.

    ``truth`` holds the simulation's values by site name, ``sigma`` any known per-point
    sds. The arrays are read-only, so a notebook cannot change data behind a later cell.
    """

    X: np.ndarray
    y: np.ndarray
    truth: dict = field(default_factory=dict)
    sigma: np.ndarray | None = None

    def __post_init__(self):
        for value in (self.X, self.y, self.sigma, *self.truth.values()):
            if isinstance(value, np.ndarray):
                value.setflags(write=False)

    @property
    def n(self):
        """Number of rows (units)."""
        return self.X.shape[0]


def _linear(seed, n, w, b, f=1.0):
    rng, w = np.random.default_rng(seed), np.array(w, dtype=np.float64)  # w: a copy
    X = rng.normal(size=(n, len(w)))
    return rng, X, f * (X @ w + b), {"w": w, "b": b, "f": f}


def simulate_linear(*, n=50, w=W, b=B, f=1.0, sigma=0.1, seed=0):
    """Simulate ``y = f * (X @ w + b) + Normal(0, sigma)`` with ``X ~ Normal(0, 1)``.

    One weight in ``w`` per column of ``X``; the other simulators use the same names.
    Returns ``LinearData`` with ``truth`` keys ``w``, ``b``, ``f``, ``sigma``.

    Examples
    --------
    >>> data = simulate_linear(n=5, seed=1)
    >>> data.X.shape, data.y.shape, sorted(data.truth)
    ((5, 1), (5,), ['b', 'f', 'sigma', 'w'])
    """
    rng, X, mean, truth = _linear(seed, n, w, b, f)
    return LinearData(X, mean + sigma * rng.normal(size=n), {**truth, "sigma": sigma})


def forum_dataset(which=1, *, n=50, seed=0):
    """The forum question's two data sets: :func:`simulate_linear` with its settings.

    ``which=1``: ``w = (-0.9594,)``, ``b = 4.294``, ``f = 1``, ``sigma = 0.1``.
    ``which=2``: ``w = (-0.9594, -9.594)``, ``b = 4.294``, ``f = 0.534``, ``sigma = 1e-3``.

    Examples
    --------
    >>> forum_dataset(2).truth["f"]
    0.534
    """
    settings = {1: {"w": W, "f": 1.0, "sigma": 0.1},
                2: {"w": (W[0], 10 * W[0]), "f": 0.534, "sigma": 1e-3}}
    if which not in settings:
        raise ValueError(f"which must be 1 or 2 (the forum's two data sets), got {which!r}.")
    return simulate_linear(n=n, b=B, seed=seed, **settings[which])


def simulate_known_errors(*, n=50, w=W, b=B, sigma_range=(0.05, 0.5), extra_sd=0.0, seed=0):
    """Noise ``Normal(0, sqrt(sigma_i**2 + extra_sd**2))``, ``sigma_i ~ Uniform(*sigma_range)``.

    ``LinearData.sigma`` holds the known ``sigma_i``; ``truth`` keys ``w``, ``b``, ``f``
    and ``tau`` (= ``extra_sd``).

    Examples
    --------
    >>> d = simulate_known_errors(n=4, extra_sd=0.3)
    >>> d.sigma.shape, d.truth["tau"]
    ((4,), 0.3)
    """
    rng, X, mean, truth = _linear(seed, n, w, b)
    sigma = rng.uniform(*sigma_range, size=n)
    y = mean + np.sqrt(sigma**2 + extra_sd**2) * rng.normal(size=n)
    return LinearData(X, y, {**truth, "tau": extra_sd}, sigma)


def simulate_outliers(*, n=50, w=W, b=B, sigma=0.1, outlier_frac=0.1, outlier_sd=3.0,
                      outlier_shift=0.0, seed=0):
    """A random share ``outlier_frac`` of points get extra ``Normal(outlier_shift, outlier_sd)``.

    ``truth`` keys ``w``, ``b``, ``f``, ``sigma`` and ``outliers`` (their indices).

    Examples
    --------
    >>> simulate_outliers(n=20, outlier_frac=0.25).truth["outliers"].size
    5
    """
    rng, X, mean, truth = _linear(seed, n, w, b)
    y = mean + sigma * rng.normal(size=n)
    outliers = np.sort(rng.choice(n, size=round(outlier_frac * n), replace=False))
    y[outliers] += outlier_shift + outlier_sd * rng.normal(size=outliers.size)
    return LinearData(X, y, {**truth, "sigma": sigma, "outliers": outliers})


def simulate_correlated_repeats(*, n_units=30, n_repeats=3, w=W, b=B, sigma=0.1, corr=0.6,
                                seed=0):
    """``n_repeats`` equally correlated measurements of each unit: ``y`` is (n_units, n_repeats).

    The noise is ``MultivariateNormal(0, sigma**2 * ((1 - corr) I + corr 1 1^T))``.
    ``truth`` keys ``w``, ``b``, ``f``, ``sigma``, ``rho`` (= ``corr``) and ``cov``.

    Examples
    --------
    >>> simulate_correlated_repeats(n_units=4, n_repeats=2).y.shape
    (4, 2)
    """
    rng, X, mean, truth = _linear(seed, n_units, w, b)
    eye = np.eye(n_repeats)
    cov = sigma**2 * ((1 - corr) * eye + corr * np.ones_like(eye))
    y = mean[:, None] + rng.multivariate_normal(np.zeros(n_repeats), cov, size=n_units)
    return LinearData(X, y, {**truth, "sigma": sigma, "rho": corr, "cov": cov})


def simulate_heteroscedastic(*, n=50, w=W, b=B, sigma=0.1, growth=0.8, seed=0):
    """Noise sd ``sigma * exp(growth * X[:, 0])``; ``truth`` adds ``log_s0``, ``gamma``, ``sd``.

    Examples
    --------
    >>> d = simulate_heteroscedastic(n=4, growth=0.0)
    >>> bool((d.truth["sd"] == 0.1).all())
    True
    """
    rng, X, mean, truth = _linear(seed, n, w, b)
    sd = sigma * np.exp(growth * X[:, 0])
    y = mean + sd * rng.normal(size=n)
    extra = {"sigma": sigma, "log_s0": float(np.log(sigma)), "gamma": growth, "sd": sd}
    return LinearData(X, y, {**truth, **extra})


def simulate_x_errors(*, n=50, w=W, b=B, sigma=0.1, x_sd=0.5, seed=0):
    """Covariates measured with error: ``X = x_true + Normal(0, x_sd)``, ``y`` from ``x_true``.

    Regressing ``y`` on ``X`` shrinks a slope by ``1 / (1 + x_sd**2)``; ``truth`` adds
    ``x_true`` (n, len(w)) and ``x_sd``.

    Examples
    --------
    >>> d = simulate_x_errors(n=3)
    >>> d.X.shape, d.truth["x_true"].shape
    ((3, 1), (3, 1))
    """
    rng, x_true, mean, truth = _linear(seed, n, w, b)
    x_obs = x_true + x_sd * rng.normal(size=x_true.shape)
    y = mean + sigma * rng.normal(size=n)
    return LinearData(x_obs, y, {**truth, "sigma": sigma, "x_true": x_true, "x_sd": x_sd})
