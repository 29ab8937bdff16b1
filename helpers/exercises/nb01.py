"""Exercises of notebook 01 (what a model does before it sees data).

01.1 (easy)   the prior predictive variance of y by hand;
01.2 (medium) both checks in numbers for a sensor that reads 0 to 10: the share of
              impossible simulated readings, and the share of data inside the band;
01.3 (hard)   find the bug: a weight vector whose length does not follow X's columns.

Each checker recomputes what it needs from the course's data (``forum_dataset(1)``,
seed 0) and fixed keys: no state is shared with the notebook.
"""

import numpy as np

from helpers.exercises._core import Wrong, exercise

__all__ = []

SENSOR_RANGE = (0.0, 10.0)  # what the sensor can display, known before any data


def _x():
    from helpers.data import forum_dataset

    return np.asarray(forum_dataset(1).X[:, 0])


def _close(a, b, rtol=1e-4):
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=rtol)


# ---------------------------------------------------------------- 01.1 --------------
def _examples_1():
    x = _x()
    return {
        "solution": {"var_y": 1.0 * x**2 + 100 + 100 / 3},
        "mistakes": {
            "sd for b": ({"var_y": x**2 + 10 + 100 / 3}, "Var(b) is 10**2"),
            "E[sigma]^2": ({"var_y": x**2 + 100 + 25}, "E[sigma**2]"),
            "no noise": ({"var_y": x**2 + 100}, "left out the noise"),
            "old prior of w": ({"var_y": 100 * x**2 + 100 + 100 / 3}, "Var(w) = 1"),
            "scalar": ({"var_y": 134.3}, "one value per data point"),
        },
    }


@exercise("01.1", level="easy", title="prior predictive variance by hand",
          hints=("y_i = x_i w + b + sigma * eps_i, and w, b, sigma, eps_i are independent.",
                 "Var[x_i w] = x_i**2 Var[w]; Var[sigma eps_i] = E[sigma**2] because E[eps] = 0 "
                 "and Var[eps] = 1.",
                 "For Uniform(0, 10), E[sigma**2] = 10**2 / 3. Use x = data.X[:, 0]."),
          examples=_examples_1)
def _check_1(var_y):
    x = _x()
    n = x.shape[0]
    if np.ndim(var_y) == 0 or np.shape(var_y) != (n,):
        raise Wrong(f"give one value per data point: an array of shape ({n},), got shape "
                    f"{np.shape(var_y)}. The variance depends on x_i through x_i**2 Var[w].")
    var_y = np.asarray(var_y, dtype=float)
    truth = x**2 + 100 + 100 / 3
    if _close(var_y, truth):
        return
    diagnoses = [
        (x**2 + 10 + 100 / 3, "Var(b) is 10**2 = 100: Normal(0, 10) has sd 10, so variance 100."),
        (x**2 + 100 + 25, "E[sigma**2] is not E[sigma]**2: for Uniform(0, 10) it is 100/3, "
                          "not 5**2 = 25."),
        (x**2 + 100, "you left out the noise: sigma * eps_i adds E[sigma**2] = 100/3."),
        (100 * x**2 + 100 + 100 / 3, "w has the new prior Normal(0, 1) here, so Var(w) = 1, "
                                     "not 100."),
    ]
    for wrong, message in diagnoses:
        if _close(var_y, wrong):
            raise Wrong(message)
    if np.allclose(var_y, truth, rtol=0.15):
        raise Wrong("close, but not exact: that looks like a Monte Carlo estimate. Write the "
                    "formula Var[w] x_i**2 + Var[b] + E[sigma**2].")
    worst = int(np.argmax(np.abs(var_y - truth)))
    raise Wrong(f"at x = {x[worst]:.3f} you give {var_y[worst]:.2f}; the variance there is "
                f"{truth[worst]:.2f}. Add the three independent parts.")


# ---------------------------------------------------------------- 01.2 --------------
def _share_outside():
    """P(y_i outside the sensor's range) under the 01.1 priors, averaged over the points.

    y_i | sigma ~ Normal(0, sqrt(x_i**2 + 100 + sigma**2)), sigma ~ Uniform(0, 10):
    a midpoint rule over sigma, no sampling.
    """
    from scipy import stats

    x = _x()
    sigma = (np.arange(2000) + 0.5) / 2000 * 10.0
    sd = np.sqrt(x[:, None] ** 2 + 100 + sigma[None, :] ** 2)
    low, high = SENSOR_RANGE
    below, above = stats.norm.cdf(low / sd), stats.norm.sf(high / sd)
    return float(below.mean()), float(above.mean())


def _examples_2():
    below, above = _share_outside()
    right = {"share_impossible": below + above, "coverage": 1.0}
    return {
        "solution": right,
        "mistakes": {
            "from the data": ({**right, "share_impossible": 0.0}, "observed data"),
            "share possible": ({**right, "share_impossible": 1 - below - above}, "possible"),
            "one side": ({**right, "share_impossible": below}, "both sides"),
            "per data set": ({**right, "share_impossible": 0.97}, "data sets"),
            "outside the band": ({**right, "coverage": 0.0}, "inside the band"),
            "prior in its own band": ({**right, "coverage": 0.9}, "by construction"),
        },
    }


@exercise("01.2", level="medium", title="both checks, in numbers",
          hints=("Draw y from model_ex with Predictive, as in section 5, and reuse SENSOR_RANGE.",
                 "Check 1 uses only the prior draws: the mean of (y < 0) | (y > 10) over all "
                 "draws and points. Check 2 puts the data in: interval_coverage(draws, data.y).",
                 "share_impossible = float(((y_ex < 0) | (y_ex > 10)).mean()); "
                 "coverage = interval_coverage(y_ex, data.y, prob=0.9)."),
          examples=_examples_2)
def _check_2(share_impossible, coverage):
    for name, value in (("share_impossible", share_impossible), ("coverage", coverage)):
        if np.ndim(value) != 0 or not 0 <= float(value) <= 1:
            raise Wrong(f"{name} is a share: one number between 0 and 1, got {value!r}.")
    share, coverage = float(share_impossible), float(coverage)
    below, above = _share_outside()
    right, tol = below + above, 0.03
    if abs(share - right) > tol:
        diagnoses = [
            (0.0, "no reading of the observed data is impossible, but check 1 is about the "
                  "simulated readings: count them in the prior draws, not in data.y."),
            (1 - right, "that is the share of possible readings (inside [0, 10]); the check "
                        "counts the impossible ones."),
            (below, "you counted readings below 0 only; count both sides of [0, 10]."),
            (above, "you counted readings above 10 only; count both sides of [0, 10]."),
        ]
        for wrong, message in diagnoses:
            if abs(share - wrong) <= tol:
                raise Wrong(message)
        if share > 0.9:
            raise Wrong("that looks like the share of whole data sets with at least one "
                        "impossible reading; count single readings: the mean over draws and "
                        "points.")
        raise Wrong(f"about {right:.0%} of simulated readings lie outside [0, 10] under these "
                    f"priors; you have {share:.0%}. Use the priors of exercise 01.1.")
    if coverage < 0.05:
        raise Wrong("coverage is the share of data points inside the band, not outside it.")
    if abs(coverage - 0.9) < 0.02:
        raise Wrong("90% is what the prior draws give in their own 90% band, by construction; "
                    "put the observed data in: interval_coverage(draws, data.y, prob=0.9).")
    if coverage < 0.96:
        raise Wrong(f"with priors this wide every data point lies inside the band (coverage "
                    f"1.0); you have {coverage:.2f}. Are the draws from model_ex?")


# ---------------------------------------------------------------- 01.3 --------------
def _columns(j, n=20):
    return np.random.default_rng(7).normal(size=(n, j))


def _run_prior(model, X):
    from jax import random
    from numpyro.infer import Predictive

    return Predictive(model, num_samples=4)(random.PRNGKey(3), X)


def _mean_of(model, X, w):
    """The y that ``model`` draws with w set, b = 0 and (nearly) no noise."""
    from jax import random
    from numpyro import handlers

    values = {"w": w, "b": 0.0, "sigma": 1e-6}
    traced = handlers.trace(handlers.seed(handlers.substitute(model, data=values),
                                          random.PRNGKey(0)))
    return np.asarray(traced.get_trace(X)["y"]["value"])


def _column_model(kind):
    import numpyro
    import numpyro.distributions as dist

    def model(X, y=None):
        size = {"fixed 1": 1, "fixed 2": 2}.get(kind, X.shape[1])
        if kind == "elementwise":
            w = numpyro.sample("w", dist.Normal(0.0, 1.0))
        else:
            w = numpyro.sample("w", dist.Normal(0.0, 1.0).expand([size]).to_event(1))
        b = numpyro.sample("b", dist.Normal(5.0, 1.5))
        sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
        mean = {"elementwise": lambda: X * w + b,
                "first column": lambda: X[:, 0] * w[0] + b}.get(kind, lambda: X @ w + b)()
        return numpyro.sample("y", dist.Normal(mean, sigma), obs=y)

    return model


def _examples_3():
    def pair(kind):
        return {"model_any_columns": _column_model(kind)}

    return {
        "solution": pair("any"),
        "mistakes": {
            "still one": (pair("fixed 1"), "X.shape[1]"),
            "fixed two": (pair("fixed 2"), "only for two columns"),
            "X * w": (pair("elementwise"), "elementwise"),
            "first column only": (pair("first column"), "ignores column"),
        },
    }


@exercise("01.3", level="hard", title="find the bug: weights vs X's columns",
          hints=("The error says the two sides of X @ w have different lengths. Where is the "
                 "length of w set?",
                 "Size the prior from the data: X.shape[1] is the number of columns.",
                 "dist.Normal(0.0, 1.0).expand([X.shape[1]]).to_event(1) gives one w per "
                 "column, whatever X is."),
          examples=_examples_3)
def _check_3(model_any_columns):
    if not callable(model_any_columns):
        raise Wrong(f"model_any_columns must be a model function model(X, y=None), got "
                    f"{type(model_any_columns).__name__}.")
    works = {}
    for j in (1, 2, 3):
        try:
            draws = _run_prior(model_any_columns, _columns(j))
            works[j] = None
        except (TypeError, ValueError) as err:
            works[j] = err
            continue
        y_shape, w_shape = tuple(draws["y"].shape[1:]), tuple(draws["w"].shape[1:])
        if y_shape != (20,):
            raise Wrong(f"with {j} columns one data set has shape {y_shape}, not (20,): X * w "
                        "is elementwise, one w for every column. Make w a vector of length "
                        "X.shape[1] and use X @ w.")
        if w_shape != (j,):
            raise Wrong(f"with {j} columns w has shape {w_shape}; it needs one weight per "
                        f"column, shape ({j},).")
    failed = [j for j, err in works.items() if err is not None]
    if failed == [1, 3]:
        raise Wrong("it works only for two columns now: the length of w is still a fixed "
                    "number. Size it from the data, X.shape[1].")
    if failed:
        raise Wrong(f"with {failed[0]} column(s) it still fails ({works[failed[0]]}): the "
                    "length of w must follow X.shape[1].")
    X = _columns(3)
    for j in range(3):
        got = _mean_of(model_any_columns, X, np.eye(3)[j])
        if not np.allclose(got, X[:, j], atol=1e-4):
            raise Wrong(f"the mean ignores column {j} of X: with w = e_{j}, b = 0 and no "
                        "noise y should equal that column. Use every column: X @ w.")
