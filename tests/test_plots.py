import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from helpers.plots import (  # noqa: E402
    interval_coverage,
    overlay_product_curve,
    plot_data,
    plot_predictive,
    plot_rescaling,
    rescaling_widget,
)

RNG = np.random.default_rng(1)
X = np.linspace(-2, 2, 30)
DRAWS = X + RNG.normal(size=(500, 30))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_data_returns_given_axes():
    _, ax = plt.subplots()
    assert plot_data(X, X, ax=ax) is ax
    assert ax.collections[0].get_offsets().shape == (30, 2)


def test_plot_predictive_band_brackets_median():
    ax = plot_predictive(X, DRAWS, y=X, prob=0.8)
    band = ax.collections[0].get_paths()[0].vertices
    median = ax.lines[0].get_ydata()
    assert band[:, 1].min() < median.min() and band[:, 1].max() > median.max()
    assert len(ax.collections) == 2  # band + data points
    assert "central 80%" in ax.get_legend_handles_labels()[1][0]


def test_plot_predictive_rejects_transposed_draws():
    with pytest.raises(ValueError, match=r"shape \(num_draws, n\).*got \(30, 500\)"):
        plot_predictive(X, DRAWS.T)


def test_plot_data_rejects_column_y():
    with pytest.raises(ValueError, match=r"got \(30,\) and \(30, 1\)"):
        plot_data(X, X[:, None])


@pytest.mark.parametrize("prob", [0, 1, 1.5])
def test_plot_predictive_rejects_bad_prob(prob):
    with pytest.raises(ValueError, match="prob must lie in"):
        plot_predictive(X, DRAWS, prob=prob)


@given(prob=st.floats(0.1, 0.9))
def test_coverage_matches_prob_for_calibrated_draws(prob):
    rng = np.random.default_rng(0)
    draws, y = rng.normal(size=(2000, 400)), rng.normal(size=400)
    assert abs(interval_coverage(draws, y, prob) - prob) < 0.1


def test_coverage_of_too_narrow_draws_is_low():
    rng = np.random.default_rng(0)
    assert interval_coverage(0.1 * rng.normal(size=(2000, 400)), rng.normal(size=400)) < 0.2


def test_overlay_product_curve_follows_hyperbola():
    _, ax = plt.subplots()
    ax.set_xlim(0.2, 2.0)
    ax.set_ylim(-10, 0)
    overlay_product_curve(ax, -2.0)
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose((x * y)[~np.isnan(x)], -2.0)
    assert ax.get_xlim() == (0.2, 2.0)


def test_overlay_product_curve_rejects_nan():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="product must be a finite number"):
        overlay_product_curve(ax, float("nan"))


PARAMS = {"f": 0.5, "w": np.array([1.0, -2.0]), "b": 3.0}
XX = RNG.normal(size=(20, 2))
YY = 0.5 * (XX @ PARAMS["w"] + 3.0)


def test_plot_rescaling_fitted_means_coincide():
    axes = plot_rescaling(XX, YY, PARAMS, [1.0, -1.0, 4.0])
    fitted = [np.asarray(c.get_offsets())[:, 1] for c in axes[1].collections]
    for other in fitted[1:]:
        np.testing.assert_allclose(other, fitted[0], rtol=1e-10)
    heights = [bar.get_height() for bar in axes[0].patches]
    assert heights[:4] == [0.5, 1.0, -2.0, 3.0] and heights[4] == -0.5  # c = -1 flips f


def test_plot_rescaling_rejects_mismatched_weights():
    with pytest.raises(ValueError, match=r"X of shape \(n, j\).*X \(20, 3\)"):
        plot_rescaling(RNG.normal(size=(20, 3)), YY, PARAMS, [1.0])


def test_rescaling_widget_has_a_c_slider():
    widget = rescaling_widget(XX, YY, PARAMS)
    slider = widget.children[0]
    assert slider.description == "c" and slider.min == -3.0 and slider.max == 3.0


def test_overlay_product_curve_does_not_join_the_branches():
    _, ax = plt.subplots()
    ax.set_xlim(-2.0, 2.0)
    overlay_product_curve(ax, 1.0)
    x, _ = ax.lines[0].get_data()
    assert np.isnan(x).sum() == 1 and not np.any(x[~np.isnan(x)] == 0)
