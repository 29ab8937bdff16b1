"""Draw a model's graph, with Graphviz when it is installed and matplotlib when not.

``numpyro.render_model`` needs the ``graphviz`` Python package *and* Graphviz's
``dot`` program; without ``dot`` it fails only when the graph is displayed. This
module checks first and falls back to a plain matplotlib drawing.
"""

import shutil

__all__ = ["has_dot", "model_relations", "draw_matplotlib", "draw_model"]

INSTALL_HINT = (
    "Graphviz's `dot` was not found, so this is a matplotlib sketch; for the full "
    "graph install it (Debian/Ubuntu: apt-get install graphviz; conda: conda install "
    "-c conda-forge graphviz; macOS: brew install graphviz)."
)


def has_dot():
    """Return True when Graphviz's ``dot`` program is on the PATH."""
    return shutil.which("dot") is not None


def model_relations(model, *args, **kwargs):
    """Return NumPyro's parent/child relations for ``model`` called with the arguments.

    A thin wrapper around ``numpyro.infer.inspect.get_model_relations``; the dict has
    ``sample_sample`` (each site's parents), ``sample_dist`` and ``observed``.
    """
    from numpyro.infer.inspect import get_model_relations

    return get_model_relations(model, model_args=args, model_kwargs=kwargs)


def _layers(parents):
    depth = {}

    def visit(name):
        if name not in depth:
            depth[name] = 1 + max((visit(p) for p in parents[name]), default=-1)
        return depth[name]

    for name in parents:
        visit(name)
    layers = {}
    for name, d in depth.items():
        layers.setdefault(d, []).append(name)
    return layers


def _positions(parents):
    layers = _layers(parents)
    pos = {}
    for d, names in layers.items():
        for i, name in enumerate(names):
            pos[name] = (i - (len(names) - 1) / 2, -d)
    return pos


def draw_matplotlib(relations, ax=None):
    """Draw the graph in ``relations`` with matplotlib; observed nodes are shaded.

    Parameters
    ----------
    relations : dict
        As returned by :func:`model_relations`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        With one ``Circle`` patch per site (grey for observed sites) and the site
        names as texts.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    parents = relations["sample_sample"]
    observed = set(relations["observed"])
    pos = _positions(parents)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 * max(3, len(pos)), 3))
    for child, ps in parents.items():
        for p in ps:
            ax.annotate(
                "", xy=pos[child], xytext=pos[p],
                arrowprops={"arrowstyle": "->", "shrinkA": 18, "shrinkB": 18},
            )
    for name, (x, y) in pos.items():
        color = "0.75" if name in observed else "white"
        ax.add_patch(Circle((x, y), 0.3, facecolor=color, edgecolor="black", gid=name))
        label = f"{name}\n{relations['sample_dist'].get(name, '')}"
        ax.text(x, y, label, ha="center", va="center", fontsize=8)
    xs = [x for x, _ in pos.values()] or [0]
    ys = [y for _, y in pos.values()] or [0]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_model(model, *args, **kwargs):
    """Draw a NumPyro model's graph; never fails because Graphviz is missing.

    Parameters
    ----------
    model : callable
        A NumPyro model.
    *args, **kwargs
        Passed to the model (include the observed data so observed nodes are shaded).

    Returns
    -------
    graphviz.Digraph or matplotlib.axes.Axes
        ``numpyro.render_model``'s graph when ``dot`` is installed; otherwise a
        matplotlib drawing of the same graph, titled with how to install Graphviz.

    Examples
    --------
    >>> import numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu, 1), obs=y)
    >>> graph = draw_model(model, y=0.0)
    """
    if has_dot():
        import numpyro

        return numpyro.render_model(
            model, model_args=args, model_kwargs=kwargs, render_distributions=True
        )
    ax = draw_matplotlib(model_relations(model, *args, **kwargs))
    ax.set_title(INSTALL_HINT, fontsize=7, wrap=True)
    return ax
