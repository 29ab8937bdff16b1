"""The normal linear model in closed form: design matrix, least squares, conjugate posterior.

These are the exact answers MCMC is held against: least squares is the maximum of the
likelihood of ``y ~ Normal(X @ w + b, sigma)``; with known noise and Normal priors the
posterior of ``(w, b)`` is Gaussian with a closed-form mean and covariance.
"""

from typing import NamedTuple

import numpy as np

__all__ = ["design_matrix", "least_squares", "conjugate_linear_posterior"]


def design_matrix(X):
    """Return ``X`` with a column of ones appended, so ``design_matrix(X) @ (w, b) = X @ w + b``.

    Parameters
    ----------
    X : array_like, shape (n, j) or (n,)
        Covariates; a 1-D ``X`` is one covariate.

    Returns
    -------
    ndarray, shape (n, j + 1)

    Examples
    --------
    >>> design_matrix([[2.0], [3.0]]).tolist()
    [[2.0, 1.0], [3.0, 1.0]]
    """
    X = np.asarray(X, dtype=np.float64)
    return np.column_stack([X, np.ones(X.shape[0])])


def _design_and_y(X, y):
    A, y = design_matrix(X), np.asarray(y, dtype=np.float64)
    if y.shape != A.shape[:1]:  # a (n, 1) y would broadcast against (n,) fits silently
        raise ValueError(
            f"y must have shape ({A.shape[0]},), one value per row of X; got {y.shape}. "
            "Pass a flat y, e.g. y.ravel()."
        )
    return A, y


class LeastSquares(NamedTuple):
    """Result of :func:`least_squares`: ``coef`` (w then b), ``se``, ``sigma_ml``."""

    coef: np.ndarray
    se: np.ndarray
    sigma_ml: float


def least_squares(X, y):
    """Fit ``y = X @ w + b`` by least squares: the maximum likelihood of a normal linear model.

    Parameters
    ----------
    X : array_like, shape (n, j) or (n,)
    y : array_like, shape (n,)

    Returns
    -------
    LeastSquares
        ``coef``: ``(w_1, ..., w_j, b)``; ``sigma_ml``: the maximum-likelihood noise sd,
        ``sqrt(RSS / n)``; ``se``: the standard errors from the inverse Fisher
        information at the maximum, ``sigma_ml * sqrt(diag((A^T A)^-1))`` with ``A`` the
        design matrix. (Textbook OLS standard errors use ``RSS / (n - j - 1)``; they are
        larger by ``sqrt(n / (n - j - 1))``.)

    See Also
    --------
    conjugate_linear_posterior : the Bayesian counterpart with known noise.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 1.0]])
    >>> least_squares(X, X @ np.array([1.0, -1.0]) + 2.0).coef.round(6).tolist()
    [1.0, -1.0, 2.0]
    """
    A, y = _design_and_y(X, y)
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    sigma_ml = float(np.sqrt(np.mean((y - A @ coef) ** 2)))
    se = sigma_ml * np.sqrt(np.diag(np.linalg.pinv(A.T @ A)))
    return LeastSquares(coef, se, sigma_ml)


def conjugate_linear_posterior(X, y, prior_sd, noise_sd):
    """Exact posterior of ``y ~ Normal(X @ w + b, noise_sd)`` with ``w, b ~ Normal(0, prior_sd)``.

    With design matrix ``A`` and noise precisions ``P = diag(1 / noise_sd**2)``:
    ``cov = (A^T P A + I / prior_sd**2)^-1`` and ``mean = cov @ A^T P y``.

    Parameters
    ----------
    X : array_like, shape (n, j) or (n,)
    y : array_like, shape (n,)
    prior_sd : float
        Prior sd of every weight and of the intercept.
    noise_sd : float or array_like of shape (n,)
        Known noise sd: one for all points, or one per point.

    Returns
    -------
    mean : ndarray, shape (j + 1,)
        Posterior mean of ``(w_1, ..., w_j, b)``.
    cov : ndarray, shape (j + 1, j + 1)
        Posterior covariance, same order.

    See Also
    --------
    least_squares : the maximum-likelihood fit, the limit as ``prior_sd`` grows.

    References
    ----------
    Gelman, A. et al. (2013). *Bayesian Data Analysis*, 3rd ed., section 14.2.

    Examples
    --------
    >>> mean, cov = conjugate_linear_posterior([[0.0], [1.0]], [1.0, 2.0], 10.0, 1e-3)
    >>> mean.round(3).tolist()
    [1.0, 1.0]
    """
    A, y = _design_and_y(X, y)
    precision_y = np.broadcast_to(1.0 / np.asarray(noise_sd, dtype=np.float64) ** 2, y.shape)
    cov = np.linalg.inv(A.T @ (A * precision_y[:, None]) + np.eye(A.shape[1]) / prior_sd**2)
    return cov @ (A.T @ (precision_y * y)), cov
