import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import numpyro  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from helpers import graph  # noqa: E402


def model(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    numpyro.sample("y", dist.Normal(X * w, sigma), obs=y)


X = np.linspace(0, 1, 5)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_without_dot_falls_back_to_matplotlib(monkeypatch):
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    ax = graph.draw_model(model, X, y=np.zeros(5))
    assert isinstance(ax, matplotlib.axes.Axes)
    assert "apt-get install graphviz" in ax.get_title()
    circles = {p.get_gid(): p for p in ax.patches if isinstance(p, Circle)}
    assert set(circles) == {"w", "sigma", "y"}
    assert circles["y"].get_facecolor() != circles["w"].get_facecolor()  # observed shaded
    labels = {t.get_text().split("\n")[0] for t in ax.texts if t.get_text()}
    assert labels == {"w", "sigma", "y"}


def test_fallback_draws_one_arrow_per_edge(monkeypatch):
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    ax = graph.draw_model(model, X, y=np.zeros(5))
    arrows = [c for c in ax.get_children() if isinstance(c, matplotlib.text.Annotation)]
    assert len(arrows) == 2  # w -> y, sigma -> y


def test_relations_mark_observed_site():
    rel = graph.model_relations(model, X, y=np.zeros(5))
    assert rel["observed"] == ["y"]
    assert sorted(rel["sample_sample"]["y"]) == ["sigma", "w"]


def test_without_observed_data_nothing_is_shaded():
    rel = graph.model_relations(model, X)
    assert rel["observed"] == []
    ax = graph.draw_matplotlib(rel)
    colors = {p.get_facecolor() for p in ax.patches if isinstance(p, Circle)}
    assert len(colors) == 1


@pytest.mark.skipif(not graph.has_dot(), reason="Graphviz `dot` not installed")
def test_with_dot_renders_graphviz():
    g = graph.draw_model(model, X, y=np.zeros(5))
    svg = g.pipe(format="svg").decode()
    assert "sigma" in svg and "<svg" in svg
    assert "y [label=y fillcolor=grey" in g.source  # the observed node is shaded
    assert "w [label=w fillcolor=white" in g.source
