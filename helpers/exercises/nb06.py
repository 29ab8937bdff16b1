"""Exercises of notebook 06 (is my likelihood right?).

06.1 (easy)   ArviZ's Pareto k threshold, computed from the number of draws;
06.2 (medium) find the bug: a summed ``factor`` that leaves LOO one term per draw;
06.3 (hard)   WAIC by hand, as a function of a log-likelihood matrix.

Each checker recomputes what it needs (the course's outlier data, seed 0, or its own
random log-likelihood matrices) and runs the learner's code itself: no state is shared
with the notebook.

>>> from helpers.exercises import check
>>> _ = check("06.1", k_4000=0.7, k_200=0.7)
Exercise 06.1 (easy, the Pareto k threshold): not yet. 0.7 is only the cap: ... = 0.565 for S = 200.
"""

import math

import numpy as np

from helpers.exercises._core import Wrong, exercise

__all__ = []


# ---------------------------------------------------------------- 06.1 --------------
def _threshold(draws):
    return min(1 - 1 / math.log10(draws), 0.7)


def _examples_1():
    right = {"k_4000": _threshold(4000), "k_200": _threshold(200)}
    return {
        "solution": right,
        "mistakes": {
            "hard-coded 0.7": ({"k_4000": 0.7, "k_200": 0.7}, "few draws"),
            "0.67 copied": ({"k_4000": 0.67, "k_200": 0.67}, "S = 1000"),
            "no cap": ({**right, "k_4000": 1 - 1 / math.log10(4000)}, "capped at 0.7"),
            "natural log": ({**right, "k_200": 1 - 1 / math.log(200)}, "log10"),
        },
    }


@exercise("06.1", level="easy", title="the Pareto k threshold",
          hints=("ArviZ computes the threshold from S, the total number of draws (all chains).",
                 "min(1 - 1 / log10(S), 0.7).",
                 "k_4000 = min(1 - 1 / np.log10(4000), 0.7); the same with 200 for k_200."),
          examples=_examples_1)
def _check_1(k_4000, k_200):
    for name, value in (("k_4000", k_4000), ("k_200", k_200)):
        if np.ndim(value) != 0:
            raise Wrong(f"{name} is one number, got shape {np.shape(value)}.")
    k_4000, k_200 = float(k_4000), float(k_200)
    right_4000, right_200 = _threshold(4000), _threshold(200)
    if math.isclose(k_4000, right_4000, abs_tol=1e-3) and math.isclose(k_200, right_200,
                                                                       abs_tol=1e-3):
        return
    if math.isclose(k_4000, 0.67, abs_tol=5e-3) or math.isclose(k_200, 0.67, abs_tol=5e-3):
        raise Wrong("0.67 is the threshold for S = 1000 draws; compute it from each S.")
    if math.isclose(k_4000, 1 - 1 / math.log10(4000), abs_tol=1e-3):
        raise Wrong("1 - 1/log10(4000) = 0.72, but the threshold is capped at 0.7: take the min.")
    if math.isclose(k_200, 1 - 1 / math.log(200), abs_tol=1e-3):
        raise Wrong("use log10, not the natural log: 1 - 1/log10(S).")
    if math.isclose(k_200, 0.7, abs_tol=1e-3):
        raise Wrong("0.7 is only the cap: with few draws the threshold is lower, 1 - 1/log10(S) "
                    f"= {right_200:.3f} for S = 200.")
    raise Wrong(f"for S = 4000 the threshold is {right_4000:.3f} and for S = 200 it is "
                f"{right_200:.3f}; you have {k_4000:.3f} and {k_200:.3f}.")


# ---------------------------------------------------------------- 06.2 --------------
def _line(X):
    import numpyro
    import numpyro.distributions as dist

    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    return X @ w + b


def _likelihood_model(kind):
    import numpyro
    import numpyro.distributions as dist

    def model(X, y=None):
        sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
        mu = _line(X)
        if kind == "observed":
            return numpyro.sample("y", dist.Normal(mu, sigma), obs=y)
        terms = dist.Normal(mu, sigma).log_prob(y)
        if kind == "column":
            terms = dist.Normal(mu, sigma).log_prob(y[:, None])
        if kind == "no constant":
            terms = -0.5 * ((y - mu) / sigma) ** 2
        numpyro.factor("y", {"summed": terms.sum(), "mean": terms.mean()}.get(kind, terms))

    return model


def _examples_2():
    return {
        "solution": {"model_pointwise": _likelihood_model("observed")},
        "mistakes": {
            "unchanged": ({"model_pointwise": _likelihood_model("summed")}, "one value per draw"),
            "mean": ({"model_pointwise": _likelihood_model("mean")}, "mean"),
            "column": ({"model_pointwise": _likelihood_model("column")}, "N x N"),
            "no constant": ({"model_pointwise": _likelihood_model("no constant")},
                            "normalising constant"),
        },
    }


@exercise("06.2", level="medium", title="find the bug: a summed factor breaks LOO",
          hints=("log_likelihood returns whatever the site 'y' holds: with .sum() that is one "
                 "number per draw.",
                 "Keep one term per data point: drop the .sum(), or better, make y an observed "
                 "site.",
                 "return numpyro.sample('y', dist.Normal(line(X), sigma), obs=y)"),
          examples=_examples_2)
def _check_2(model_pointwise):
    import numpyro.distributions as dist
    from numpyro.infer.util import log_likelihood

    from helpers.data import simulate_outliers

    if not callable(model_pointwise):
        raise Wrong(f"model_pointwise must be a model function model_pointwise(X, y=None), got "
                    f"{type(model_pointwise).__name__}.")
    data = simulate_outliers(n=50, seed=0)
    n = data.n
    draws = {"w": np.array([[-0.9], [-1.0]]), "b": np.array([4.2, 4.3]),
             "sigma": np.array([0.5, 1.5])}
    try:
        ll = log_likelihood(model_pointwise, draws, data.X, y=data.y)
    except (ValueError, TypeError, IndexError, KeyError) as err:
        raise Wrong(f"computing log_likelihood of your model failed: {type(err).__name__}: "
                    f"{err}") from None
    if "y" not in ll:
        raise Wrong(f"log_likelihood found no site 'y' (it found {sorted(ll)}): the likelihood "
                    "must be an observed site named y, or a factor named y.")
    got = np.asarray(ll["y"])
    if got.shape == (2,):
        mean_wanted = np.array([float(np.mean(dist.Normal(draws["w"][s] @ data.X.T + draws["b"][s],
                                                          draws["sigma"][s]).log_prob(data.y)))
                                for s in range(2)])
        if np.allclose(got, mean_wanted, rtol=1e-4):
            raise Wrong("a mean is still one value per draw: LOO needs one term per data point. "
                        "Keep the vector, or use an observed site.")
        raise Wrong("log_likelihood gives one value per draw, shape (draws,): the sum over points "
                    "leaves LOO nothing to leave out. Keep one term per point.")
    if got.shape == (2, n, n):
        raise Wrong(f"log_likelihood has shape {got.shape}: an N x N table, every y against every "
                    "mean (a y of shape (N, 1)). Keep y of shape (N,).")
    if got.shape != (2, n):
        raise Wrong(f"log_likelihood has shape {got.shape}; one term per draw and per point, "
                    f"(draws, {n}), is right.")
    from scipy import stats

    mu = draws["w"] @ data.X.T + draws["b"][:, None]
    right = stats.norm.logpdf(data.y, mu, draws["sigma"][:, None])  # NumPy: nothing to compile
    if np.allclose(got, right, rtol=1e-4, atol=1e-4):
        return
    if np.allclose(got - right, (got - right)[:, :1], atol=1e-3):
        raise Wrong("each term differs from the Normal log density by a constant: the "
                    "normalising constant -log(sigma sqrt(2 pi)) is missing, and it depends on "
                    "sigma. Use dist.Normal(...).log_prob(y).")
    raise Wrong("the per-point terms are not the Normal log densities of y around line(X) with "
                "sd sigma.")


# ---------------------------------------------------------------- 06.3 --------------
def _log_lik_matrices():
    rng = np.random.default_rng(6)
    return [rng.normal(-1.0, 0.6, size=(400, 30)),
            rng.normal(-2.0, 1.5, size=(200, 12)) + rng.normal(0.0, 1.0, size=(1, 12))]


def _waic(log_lik, *, log_mean=True, penalty="var", per_draw=True):
    from scipy.special import logsumexp

    s = log_lik.shape[0]
    lppd = (logsumexp(log_lik, axis=0) - (np.log(s) if per_draw else 0.0) if log_mean
            else log_lik.mean(axis=0))
    spread = {"var": log_lik.var(axis=0), "std": log_lik.std(axis=0),
              "none": 0.0}[penalty]
    return float(np.sum(lppd - spread))


def _examples_3():
    from scipy.special import logsumexp

    def right(ll):
        return _waic(ll)

    return {
        "solution": {"waic_by_hand": right},
        "mistakes": {
            "mean of log": ({"waic_by_hand": lambda ll: _waic(ll, log_mean=False)},
                            "log of the mean"),
            "no penalty": ({"waic_by_hand": lambda ll: _waic(ll, penalty="none")}, "p_waic"),
            "std": ({"waic_by_hand": lambda ll: _waic(ll, penalty="std")}, "variance"),
            "no 1/S": ({"waic_by_hand": lambda ll: _waic(ll, per_draw=False)}, "log S"),
            "deviance": ({"waic_by_hand": lambda ll: -2 * _waic(ll)}, "deviance"),
            "axes swapped": ({"waic_by_hand": lambda ll: float(np.sum(
                logsumexp(ll, axis=1) - np.log(ll.shape[1]) - ll.var(axis=1)))}, "axis"),
        },
    }


@exercise("06.3", level="hard", title="WAIC by hand",
          hints=("elpd_waic = sum over points of (lppd_i - p_i): lppd_i is the log of the mean "
                 "likelihood over draws, p_i the variance of the log-likelihood over draws.",
                 "log of a mean of exponentials: logsumexp(log_lik, axis=0) - log(S). Draws are "
                 "axis 0.",
                 "lppd = logsumexp(log_lik, axis=0) - np.log(S); return "
                 "np.sum(lppd - log_lik.var(axis=0))."),
          examples=_examples_3)
def _check_3(waic_by_hand):
    if not callable(waic_by_hand):
        raise Wrong(f"waic_by_hand must be a function of a log-likelihood matrix, got "
                    f"{type(waic_by_hand).__name__}.")
    from scipy.special import logsumexp

    for log_lik in _log_lik_matrices():
        try:
            got = waic_by_hand(log_lik.copy())
        except Exception as err:  # the learner's function: report whatever it raised
            raise Wrong(f"waic_by_hand failed on a ({log_lik.shape[0]}, {log_lik.shape[1]}) "
                        f"matrix: {type(err).__name__}: {err}") from None
        if np.ndim(got) != 0:
            raise Wrong(f"return one number, elpd_waic; got shape {np.shape(got)}.")
        got, right = float(got), _waic(log_lik)
        if math.isclose(got, right, rel_tol=1e-6):
            continue
        swapped = float(np.sum(logsumexp(log_lik, axis=1) - np.log(log_lik.shape[1])
                               - log_lik.var(axis=1)))
        diagnoses = [
            (_waic(log_lik, log_mean=False), "lppd is the log of the mean likelihood over draws "
                                             "(logsumexp minus log S), not the mean of the "
                                             "log-likelihood."),
            (_waic(log_lik, penalty="none"), "you left out the penalty p_waic, the variance of "
                                             "the log-likelihood over draws."),
            (_waic(log_lik, penalty="std"), "the penalty is the variance over draws, not the "
                                            "standard deviation."),
            (_waic(log_lik, per_draw=False), "logsumexp adds up the likelihoods; subtract log S "
                                             "to get the log of their mean."),
            (-2 * right, "that is the deviance scale (-2 elpd); return elpd_waic itself."),
            (swapped, "draws are axis 0 and points axis 1: average over draws, axis=0."),
        ]
        for wrong, message in diagnoses:
            if math.isclose(got, wrong, rel_tol=1e-6):
                raise Wrong(message)
        raise Wrong(f"for a ({log_lik.shape[0]}, {log_lik.shape[1]}) matrix elpd_waic is "
                    f"{right:.4f}; yours gives {got:.4f}.")
