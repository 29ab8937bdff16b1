"""Plots shared by the notebooks. Each takes an optional ``ax`` and returns the Axes."""

import numpy as np

__all__ = ["plot_data", "plot_predictive", "interval_coverage"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 3.5))
    return ax


def plot_data(x, y, ax=None, **kwargs):
    """Scatter the observations ``y`` against one covariate ``x``.

    Parameters
    ----------
    x, y : array_like, shape (n,)
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to ``ax.scatter`` (defaults: black points, label "data").

    Returns
    -------
    matplotlib.axes.Axes
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(
            f"x and y must both have shape (n,), got {x.shape} and {y.shape}; "
            "pass one column of X, e.g. X[:, 0], and a flat y."
        )
    ax = _axes(ax)
    ax.scatter(x, y, **{"color": "black", "s": 12, "label": "data", "zorder": 3, **kwargs})
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return ax


def _check_draws(x, draws):
    x, draws = np.asarray(x), np.asarray(draws)
    if x.ndim != 1 or draws.ndim != 2 or draws.shape[1] != x.shape[0]:
        raise ValueError(
            f"draws must have shape (num_draws, n) with n = len(x) = {x.shape}, got "
            f"{draws.shape}. Predictive returns (num_samples, n) for a flat y site."
        )
    return x, draws


def plot_predictive(x, draws, y=None, prob=0.9, ax=None, label="predictive", color="C0"):
    """Show predictive draws as a median line and a central ``prob`` band, over the data.

    Parameters
    ----------
    x : array_like, shape (n,)
        One covariate (the x axis).
    draws : array_like, shape (num_draws, n)
        Draws of y, e.g. ``Predictive(model, ...)(key, X)["y"]``.
    y : array_like, shape (n,), optional
        Observed data, drawn as points on top.
    prob : float
        Mass of the central band, in (0, 1).
    ax : matplotlib.axes.Axes, optional
    label, color : str
        Legend label and colour of the band.

    Returns
    -------
    matplotlib.axes.Axes
    """
    x, draws = _check_draws(x, draws)
    if not 0 < prob < 1:
        raise ValueError(f"prob must lie in (0, 1), got {prob!r}.")
    ax = _axes(ax)
    order = np.argsort(x)
    lo, mid, hi = np.quantile(draws[:, order], [(1 - prob) / 2, 0.5, (1 + prob) / 2], axis=0)
    ax.fill_between(x[order], lo, hi, alpha=0.3, color=color,
                    label=f"{label}: central {prob:.0%}")
    ax.plot(x[order], mid, color=color, label=f"{label}: median")
    if y is not None:
        plot_data(x, y, ax=ax)
    ax.legend(loc="best", fontsize=8)
    return ax


def interval_coverage(draws, y, prob=0.9):
    """Share of observations inside the central ``prob`` interval of their draws.

    Parameters
    ----------
    draws : array_like, shape (num_draws, n)
    y : array_like, shape (n,)
    prob : float

    Returns
    -------
    float
        Between 0 and 1; near ``prob`` when the predictive distribution fits.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(interval_coverage(rng.normal(size=(4000, 500)), rng.normal(size=500)), 1)
    0.9
    """
    y = np.asarray(y)
    _, draws = _check_draws(y, draws)
    lo, hi = np.quantile(draws, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
    return float(np.mean((y >= lo) & (y <= hi)))
