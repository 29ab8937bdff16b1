"""Simulated counts, yes/no outcomes and mixtures with known truth, and a PPC table.

Notebook 07 fits Bernoulli/Binomial, Poisson, negative binomial, zero-inflated and
mixture likelihoods. The simulators here make its data: NumPy's ``default_rng(seed)``,
a covariate ``x ~ Normal(0, 1)`` drawn first (so simulators called with the same ``n``
and ``seed`` share ``x``), a log or logit link ``a + b * x``, and ``truth`` keyed by
the site names of the notebook's models (``a``, ``b``, ``concentration``, ``locs``,
``scale``, ``weights``, ``z``).

``ppc_table`` puts a posterior predictive check of several test statistics in one
table: the observed statistic, where the replicated ones lie, and the posterior
predictive p-value.
"""

from typing import NamedTuple

import numpy as np

__all__ = [
    "SimulatedData",
    "simulate_binary",
    "simulate_overdispersed_counts",
    "simulate_mixture",
    "share_of_zeros",
    "DEFAULT_STATISTICS",
    "ppc_table",
]


class SimulatedData(NamedTuple):
    """A simulated data set: covariate ``x`` (or None), outcomes ``y``, and the ``truth``."""

    x: np.ndarray | None
    y: np.ndarray
    truth: dict


def _frozen(x, y, truth):
    for array in (x, y):
        if array is not None:
            array.setflags(write=False)
    return SimulatedData(x, y, truth)


def _covariate_and_link(rng, n, a, b):
    x = rng.normal(size=n)
    return x, a + b * x


def simulate_binary(*, n=100, a=-0.5, b=1.5, trials=1, seed=0):
    """Simulate successes out of ``trials``: ``y ~ Binomial(trials, sigmoid(a + b * x))``.

    Parameters
    ----------
    n : int
        Number of rows.
    a, b : float
        Intercept and slope on the logit scale.
    trials : int
        Trials per row (1: yes/no outcomes, a Bernoulli likelihood).
    seed : int
        Seed of NumPy's ``default_rng``.

    Returns
    -------
    SimulatedData
        ``x`` shape (n,), ``y`` integer successes shape (n,), truth ``{"a", "b"}``.

    Examples
    --------
    >>> data = simulate_binary(n=5, trials=1, seed=0)
    >>> data.y.shape, set(data.y.tolist()) <= {0, 1}, sorted(data.truth)
    ((5,), True, ['a', 'b'])
    """
    rng = np.random.default_rng(seed)
    x, eta = _covariate_and_link(rng, n, a, b)
    y = rng.binomial(trials, 1.0 / (1.0 + np.exp(-eta)))
    return _frozen(x, y, {"a": a, "b": b})


def simulate_overdispersed_counts(*, n=100, a=1.0, b=0.5, concentration=1.5, seed=0):
    """Simulate negative binomial counts with mean ``exp(a + b * x)``.

    Each row's rate is drawn from a Gamma with mean ``mu = exp(a + b * x)`` and shape
    ``concentration``, then a Poisson count from that rate: the gamma-Poisson mixture
    that ``NegativeBinomial2(mu, concentration)`` describes, with variance
    ``mu + mu**2 / concentration`` (larger than a Poisson's ``mu``).

    Parameters
    ----------
    n : int
        Number of rows.
    a, b : float
        Intercept and slope on the log scale.
    concentration : float
        Gamma shape, > 0; small means strongly overdispersed.
    seed : int
        Seed of NumPy's ``default_rng``.

    Returns
    -------
    SimulatedData
        ``x``, ``y`` shape (n,), truth ``{"a", "b", "concentration"}``.

    Examples
    --------
    >>> data = simulate_overdispersed_counts(n=4000, a=1.0, b=0.0, concentration=2.0)
    >>> bool(data.y.var() > 2 * data.y.mean())    # Poisson would give variance = mean
    True
    """
    rng = np.random.default_rng(seed)
    x, eta = _covariate_and_link(rng, n, a, b)
    mu = np.exp(eta)
    rate = rng.gamma(shape=concentration, scale=mu / concentration)
    y = rng.poisson(rate)
    return _frozen(x, y, {"a": a, "b": b, "concentration": concentration})


def simulate_mixture(*, n=150, locs=(-1.0, 2.0), scale=0.7, weights=(0.4, 0.6), seed=0):
    """Simulate a mixture of Normals: ``z ~ Categorical(weights)``, ``y ~ Normal(locs[z], scale)``.

    Parameters
    ----------
    n : int
        Number of observations.
    locs : sequence of float
        Component means, one per component.
    scale : float
        Common component standard deviation, > 0.
    weights : sequence of float
        Component probabilities, as many as ``locs``, summing to 1.
    seed : int
        Seed of NumPy's ``default_rng``.

    Returns
    -------
    SimulatedData
        ``x`` None, ``y`` shape (n,), truth ``{"locs", "scale", "weights", "z"}`` with
        ``z`` the component of each observation.

    Examples
    --------
    >>> data = simulate_mixture(n=6, seed=0)
    >>> data.x is None, data.y.shape, data.truth["z"].shape
    (True, (6,), (6,))
    """
    locs, weights = np.asarray(locs, dtype=float), np.asarray(weights, dtype=float)
    if locs.shape != weights.shape:
        raise ValueError(f"locs and weights need one entry per component; got {locs.size} "
                         f"locs and {weights.size} weights.")
    rng = np.random.default_rng(seed)
    z = rng.choice(len(weights), size=n, p=weights)
    y = rng.normal(locs[z], scale)
    z.setflags(write=False)
    return _frozen(None, y, {"locs": locs, "scale": scale, "weights": weights, "z": z})


def share_of_zeros(values, axis=-1):
    """Share of entries equal to zero along ``axis``.

    Examples
    --------
    >>> share_of_zeros(np.array([[0, 1, 0, 3], [1, 1, 1, 0]]))
    array([0.5 , 0.25])
    """
    return np.mean(np.asarray(values) == 0, axis=axis)


#: Test statistics ``ppc_table`` uses by default; each takes ``(values, axis)``.
DEFAULT_STATISTICS = {"mean": np.mean, "variance": np.var, "share of zeros": share_of_zeros,
                      "max": np.max}


def ppc_table(y, replicated, statistics=None, prob=0.94):
    """Posterior predictive check of several test statistics, one row each.

    For each statistic ``T``: ``T(y)`` for the data, the mean and central ``prob``
    interval of ``T(y_rep)`` over the replicated data sets, and the posterior predictive
    p-value ``Pr(T(y_rep) >= T(y))``. A p-value near 0 or 1 says the model cannot make
    data like yours in that respect.

    Parameters
    ----------
    y : array, shape (n,)
        Observed data.
    replicated : array, shape (draws, n) or (chains, draws, n)
        Posterior predictive draws of ``y``.
    statistics : dict of str to callable, optional
        ``{name: T}`` with ``T(values, axis=-1)`` reducing the last axis;
        ``DEFAULT_STATISTICS`` by default.
    prob : float
        Probability of the central interval, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Index: statistic names; columns ``observed``, ``replicated_mean``, ``lower``,
        ``upper``, ``p_value``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y, rep = rng.poisson(3.0, 50), rng.poisson(3.0, (1000, 50))
    >>> table = ppc_table(y, rep, {"mean": np.mean})
    >>> bool(0.05 < table.loc["mean", "p_value"] < 0.95)
    True
    """
    import pandas as pd

    y, replicated = np.asarray(y), np.asarray(replicated)
    if y.ndim != 1 or replicated.ndim < 2 or replicated.shape[-1] != y.shape[0]:
        raise ValueError(f"expected y of shape (n,) and replicated of shape (draws, n) or "
                         f"(chains, draws, n); got {y.shape} and {replicated.shape}. Pass "
                         "Predictive(...)(key, ...)['y'], whose last axis is the data axis.")
    replicated = replicated.reshape(-1, y.shape[0])
    rows = {}
    for name, statistic in (statistics or DEFAULT_STATISTICS).items():
        observed, rep = float(statistic(y, axis=-1)), np.asarray(statistic(replicated, axis=-1))
        lower, upper = np.quantile(rep, [(1 - prob) / 2, (1 + prob) / 2])
        rows[name] = {"observed": observed, "replicated_mean": float(rep.mean()),
                      "lower": float(lower), "upper": float(upper),
                      "p_value": float(np.mean(rep >= observed))}
    return pd.DataFrame.from_dict(rows, orient="index")
