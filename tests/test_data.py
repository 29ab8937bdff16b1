"""Simulators: reproducible, read-only, and the truth they report is what least squares recovers."""

import numpy as np
import pytest

from helpers.data import (
    forum_dataset,
    simulate_correlated_repeats,
    simulate_heteroscedastic,
    simulate_known_errors,
    simulate_linear,
    simulate_outliers,
    simulate_x_errors,
)

SIMULATORS = {
    simulate_linear: "n",
    simulate_known_errors: "n",
    simulate_outliers: "n",
    simulate_correlated_repeats: "n_units",
    simulate_heteroscedastic: "n",
    simulate_x_errors: "n",
}


def ols(X, y):
    """Least squares by the normal equations (independent of helpers.linear)."""
    A = np.column_stack([X, np.ones(len(X))])
    coef = np.linalg.solve(A.T @ A, A.T @ y)
    return coef, y - A @ coef


@pytest.mark.parametrize("simulate", SIMULATORS, ids=lambda f: f.__name__)
def test_same_seed_same_data_and_read_only(simulate):
    size = {SIMULATORS[simulate]: 12}
    a, b = simulate(**size, seed=3), simulate(**size, seed=3)
    assert a.n == 12 and a.y.shape[0] == 12
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.y, simulate(**size, seed=4).y)
    arrays = [a.X, a.y, *(v for v in a.truth.values() if isinstance(v, np.ndarray))]
    for arr in arrays:
        with pytest.raises(ValueError, match="read-only"):
            arr.flat[0] = 0.0
    with pytest.raises(TypeError):  # keyword-only: no positional mix-ups of n, w, b
        simulate(12)


def test_caller_array_is_not_frozen():
    w = np.array([1.0, 2.0])
    simulate_linear(n=3, w=w)
    w[0] = 5.0  # the simulator copied it before making its own copy read-only


def test_same_data_as_the_first_edition():
    # y[:3] of the first edition (helpers/data.py before issue 11) for the same seeds
    np.testing.assert_allclose(forum_dataset(1).y[:3], [4.20911247, 4.29990954, 3.67913310])
    np.testing.assert_allclose(forum_dataset(2).y[:3], [2.90588373, 1.42846078, 0.71474328])


@pytest.mark.parametrize("which, w, f, sigma", [(1, [-0.9594], 1.0, 0.1),
                                                (2, [-0.9594, -9.594], 0.534, 1e-3)])
def test_forum_datasets_truth_is_what_least_squares_recovers(which, w, f, sigma):
    data = forum_dataset(which, n=2000)
    assert data.truth["f"] == f and data.truth["sigma"] == sigma
    np.testing.assert_allclose(data.truth["w"], w)
    coef, resid = ols(data.X, data.y)  # only f * w and f * b are identified
    np.testing.assert_allclose(coef, f * np.array([*w, 4.294]), atol=4 * sigma / np.sqrt(2000))
    np.testing.assert_allclose(resid.std(), sigma, rtol=0.05)
    with pytest.raises(ValueError, match="which must be 1 or 2"):
        forum_dataset(3)


def test_linear_with_f_scales_the_mean():
    data = simulate_linear(n=3000, w=(2.0, -1.0), b=0.5, f=-3.0, sigma=0.1, seed=1)
    coef, _ = ols(data.X, data.y)
    np.testing.assert_allclose(coef, [-6.0, 3.0, -1.5], atol=0.01)


def test_known_errors_scatter_is_sigma_i_plus_tau_in_quadrature():
    data = simulate_known_errors(n=4000, sigma_range=(0.1, 0.2), extra_sd=0.3, seed=2)
    assert 0.1 <= data.sigma.min() <= data.sigma.max() <= 0.2 and data.truth["tau"] == 0.3
    _, resid = ols(data.X, data.y)
    np.testing.assert_allclose(np.mean(resid**2), np.mean(data.sigma**2) + 0.09, rtol=0.08)


def test_outliers_are_the_listed_points_and_shifted_ones_one_sided():
    data = simulate_outliers(n=400, outlier_frac=0.2, outlier_sd=1.0, outlier_shift=4.0, seed=1)
    idx = data.truth["outliers"]
    assert len(idx) == 80 and np.all(np.diff(idx) > 0)
    shift = data.y[idx] - (data.X[idx] @ data.truth["w"] + data.truth["b"])
    np.testing.assert_allclose(shift.mean(), 4.0, atol=0.2)
    clean = np.setdiff1d(np.arange(400), idx)
    _, resid = ols(data.X[clean], data.y[clean])
    np.testing.assert_allclose(resid.std(), 0.1, rtol=0.15)


def test_correlated_repeats_recover_the_covariance():
    data = simulate_correlated_repeats(n_units=3000, n_repeats=3, sigma=0.2, corr=0.6, seed=1)
    noise = data.y - (data.X @ data.truth["w"] + data.truth["b"])[:, None]
    expected = 0.04 * (0.4 * np.eye(3) + 0.6)
    np.testing.assert_allclose(data.truth["cov"], expected)
    np.testing.assert_allclose(np.cov(noise.T), expected, atol=0.004)
    assert data.truth["rho"] == 0.6


def test_heteroscedastic_log_sd_is_linear_in_x():
    data = simulate_heteroscedastic(n=4000, sigma=0.1, growth=0.8, seed=1)
    x, sd = data.X[:, 0], data.truth["sd"]
    np.testing.assert_allclose(np.log(sd), data.truth["log_s0"] + data.truth["gamma"] * x)
    np.testing.assert_allclose(data.truth["log_s0"], np.log(0.1))
    _, resid = ols(data.X, data.y)
    z = resid / sd  # standardised: sd 1 at every x
    assert abs(z[x > 1].std() - 1) < 0.1 and abs(z[x < -1].std() - 1) < 0.1


def test_x_errors_attenuate_the_naive_slope():
    data = simulate_x_errors(n=20000, x_sd=0.5, seed=1)
    np.testing.assert_allclose((data.X - data.truth["x_true"]).std(), 0.5, rtol=0.03)
    coef, _ = ols(data.X, data.y)
    np.testing.assert_allclose(coef[0], -0.9594 / 1.25, rtol=0.03)  # 1 / (1 + x_sd**2)
    coef_true, resid = ols(data.truth["x_true"], data.y)
    np.testing.assert_allclose(coef_true, [-0.9594, 4.294], rtol=0.01)
    np.testing.assert_allclose(resid.std(), data.truth["sigma"], rtol=0.03)
