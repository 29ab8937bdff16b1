"""Every figure of the notebooks: each takes an optional ``ax`` and returns its Axes."""

import numpy as np

from helpers.linear import conjugate_linear_posterior

__all__ = ["plot_data", "plot_predictive", "overlay_product_curve", "plot_rescaling",
           "rescaling_widget", "plot_rank_histogram", "plot_noise_scale", "noise_scale_widget"]


def _axes(ax, figsize=(6, 3.5)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_data(x, y, ax=None, **kwargs):
    """Scatter ``y`` against one covariate ``x``; ``kwargs`` go to ``ax.scatter``.

    Examples
    --------
    >>> plot_data([0, 1], [1, 2]).get_xlabel()
    'x'
    """
    ax = _axes(ax)
    ax.scatter(x, y, **{"color": "black", "s": 12, "label": "data", "zorder": 3, **kwargs})
    ax.set(xlabel="x", ylabel="y")
    return ax


def plot_predictive(x, draws, y=None, prob=0.9, ax=None, label="predictive", color="C0"):
    """Median line and central ``prob`` band of ``draws`` (num_draws, n) against ``x`` (n,).

    ``draws`` are e.g. ``Predictive(model, samples)(key, X)["y"]``; ``y`` is drawn on top.

    Examples
    --------
    >>> draws = np.random.default_rng(0).normal(size=(100, 3))
    >>> len(plot_predictive([0.0, 1.0, 2.0], draws).lines)
    1
    """
    x, draws = np.asarray(x), np.asarray(draws)
    if draws.shape[1:] != x.shape:  # e.g. (S, n, 1) draws or a transposed array
        raise ValueError(f"draws must have shape (num_draws, {len(x)}), got {draws.shape}.")
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


def overlay_product_curve(ax, product, label=None, num=400):
    """Draw ``y = product / x`` across ``ax``'s x-range: the ridge of pairs with one ``f * w``.

    Examples
    --------
    >>> ax = _axes(None)
    >>> _ = ax.set_xlim(-2, 2)
    >>> len(overlay_product_curve(ax, 1.0).lines)
    1
    """
    (x0, x1), ylim = ax.get_xlim(), ax.get_ylim()
    x = np.linspace(x0, x1, num)
    x = np.concatenate([x[x < 0], [np.nan], x[x > 0]])  # NaN: no line across x = 0
    ax.plot(x, product / x, color="C3", lw=1.5, label=label or f"f * w = {product:.4g}")
    ax.set_xlim(x0, x1)
    ax.set_ylim(*ylim)
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_rescaling(X, y, params, scales, axes=None):
    """Show that ``(c f, w / c, b / c)`` moves the parameters but not the fitted means.

    ``params`` holds ``f``, ``w`` (j,) and ``b`` (e.g. ``data.truth``); ``scales`` the
    non-zero ``c``. Returns two Axes: parameters per ``c``, and fitted means vs data.

    Examples
    --------
    >>> p = {"f": 1.0, "w": np.array([2.0]), "b": 0.5}
    >>> len(plot_rescaling(np.ones((3, 1)), np.ones(3), p, [1.0, 2.0]))
    2
    """
    import matplotlib.pyplot as plt

    X, w = np.asarray(X), np.atleast_1d(params["w"])
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    labels = ["f"] + [f"w[{i}]" for i in range(len(w))] + ["b"]
    width = 0.8 / len(scales)
    for k, c in enumerate(scales):
        f, wc, b = params["f"] * c, w / c, params["b"] / c
        axes[0].bar(np.arange(len(labels)) + k * width, [f, *wc, b], width, label=f"c = {c:g}")
        axes[1].scatter(y, f * (X @ wc + b), s=40 - 10 * k, label=f"c = {c:g}", alpha=0.7)
    axes[0].set_xticks(np.arange(len(labels)) + width * (len(scales) - 1) / 2, labels)
    axes[0].axhline(0, color="black", lw=0.5)
    axes[0].set_title("parameters (c f, w / c, b / c)")
    axes[1].set(xlabel="observed y", ylabel="fitted mean f (X w + b)",
                title="fitted means: identical for every c")
    for ax in axes:
        ax.legend(fontsize=8)
    return axes


def _slider_figure(draw, slider, figsize):
    """``slider`` above a PNG of one figure that ``draw(fig, value)`` redraws."""
    import io

    import ipywidgets
    from matplotlib.figure import Figure

    fig, image = Figure(figsize=figsize), ipywidgets.Image(format="png")

    def update(change=None):
        fig.clear()
        draw(fig, slider.value)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        image.value = buffer.getvalue()

    slider.observe(update, names="value")
    update()
    return ipywidgets.VBox([slider, image])


def rescaling_widget(X, y, params, c_min=-3.0, c_max=3.0):
    """An ``ipywidgets.VBox``: a slider for ``c`` redrawing :func:`plot_rescaling` for 1 and ``c``.

    Without a widget front end it shows nothing: keep a static figure beside it.

    Examples
    --------
    >>> p = {"f": 1.0, "w": np.array([2.0]), "b": 0.5}
    >>> type(rescaling_widget(np.ones((3, 1)), np.ones(3), p)).__name__
    'VBox'
    """
    import ipywidgets

    def draw(fig, c):
        c = c if abs(c) >= 1e-3 else 1e-3  # c = 0 is not a rescaling
        plot_rescaling(X, y, params, [1.0, c], axes=fig.subplots(1, 2))

    slider = ipywidgets.FloatSlider(value=2.0, min=c_min, max=c_max, step=0.1, description="c")
    return _slider_figure(draw, slider, (10, 3.5))


def plot_rank_histogram(ranks, num_draws, bins=10, prob=0.99, ax=None, **kwargs):
    """Histogram of SBC ranks (one :func:`helpers.sbc.sbc_ranks` column, in ``0..num_draws``).

    Uniform ranks put each bin count in its grey band with probability ``prob``
    (central interval of Binomial(R, the bin's share of ranks); Talts et al. 2018).

    Examples
    --------
    >>> ax = plot_rank_histogram(np.arange(100), num_draws=99)
    >>> [p.get_height() for p in ax.patches[-10:]] == [10] * 10
    True
    """
    from scipy import stats

    ranks = np.asarray(ranks)
    counts = np.bincount(ranks * bins // (num_draws + 1), minlength=bins)
    share = np.bincount(np.arange(num_draws + 1) * bins // (num_draws + 1)) / (num_draws + 1)
    lo, hi = stats.binom(len(ranks), share).interval(prob)
    ax = _axes(ax)
    ax.bar(np.arange(bins), hi - lo, bottom=lo, width=1.0, color="0.85",
           label=f"uniform: {prob:.0%} band")
    ax.bar(np.arange(bins), counts, width=0.7, **{"color": "C0", **kwargs})
    ax.set(xlabel=f"rank bin (of {num_draws + 1} ranks)", ylabel="replications")
    return ax


def _w0_posterior(X, y, prior_sd, sd):
    mean, cov = conjugate_linear_posterior(X, y, prior_sd, sd)
    return mean[0], np.sqrt(cov[0, 0])


def plot_noise_scale(X, y, sd, prior_sd, ax=None):
    """Exact posterior of ``w[0]`` when the noise sd is *assumed* to be ``sd`` (one or several).

    Normal(0, ``prior_sd``) priors (:func:`helpers.linear.conjugate_linear_posterior`):
    its width follows the assumed sd, not the data's scatter.

    Examples
    --------
    >>> data_X, data_y = np.arange(5.0)[:, None], np.arange(5.0)
    >>> len(plot_noise_scale(data_X, data_y, [0.1, 1.0], prior_sd=10.0).lines)
    2
    """
    from scipy import stats

    ax = _axes(ax)
    for s in np.atleast_1d(sd):
        mean, post_sd = _w0_posterior(X, y, prior_sd, s)
        grid = np.linspace(mean - 4 * post_sd, mean + 4 * post_sd, 401)
        ax.plot(grid, stats.norm.pdf(grid, mean, post_sd),
                label=f"assumed noise sd {s:g}: posterior sd of w[0] = {post_sd:.2g}")
    ax.set(xlabel="w[0]", ylabel="posterior density")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def noise_scale_widget(X, y, sds, prior_sd):
    """An ``ipywidgets.VBox``: a slider over noise sds ``sds`` redrawing :func:`plot_noise_scale`.

    The x-range stays that of the largest sd. Without a widget front end it shows
    nothing: keep a static ``plot_noise_scale(X, y, sds, prior_sd)`` beside it.

    Examples
    --------
    >>> data_X, data_y = np.arange(5.0)[:, None], np.arange(5.0)
    >>> type(noise_scale_widget(data_X, data_y, [0.1, 1.0], prior_sd=10.0)).__name__
    'VBox'
    """
    import ipywidgets

    mean, post_sd = _w0_posterior(X, y, prior_sd, max(sds))

    def draw(fig, sd):
        plot_noise_scale(X, y, sd, prior_sd, ax=fig.subplots()).set_xlim(
            mean - 4 * post_sd, mean + 4 * post_sd)

    slider = ipywidgets.SelectionSlider(options=list(sds), value=sds[len(sds) // 2],
                                        description="noise sd")
    return _slider_figure(draw, slider, (6, 3.5))
