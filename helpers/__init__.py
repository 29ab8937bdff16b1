"""Helpers for the *Likelihoods in NumPyro* notebooks.

Importing ``helpers`` does no work: each module is imported on its own, e.g.
``from helpers.data import simulate_linear``. Nothing here knows about a particular
notebook.

Modules
-------
data         simulated data sets with known truth (keys are the models' site names)
sites        the sites of a model: a NUTS-style trace, each site's role and log density,
             the shape rule (value shape vs batch_shape + event_shape)
diagnostics  fit a model with NUTS and report r_hat, ESS, ESS/s, divergences, tree depth;
             truth inside intervals, interval coverage
linear       design matrix, least squares, the conjugate posterior of a linear model
sbc          simulation-based calibration: a jit/vmap-able NUTS fit, ranks, uniformity
noise        the Normal log density written out, and the scale dist.Normal wants
identify     flat directions of the likelihood at its maximum (Hessian eigenvectors)
plots        data, predictive bands, rescaling and noise-scale figures and sliders, rank
             histograms
graph        the model graph with Graphviz, or its sites as text
session      package versions for a notebook's last cell
counts       binary and count data with known truth, posterior predictive statistics
doctor       examine(model, *args, **kwargs): every check of the course on your own model
check_env    is this environment the one the notebooks expect? (python -m helpers.check_env)
exercises    check(id, **answers) and hint(id): exercises that answer back
"""

__all__ = [
    "data",
    "sites",
    "diagnostics",
    "linear",
    "sbc",
    "noise",
    "identify",
    "plots",
    "graph",
    "session",
    "counts",
    "doctor",
    "check_env",
    "exercises",
]
