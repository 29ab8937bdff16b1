import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data import (
    LinearData,
    forum_dataset,
    simulate_correlated_repeats,
    simulate_heteroscedastic,
    simulate_known_errors,
    simulate_linear,
    simulate_outliers,
    simulate_x_errors,
)

SIMULATORS = {
    "linear": (simulate_linear, "n"),
    "known_errors": (simulate_known_errors, "n"),
    "outliers": (simulate_outliers, "n"),
    "correlated": (simulate_correlated_repeats, "n_units"),
    "heteroscedastic": (simulate_heteroscedastic, "n"),
    "x_errors": (simulate_x_errors, "n"),
}


def ols(X, y):
    design = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return coef, y - design @ coef


@pytest.mark.parametrize("name", SIMULATORS)
def test_shapes_seed_and_read_only(name):
    simulate, n_arg = SIMULATORS[name]
    a, b = simulate(**{n_arg: 12, "seed": 3}), simulate(**{n_arg: 12, "seed": 3})
    assert isinstance(a, LinearData) and a.n == 12 and a.y.shape[0] == 12
    np.testing.assert_array_equal(a.y, b.y)                   # same seed, same data
    assert not np.array_equal(a.y, simulate(**{n_arg: 12, "seed": 4}).y)
    for arr in (a.X, a.y):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 0.0


@settings(deadline=None, max_examples=20)
@given(n=st.integers(1, 40), j=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_linear_shapes_for_any_size(n, j, seed):
    data = simulate_linear(n=n, weights=[0.5] * j, seed=seed)
    assert data.X.shape == (n, j) and data.y.shape == (n,)
    assert np.all(np.isfinite(data.y))


def test_linear_truth_recovered():
    data = simulate_linear(n=2000, weights=(-0.9594, 2.0), b=4.294, noise_sd=0.1, seed=1)
    coef, resid = ols(data.X, data.y)
    np.testing.assert_allclose(coef, [-0.9594, 2.0, 4.294], atol=0.01)
    np.testing.assert_allclose(resid.std(), 0.1, rtol=0.05)


def test_forum_datasets():
    one, two = forum_dataset(1), forum_dataset(2)
    assert one.X.shape == (50, 1) and two.X.shape == (50, 2)
    assert one.truth["noise_sd"] == 0.1 and two.truth["noise_sd"] == 1e-3
    assert two.truth["f"] == 0.534
    np.testing.assert_allclose(two.truth["weights"], [-0.9594, -9.594])
    coef, _ = ols(two.X, two.y)                   # only f * w and f * b are identified
    np.testing.assert_allclose(coef, 0.534 * np.array([-0.9594, -9.594, 4.294]), atol=1e-3)
    with pytest.raises(ValueError, match="which must be 1 or 2"):
        forum_dataset(3)


def test_known_errors_sigma_and_scatter():
    data = simulate_known_errors(n=4000, sigma_range=(0.1, 0.2), extra_sd=0.3, seed=2)
    assert data.sigma.shape == (4000,) and 0.1 <= data.sigma.min() <= data.sigma.max() <= 0.2
    assert not data.sigma.flags.writeable
    _, resid = ols(data.X, data.y)
    np.testing.assert_allclose(np.mean(resid**2), np.mean(data.sigma**2) + 0.09, rtol=0.08)


def test_outliers_indices_and_clean_points():
    data = simulate_outliers(n=200, outlier_frac=0.1, seed=5)
    idx = data.truth["outliers"]
    assert len(idx) == 20 and np.all(np.diff(idx) > 0)
    clean = np.setdiff1d(np.arange(200), idx)
    _, resid = ols(data.X[clean], data.y[clean])
    np.testing.assert_allclose(resid.std(), 0.1, rtol=0.15)
    assert len(simulate_outliers(n=10, outlier_frac=0.0).truth["outliers"]) == 0


def test_shifted_outliers_are_one_sided():
    data = simulate_outliers(n=400, outlier_frac=0.2, outlier_sd=1.0, outlier_shift=4.0, seed=1)
    idx = data.truth["outliers"]
    shift = data.y[idx] - (data.X[idx] @ data.truth["weights"] + data.truth["b"])
    np.testing.assert_allclose(shift.mean(), 4.0, atol=0.2)
    assert shift.min() > 0
    coef, _ = ols(data.X, data.y)
    assert coef[1] - 4.294 > 0.6                   # least squares pulled up by ~0.2 * 4


def test_correlated_repeats_recover_covariance():
    data = simulate_correlated_repeats(n_units=3000, n_repeats=3, noise_sd=0.2, corr=0.6, seed=1)
    assert data.y.shape == (3000, 3)
    noise = data.y - (data.X @ data.truth["weights"] + data.truth["b"])[:, None]
    np.testing.assert_allclose(np.cov(noise.T), data.truth["cov"], atol=0.004)
    np.testing.assert_allclose(np.corrcoef(noise.T)[0, 1], 0.6, atol=0.05)


def test_heteroscedastic_sd_grows_with_x():
    data = simulate_heteroscedastic(n=4000, noise_sd=0.1, growth=0.8, seed=1)
    x, sd = data.X[:, 0], data.truth["sd"]
    np.testing.assert_allclose(sd, 0.1 * np.exp(0.8 * x))
    _, resid = ols(data.X, data.y)
    z = resid / sd                                  # standardised: sd 1 everywhere
    assert abs(z[x > 1].std() - 1) < 0.1 and abs(z[x < -1].std() - 1) < 0.1
    assert resid[x > 1].std() > 3 * resid[x < -1].std()


def test_x_errors_attenuate_the_naive_slope():
    data = simulate_x_errors(n=20000, weight=-0.9594, x_sd=0.5, seed=1)
    assert data.X.shape == (20000, 1) and not data.truth["x_true"].flags.writeable
    np.testing.assert_allclose((data.X[:, 0] - data.truth["x_true"]).std(), 0.5, rtol=0.03)
    coef, _ = ols(data.X, data.y)
    np.testing.assert_allclose(coef[0], -0.9594 / 1.25, rtol=0.03)   # 1 / (1 + x_sd**2)
    coef_true, _ = ols(data.truth["x_true"][:, None], data.y)
    np.testing.assert_allclose(coef_true[0], -0.9594, rtol=0.01)


@settings(deadline=None, max_examples=15)
@given(growth=st.floats(-2, 2), seed=st.integers(0, 1000))
def test_heteroscedastic_log_sd_is_linear_in_x(growth, seed):
    data = simulate_heteroscedastic(n=5, growth=growth, seed=seed)
    np.testing.assert_allclose(np.log(data.truth["sd"]), np.log(0.1) + growth * data.X[:, 0])


BAD = [
    (simulate_linear, {"n": 0}, "n must be an integer >= 1, got 0"),
    (simulate_linear, {"n": 2.5}, "n must be an integer >= 1"),
    (simulate_linear, {"noise_sd": 0.0}, "noise_sd must be > 0, got 0.0"),
    (simulate_linear, {"noise_sd": -1}, "noise_sd must be > 0"),
    (simulate_linear, {"b": float("nan")}, "b must be a finite number, got nan"),
    (simulate_linear, {"weights": (1.0, float("inf"))}, r"weights\[1\] must be a finite"),
    (simulate_linear, {"weights": ()}, "weights must hold at least one number"),
    (simulate_linear, {"seed": -1}, "seed must be an integer >= 0"),
    (simulate_known_errors, {"n": 0}, "n must be an integer >= 1"),
    (simulate_known_errors, {"sigma_range": (0.0, 1.0)}, "sigma_range must be"),
    (simulate_known_errors, {"sigma_range": (2.0, 1.0)}, "0 < low <= high"),
    (simulate_known_errors, {"sigma_range": (0.1, float("nan"))}, r"sigma_range\[1\] must be"),
    (simulate_known_errors, {"extra_sd": -0.1}, "extra_sd must be >= 0"),
    (simulate_outliers, {"n": 0}, "n must be an integer >= 1"),
    (simulate_outliers, {"outlier_frac": 1.5}, r"outlier_frac must lie in \[0, 1\]"),
    (simulate_outliers, {"outlier_frac": float("nan")}, "outlier_frac must be a finite"),
    (simulate_outliers, {"noise_sd": 0}, "noise_sd must be > 0"),
    (simulate_outliers, {"outlier_sd": -3}, "outlier_sd must be > 0"),
    (simulate_outliers, {"outlier_shift": float("inf")}, "outlier_shift must be a finite"),
    (simulate_correlated_repeats, {"n_units": 0}, "n_units must be an integer >= 1"),
    (simulate_correlated_repeats, {"n_repeats": 0}, "n_repeats must be an integer >= 1"),
    (simulate_correlated_repeats, {"corr": 1.0}, "corr must lie in"),
    (simulate_correlated_repeats, {"corr": -0.6, "n_repeats": 3}, "positive-definite"),
    (simulate_correlated_repeats, {"noise_sd": 0}, "noise_sd must be > 0"),
    (simulate_heteroscedastic, {"n": 0}, "n must be an integer >= 1"),
    (simulate_heteroscedastic, {"noise_sd": 0}, "noise_sd must be > 0"),
    (simulate_heteroscedastic, {"growth": float("inf")}, "growth must be a finite"),
    (simulate_x_errors, {"n": 0}, "n must be an integer >= 1"),
    (simulate_x_errors, {"x_sd": 0}, "x_sd must be > 0"),
    (simulate_x_errors, {"noise_sd": -1}, "noise_sd must be > 0"),
    (simulate_x_errors, {"weight": float("nan")}, "weight must be a finite"),
]


@pytest.mark.parametrize("simulate, kwargs, message", BAD,
                         ids=[f"{f.__name__}-{next(iter(k))}" for f, k, _ in BAD])
def test_bad_arguments_raise_value_error(simulate, kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate(**kwargs)


def test_correlation_bound_allows_negative_for_two_repeats():
    data = simulate_correlated_repeats(n_units=5, n_repeats=2, corr=-0.9)
    assert data.y.shape == (5, 2)
