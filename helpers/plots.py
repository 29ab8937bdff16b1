"""Plots shared by the notebooks. Each takes an optional ``ax`` and returns the Axes."""

import numpy as np

__all__ = [
    "plot_data",
    "plot_predictive",
    "interval_coverage",
    "overlay_product_curve",
    "plot_rescaling",
    "rescaling_widget",
]


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


def overlay_product_curve(ax, product, label=None, num=400):
    """Draw the curve ``y = product / x`` across ``ax``'s current x-range.

    On a scatter of ``f`` (x axis) against ``w`` (y axis) it traces every pair with
    the same ``f * w``: the ridge an unidentified scale leaves in the posterior.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not np.isfinite(product):
        raise ValueError(f"product must be a finite number, got {product!r}.")
    (x0, x1), ylim = ax.get_xlim(), ax.get_ylim()
    x = np.linspace(x0, x1, num)
    x = np.concatenate([x[x < 0], [np.nan], x[x > 0]])  # NaN: no line across x = 0
    ax.plot(x, product / x, color="C3", lw=1.5, label=label or f"f * w = {product:.4g}")
    ax.set_xlim(x0, x1)
    ax.set_ylim(*ylim)
    ax.legend(loc="best", fontsize=8)
    return ax


def _check_rescaling(X, params):
    X = np.asarray(X)
    missing = [k for k in ("f", "w", "b") if k not in params]
    if missing or X.ndim != 2 or np.shape(params.get("w", ()))[-1:] != X.shape[1:]:
        shapes = {k: np.shape(v) for k, v in params.items()}
        raise ValueError(
            "expected X of shape (n, j) and params with 'f', 'w' (shape (j,)) and 'b'; "
            f"got X {X.shape} and params with shapes {shapes}."
        )
    return X


def plot_rescaling(X, y, params, scales, axes=None):
    """Show that ``(c f, w / c, b / c)`` moves the parameters but not the fitted means.

    Parameters
    ----------
    X : array_like, shape (n, j)
    y : array_like, shape (n,)
    params : dict
        ``f`` (scalar), ``w`` (shape (j,)) and ``b`` (scalar).
    scales : sequence of float
        Non-zero values of ``c``, one bar group and one set of points each.
    axes : pair of matplotlib.axes.Axes, optional

    Returns
    -------
    numpy.ndarray of two Axes
        Left: the parameter values for each ``c``. Right: fitted means against the data;
        the points for every ``c`` coincide.
    """
    import matplotlib.pyplot as plt

    from helpers.identify import rescale

    X = _check_rescaling(X, params)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    labels = ["f"] + [f"w[{i}]" for i in range(X.shape[1])] + ["b"]
    width = 0.8 / max(len(scales), 1)
    for k, c in enumerate(scales):
        p = rescale(params, c)
        values = np.concatenate([[p["f"]], np.ravel(p["w"]), [p["b"]]])
        axes[0].bar(np.arange(len(labels)) + k * width, values, width, label=f"c = {c:g}")
        axes[1].scatter(y, p["f"] * (X @ np.asarray(p["w"]) + p["b"]), s=40 - 10 * k,
                        label=f"c = {c:g}", alpha=0.7)
    axes[0].set_xticks(np.arange(len(labels)) + width * (len(scales) - 1) / 2, labels)
    axes[0].axhline(0, color="black", lw=0.5)
    axes[0].set_title("parameters (c f, w / c, b / c)")
    axes[1].set_xlabel("observed y")
    axes[1].set_ylabel("fitted mean f (X w + b)")
    axes[1].set_title("fitted means: identical for every c")
    for ax in axes:
        ax.legend(fontsize=8)
    return axes


def rescaling_widget(X, y, params, c_min=-3.0, c_max=3.0):
    """A slider for ``c`` that redraws :func:`plot_rescaling`; ``None`` without ipywidgets.

    Without a widget front end (a script, CI, a static HTML export) the returned
    widget cannot display; keep a static :func:`plot_rescaling` figure beside it.

    Returns
    -------
    ipywidgets.interactive or None
    """
    try:
        import ipywidgets
    except ImportError:
        return None
    import matplotlib.pyplot as plt

    _check_rescaling(X, params)

    def draw(c):
        if abs(c) < 1e-3:
            c = 1e-3  # c = 0 is not a rescaling
        plot_rescaling(X, y, params, [1.0, c])
        plt.show()

    slider = ipywidgets.FloatSlider(value=2.0, min=c_min, max=c_max, step=0.1, description="c")
    return ipywidgets.interactive(draw, c=slider)
