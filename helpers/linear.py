"""The normal linear model in closed form: the exact answers MCMC is held against."""

from typing import NamedTuple

import numpy as np

__all__ = ["least_squares", "conjugate_linear_posterior"]


def _design_matrix(X):
    """Return ``X`` (shape (n, j), or (n,) for one covariate) with a column of ones appended.

    Examples
    --------
    >>> _design_matrix([[2.0], [3.0]]).tolist()
    [[2.0, 1.0], [3.0, 1.0]]
    """
    X = np.asarray(X)
    return np.column_stack([X, np.ones(X.shape[0])])


def _design_and_y(X, y):
    A, y = _design_matrix(X), np.asarray(y)
    if y.shape != A.shape[:1]:  # a (n, 1) y would broadcast against (n,) fits silently
        raise ValueError(
            f"y must have shape ({A.shape[0]},), one value per row of X; got {y.shape}. "
            "Pass a flat y, e.g. y.ravel()."
        )
    return A, y


class LeastSquares(NamedTuple):
    """What :func:`least_squares` returns."""

    coef: np.ndarray
    se: np.ndarray
    sigma_ml: float


def least_squares(X, y):
    """Fit ``y = X @ w + b`` by least squares: the maximum likelihood of a normal linear model.

    Returns
    -------
    LeastSquares
        ``coef`` = ``(w_1, ..., w_j, b)``; ``sigma_ml = sqrt(RSS / n)``, the ML noise sd;
        ``se = sigma_ml * sqrt(diag((A^T A)^-1))`` (``A`` the design matrix), the inverse
        Fisher information at the maximum. Textbook OLS errors use ``RSS / (n - j - 1)``.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0], [3.0, 1.0]])
    >>> least_squares(X, X @ np.array([1.0, -1.0]) + 2.0).coef.round(6).tolist()
    [1.0, -1.0, 2.0]
    """
    A, y = _design_and_y(X, y)
    coef = np.linalg.lstsq(A, y)[0]
    sigma_ml = float(np.sqrt(np.mean((y - A @ coef) ** 2)))
    se = sigma_ml * np.sqrt(np.diag(np.linalg.pinv(A.T @ A)))
    return LeastSquares(coef, se, sigma_ml)


def conjugate_linear_posterior(X, y, prior_sd, noise_sd):
    """Exact posterior of ``y ~ Normal(X @ w + b, noise_sd)`` with ``w, b ~ Normal(0, prior_sd)``.

    With design matrix ``A`` and ``P = diag(1 / noise_sd**2)`` (``noise_sd`` a scalar or
    one per point): ``cov = (A^T P A + I / prior_sd**2)^-1``, ``mean = cov A^T P y``, in
    the order ``(w_1, ..., w_j, b)``.

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
    precision_y = np.broadcast_to(1.0 / np.asarray(noise_sd) ** 2, y.shape)
    cov = np.linalg.inv(A.T @ (A * precision_y[:, None]) + np.eye(A.shape[1]) / prior_sd**2)
    return cov @ (A.T @ (precision_y * y)), cov
