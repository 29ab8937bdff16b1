"""Figures draw what they claim: values read back from the Axes against NumPy/SciPy."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

from helpers.plots import (
    noise_scale_widget,
    overlay_product_curve,
    plot_data,
    plot_noise_scale,
    plot_predictive,
    plot_rank_histogram,
    plot_rescaling,
    rescaling_widget,
)

RNG = np.random.default_rng(0)
X = RNG.normal(size=(30, 1))
Y = 2.0 * X[:, 0] + 1.0 + 0.3 * RNG.normal(size=30)


def test_plot_data_draws_the_points_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_data(X[:, 0], Y, ax=ax) is ax
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), np.column_stack([X[:, 0], Y]))


def test_predictive_band_and_median_are_the_quantiles_sorted_by_x():
    draws = RNG.normal(size=(500, 30)) + Y
    ax = plot_predictive(X[:, 0], draws, y=Y, prob=0.8)
    order = np.argsort(X[:, 0])
    median = ax.lines[0]
    np.testing.assert_allclose(median.get_xdata(), X[order, 0])
    np.testing.assert_allclose(median.get_ydata(), np.median(draws[:, order], axis=0))
    band = ax.collections[0].get_paths()[0].vertices
    top = np.quantile(draws[:, order], 0.9, axis=0)
    assert np.isclose(band[:, 1], top[:, None]).any(axis=1).all()  # every upper edge is drawn
    assert "central 80%" in ax.get_legend_handles_labels()[1][0]
    with pytest.raises(ValueError, match=r"num_draws, 30"):
        plot_predictive(X[:, 0], draws[..., None])


def test_product_curve_keeps_f_times_w_constant():
    _, ax = plt.subplots()
    ax.set_xlim(-2, 3)
    ax.set_ylim(-5, 5)
    overlay_product_curve(ax, -1.5)
    x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    ok = np.isfinite(x)
    np.testing.assert_allclose(x[ok] * y[ok], -1.5)
    assert np.isnan(x).sum() == 1 and ax.get_xlim() == (-2, 3) and ax.get_ylim() == (-5, 5)


def test_rescaling_moves_parameters_but_not_fitted_means():
    params = {"f": 0.5, "w": np.array([2.0, -1.0]), "b": 3.0}
    X2 = RNG.normal(size=(10, 2))
    axes = plot_rescaling(X2, np.zeros(10), params, [1.0, -2.0])
    heights = [[p.get_height() for p in c] for c in axes[0].containers]
    np.testing.assert_allclose(heights, [[0.5, 2.0, -1.0, 3.0], [-1.0, -1.0, 0.5, -1.5]])
    fitted = [c.get_offsets()[:, 1] for c in axes[1].collections]
    np.testing.assert_allclose(fitted[0], 0.5 * (X2 @ params["w"] + 3.0))
    np.testing.assert_allclose(fitted[1], fitted[0])


@pytest.mark.parametrize("num_draws, bins", [(99, 10), (100, 10)])
def test_rank_histogram_bars_are_the_bin_counts_over_the_binomial_band(num_draws, bins):
    ranks = RNG.integers(0, num_draws + 1, size=400)
    ax = plot_rank_histogram(ranks, num_draws, bins=bins, prob=0.99)
    band, bars = ax.containers
    edges = np.arange(bins + 1) * (num_draws + 1) / bins  # bin k: ranks in [edge_k, edge_k+1)
    np.testing.assert_array_equal([p.get_height() for p in bars],
                                  np.histogram(ranks, bins=np.ceil(edges))[0])
    share = np.diff(np.ceil(edges)) / (num_draws + 1)
    lo, hi = stats.binom(400, share).interval(0.99)
    np.testing.assert_allclose([p.get_y() for p in band], lo)
    np.testing.assert_allclose([p.get_y() + p.get_height() for p in band], hi)


def test_noise_scale_curves_are_the_posterior_of_w_and_their_width_follows_the_sd():
    sds = [0.03, 0.3, 3.0]
    ax = plot_noise_scale(X, Y, sds, prior_sd=1e4)
    A = np.column_stack([X, np.ones(30)])
    flat_prior_sd = np.sqrt(np.linalg.inv(A.T @ A)[0, 0])  # posterior sd of w per unit noise sd
    for line, sd in zip(ax.lines, sds, strict=True):
        x, density = line.get_xdata(), line.get_ydata()
        post_sd = 1 / (np.sqrt(2 * np.pi) * density.max())
        np.testing.assert_allclose(post_sd, sd * flat_prior_sd, rtol=1e-3)
        assert abs(x[np.argmax(density)] - np.linalg.lstsq(A, Y, rcond=None)[0][0]) < 0.01 * sd
        assert f"{sd * flat_prior_sd:.2g}" in line.get_label()


@pytest.mark.parametrize("make, new_value", [
    (lambda: noise_scale_widget(X, Y, [0.01, 0.1, 1.0], prior_sd=10.0), 1.0),
    (lambda: rescaling_widget(X, Y, {"f": 1.0, "w": np.array([2.0]), "b": 1.0}), -1.0),
    (lambda: rescaling_widget(X, Y, {"f": 1.0, "w": np.array([2.0]), "b": 1.0}), 0.0),
])
def test_widget_redraws_its_figure_when_the_slider_moves(make, new_value):
    widget = make()
    slider, image = widget.children
    before = bytes(image.value)
    assert before.startswith(b"\x89PNG")
    slider.value = new_value
    assert bytes(image.value).startswith(b"\x89PNG") and bytes(image.value) != before
    assert plt.get_fignums() == []  # the widget's figure is not left open in pyplot
