import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from helpers.plots import interval_coverage, plot_data, plot_predictive  # noqa: E402

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
