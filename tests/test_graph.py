"""draw_model: Graphviz's graph when `dot` is on PATH, the sites as text when it is not."""

import os
import shutil
import sys
from pathlib import Path

import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest

from helpers.graph import draw_model

X = np.linspace(0, 1, 5)


def model(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 1.0).expand([2]).to_event(1))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    numpyro.sample("y", dist.Normal(X * w[0] + w[1], sigma), obs=y)


@pytest.fixture
def dot_on_path(monkeypatch):
    venv_bin = Path(sys.executable).parent  # make venv links graphviz-pure's dot here
    monkeypatch.setenv("PATH", f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    if shutil.which("dot") is None:
        pytest.skip("no Graphviz dot installed (make venv links one into .venv/bin)")


def node(svg, name):
    return svg.split(f"<title>{name}</title>")[1].split("</g>")[0]


def test_with_dot_renders_every_site_and_shades_the_observed_one(dot_on_path):
    svg = draw_model(model, X, y=np.zeros(5)).pipe(format="svg").decode()
    assert 'fill="grey"' in node(svg, "y") and 'fill="white"' in node(svg, "sigma")
    assert "<title>w&#45;&gt;y</title>" in svg and "<title>sigma&#45;&gt;y</title>" in svg
    assert "y ~ Normal" in svg and "sigma ~ HalfNormal" in svg

    def height(name):  # SVG y grows downwards: parents sit above their child
        return float(node(svg, name).split('cy="')[1].split('"')[0])

    assert height("w") < height("y") and height("sigma") < height("y")


def test_without_dot_lists_the_sites_and_their_shapes(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no dot anywhere
    text = draw_model(model, X, y=np.zeros(5))
    first, *rest = str(text).splitlines()
    assert "install Graphviz" in first
    dist_rows = {line.split()[0]: line.split("dist")[1] for line in rest if " dist " in line}
    assert set(dist_rows) == {"w", "sigma", "y"}
    assert dist_rows["w"].split() == ["|", "2"]    # event shape 2
    assert dist_rows["y"].split() == ["5", "|"]    # batch shape 5
    assert repr(text) == str(text)  # shown as lines in a notebook, not as a quoted string
