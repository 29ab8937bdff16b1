"""Helpers for the *Likelihoods in NumPyro* notebooks.

Importing ``helpers`` does no work: each module is imported on its own, e.g.
``from helpers.data import simulate_linear``. Nothing here knows about a particular
notebook.

Modules
-------
data         simulated data sets with known truth
likelihood   per-site log-density accounting and a hand-written Normal log density
shapes       checks that catch broadcast observed sites (the (N, 1) vs (N,) trap)
graph        the model graph, with or without Graphviz
identify     what a likelihood cannot tell apart: rescaling invariance, flat Hessian
             directions, least squares
noise        the scale dist.Normal wants, from a standard deviation, variance or precision
checks       closed-form linear posterior, a jit/vmap-able NUTS fit, SBC ranks and rank
             histograms
exercises    learner copies of notebooks: solution cells replaced by stubs
diagnostics  sampler reports (r_hat, ESS, ESS/s, divergences) and interval checks
costs        what each way of writing a likelihood keeps: density/draw equivalence,
             predictive, log-likelihood and LOO
plots        data and predictive-band plots, interval coverage, rescaling figure/slider and
             product-curve overlay
session      package versions and quiet imports for the notebooks' first cells
"""

__all__ = [
    "data",
    "likelihood",
    "shapes",
    "graph",
    "identify",
    "noise",
    "checks",
    "exercises",
    "diagnostics",
    "costs",
    "plots",
    "session",
]
