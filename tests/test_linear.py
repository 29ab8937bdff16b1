"""Closed forms of the normal linear model, against NumPy, SciPy and a brute-force grid."""

import numpy as np
import pytest
from scipy import stats

from helpers.linear import _design_matrix, conjugate_linear_posterior, least_squares


def test_design_matrix_appends_ones_for_1d_and_2d_x():
    np.testing.assert_array_equal(_design_matrix([1.0, 2.0]), [[1.0, 1.0], [2.0, 1.0]])
    A = _design_matrix(np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(A, [[0, 1, 1], [2, 3, 1], [4, 5, 1]])


def test_least_squares_matches_scipy_linregress(line_xy):
    X, y = line_xy
    fit, ref = least_squares(X, y), stats.linregress(X[:, 0], y)
    np.testing.assert_allclose(fit.coef, [ref.slope, ref.intercept], rtol=1e-10)
    n = len(y)  # linregress uses RSS / (n - 2); the ML standard errors use RSS / n
    np.testing.assert_allclose(fit.se * np.sqrt(n / (n - 2)), [ref.stderr, ref.intercept_stderr],
                               rtol=1e-8)
    resid = y - ref.slope * X[:, 0] - ref.intercept
    np.testing.assert_allclose(fit.sigma_ml, np.sqrt(np.mean(resid**2)), rtol=1e-10)


def test_least_squares_several_columns_matches_lstsq_and_is_the_likelihood_maximum():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ [1.0, -2.0, 0.5] + 3.0 + 0.3 * rng.normal(size=40)
    fit = least_squares(X, y)
    A = np.column_stack([X, np.ones(40)])
    np.testing.assert_allclose(fit.coef, np.linalg.lstsq(A, y, rcond=None)[0], rtol=1e-10)
    s2 = np.sum((y - A @ fit.coef) ** 2) / (40 - 4)  # textbook OLS standard errors
    np.testing.assert_allclose(fit.se * np.sqrt(40 / 36),
                               np.sqrt(s2 * np.diag(np.linalg.inv(A.T @ A))), rtol=1e-8)

    def loglik(coef, sigma):
        return stats.norm.logpdf(y, A @ coef, sigma).sum()

    best = loglik(fit.coef, fit.sigma_ml)
    for step in np.eye(4) * 1e-3:  # moving any coefficient or sigma lowers the likelihood
        assert loglik(fit.coef + step, fit.sigma_ml) < best
        assert loglik(fit.coef - step, fit.sigma_ml) < best
    assert loglik(fit.coef, fit.sigma_ml * 1.001) < best > loglik(fit.coef, fit.sigma_ml / 1.001)


def test_conjugate_posterior_matches_brute_force_grid(line_xy):
    X, y = line_xy
    mean, cov = conjugate_linear_posterior(X, y, prior_sd=2.0, noise_sd=0.5)
    sd = np.sqrt(np.diag(cov))
    axes = [np.linspace(m - 7 * s, m + 7 * s, 401) for m, s in zip(mean, sd, strict=True)]
    w, b = np.meshgrid(*axes, indexing="ij")
    logp = (stats.norm.logpdf(y, w[..., None] * X[:, 0] + b[..., None], 0.5).sum(-1)
            + stats.norm.logpdf(w, 0, 2.0) + stats.norm.logpdf(b, 0, 2.0))
    p = np.exp(logp - logp.max())
    p /= p.sum()
    grid_mean = np.array([(p * w).sum(), (p * b).sum()])
    dw, db = w - grid_mean[0], b - grid_mean[1]
    grid_cov = np.array([[(p * dw * dw).sum(), (p * dw * db).sum()],
                         [(p * dw * db).sum(), (p * db * db).sum()]])
    np.testing.assert_allclose(mean, grid_mean, atol=1e-3 * sd.max())
    np.testing.assert_allclose(cov, grid_cov, rtol=1e-3, atol=1e-6)


def test_conjugate_posterior_approaches_least_squares_as_the_prior_widens(line_xy):
    X, y = line_xy
    mean, cov = conjugate_linear_posterior(X, y, prior_sd=1e6, noise_sd=0.5)
    A = np.column_stack([X, np.ones(len(y))])
    np.testing.assert_allclose(mean, least_squares(X, y).coef, rtol=1e-8)
    np.testing.assert_allclose(cov, 0.25 * np.linalg.inv(A.T @ A), rtol=1e-8)


def test_per_point_noise_a_repeated_point_counts_like_one_with_smaller_sd(line_xy):
    X, y = line_xy
    sd = np.linspace(0.2, 1.0, len(y))
    # y_0 observed twice with sd s is the same evidence as once with sd s / sqrt(2)
    twice = conjugate_linear_posterior(np.vstack([X, X[:1]]), np.append(y, y[0]), 2.0,
                                       np.append(sd, sd[0]))
    sd_once = sd.copy()
    sd_once[0] /= np.sqrt(2)
    once = conjugate_linear_posterior(X, y, 2.0, sd_once)
    for a, b in zip(twice, once, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    scalar = conjugate_linear_posterior(X, y, 2.0, 0.5)
    for a, b in zip(scalar, conjugate_linear_posterior(X, y, 2.0, np.full(15, 0.5)), strict=True):
        np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("fn", [least_squares,
                                lambda X, y: conjugate_linear_posterior(X, y, 1.0, 1.0)])
def test_column_y_is_refused_rather_than_broadcast(fn, line_xy):
    X, y = line_xy
    with pytest.raises(ValueError, match=r"y must have shape \(15,\).*y.ravel\(\)"):
        fn(X, y[:, None])
