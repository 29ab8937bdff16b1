"""Draw a model's graph with ``numpyro.render_model``, or list its sites without Graphviz.

``make venv`` links a pip-installed ``dot`` (graphviz-pure) into ``.venv/bin`` when the
system has none.
"""

import shutil

__all__ = ["draw_model"]

INSTALL_HINT = ("Graphviz's `dot` is not on PATH, so here are the model's sites as text; for "
                "the graph install Graphviz (apt-get install graphviz, conda install -c "
                "conda-forge graphviz, brew install graphviz) or run `make venv`.")


class _Text(str):
    """A string that a notebook displays as plain lines, not as a quoted repr."""

    def __repr__(self):
        return str(self)


def draw_model(model, *args, **kwargs):
    """Draw a NumPyro model's graph; never fails because Graphviz is missing.

    ``*args, **kwargs`` are the model's (pass the data, so observed nodes are shaded).
    Returns ``numpyro.render_model``'s graph when ``dot`` is on PATH (``render_model``
    would fail only when the graph is displayed); otherwise one line on installing
    Graphviz and the sites' shapes from ``numpyro.util.format_shapes``.

    Examples
    --------
    >>> import numpyro, numpyro.distributions as dist
    >>> def model(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0, 1))
    ...     numpyro.sample("y", dist.Normal(mu, 1), obs=y)
    >>> "mu" in str(draw_model(model, y=0.0))
    True
    """
    import numpyro
    from numpyro.util import format_shapes

    if shutil.which("dot"):
        return numpyro.render_model(model, model_args=args, model_kwargs=kwargs,
                                    render_distributions=True)
    trace = numpyro.handlers.trace(numpyro.handlers.seed(model, 0)).get_trace(*args, **kwargs)
    return _Text(f"{INSTALL_HINT}\n{format_shapes(trace)}")
