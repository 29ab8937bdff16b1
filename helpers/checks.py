"""Checks that a likelihood is right: closed-form posteriors and simulation-based calibration.

``conjugate_linear_posterior`` gives the exact Gaussian posterior of a linear model with
known noise and Normal priors, to hold MCMC against. ``functional_nuts`` builds a pure
function ``fit(rng_key, *model_args)`` that runs NUTS on one data set, so that
``jax.jit(jax.vmap(fit))`` fits many data sets in one compiled call. ``sbc_ranks``,
``rank_uniformity`` and ``plot_rank_histogram`` turn those fits into simulation-based
calibration (SBC): the rank of the true value among the posterior draws is uniform when
the model and the sampler are right.
"""

import numpy as np

from helpers._validate import positive_float, positive_int

__all__ = [
    "conjugate_linear_posterior",
    "functional_nuts",
    "sbc_ranks",
    "rank_uniformity",
    "plot_rank_histogram",
]


def _design(X, y):
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(
            f"X must have shape (n, j) and y shape (n,), got {X.shape} and {y.shape}. "
            "Pass a 2-D X (e.g. x[:, None]) and a flat y (e.g. y.ravel())."
        )
    return np.column_stack([X, np.ones(len(y))]), y


def conjugate_linear_posterior(X, y, prior_sd, noise_sd):
    """Exact posterior of ``y ~ Normal(X @ w + b, noise_sd)`` with ``w, b ~ Normal(0, prior_sd)``.

    Parameters
    ----------
    X : array_like, shape (n, j)
    y : array_like, shape (n,)
    prior_sd : float
        Prior sd of every weight and of the intercept, > 0.
    noise_sd : float or array_like of shape (n,)
        Known noise sd: one for all points, or one per point; all > 0.

    Returns
    -------
    mean : ndarray, shape (j + 1,)
        Posterior mean of ``(w_1, ..., w_j, b)``.
    cov : ndarray, shape (j + 1, j + 1)
        Posterior covariance, in the same order.

    Examples
    --------
    >>> mean, cov = conjugate_linear_posterior([[0.0], [1.0]], [1.0, 2.0], 10.0, 1e-3)
    >>> np.round(mean, 3)
    array([1., 1.])
    """
    A, y = _design(X, y)
    prior_sd = positive_float("prior_sd", prior_sd)
    noise_sd = np.broadcast_to(np.asarray(noise_sd, dtype=np.float64), y.shape)
    if not np.all(np.isfinite(noise_sd) & (noise_sd > 0)):
        raise ValueError("noise_sd must be finite and > 0 (a scalar or one per point).")
    precision = A.T @ (A / noise_sd[:, None] ** 2) + np.eye(A.shape[1]) / prior_sd**2
    cov = np.linalg.inv(precision)
    return cov @ (A.T @ (y / noise_sd**2)), cov


def functional_nuts(model, *example_args, num_warmup=300, num_samples=500, thinning=5):
    """Build ``fit(rng_key, *model_args)``: NUTS on one data set, as a pure JAX function.

    ``MCMC.run`` is a Python method that compiles its sampler on every call. This
    function is built once from NumPyro's functional NUTS
    (``numpyro.infer.hmc.hmc``), so ``jax.jit(jax.vmap(fit))`` compiles one sampler
    and runs it on a whole batch of data sets.

    Parameters
    ----------
    model : callable
        A NumPyro model; its arguments are the ``model_args`` passed to ``fit``.
    *example_args
        Model arguments with the shapes ``fit`` will see (used to find the sites).
    num_warmup, num_samples : int
        Adaptation and sampling iterations, one chain (step size and diagonal mass
        matrix are adapted during warmup).
    thinning : int
        Keep every ``thinning``-th draw: ``num_samples // thinning`` draws per fit.

    Returns
    -------
    callable
        ``fit(rng_key, *model_args) -> dict`` of constrained draws, leading axis =
        draws. Every replication starts at the same initial point (the prior median).

    Examples
    --------
    >>> import jax, numpyro, numpyro.distributions as dist
    >>> def m(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    ...     numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)
    >>> y = jax.numpy.zeros(3)
    >>> fit = functional_nuts(m, y, num_warmup=50, num_samples=20, thinning=2)
    >>> fit(jax.random.PRNGKey(0), y)["mu"].shape
    (10,)
    """
    import jax
    from numpyro.infer import init_to_median
    from numpyro.infer.hmc import hmc
    from numpyro.infer.util import initialize_model

    num_warmup = positive_int("num_warmup", num_warmup, minimum=0)
    num_samples, thinning = positive_int("num_samples", num_samples), positive_int(
        "thinning", thinning)
    info = initialize_model(jax.random.PRNGKey(0), model, init_strategy=init_to_median,
                            model_args=example_args, dynamic_args=True)
    init_kernel, sample_kernel = hmc(potential_fn_gen=info.potential_fn, algo="NUTS")

    def fit(rng_key, *model_args):
        state = init_kernel(info.param_info.z, num_warmup, model_args=model_args,
                            rng_key=rng_key)

        def step(state, _):  # one NUTS transition; adapts while state.i < num_warmup
            state = sample_kernel(state, model_args=model_args)
            return state, state.z

        _, zs = jax.lax.scan(step, state, None, length=num_warmup + num_samples)
        zs = jax.tree.map(lambda z: z[num_warmup::thinning], zs)
        return jax.vmap(info.postprocess_fn(*model_args))(zs)

    return fit


def _flat_columns(name, array, lead):
    array = np.asarray(array)
    if array.ndim < lead:
        raise ValueError(f"{name} has shape {array.shape}, expected at least {lead} axes.")
    flat = array.reshape(*array.shape[:lead], -1)
    if array.ndim == lead:
        return {name: flat[..., 0]}
    return {f"{name}[{i}]": flat[..., i] for i in range(flat.shape[-1])}


def sbc_ranks(truth, draws):
    """Rank each true value among its replication's posterior draws.

    Parameters
    ----------
    truth : dict of array, each of shape (R, ...)
        The parameter values each data set was simulated from (R replications).
    draws : dict of array, each of shape (R, L, ...)
        L posterior draws per replication, same site names and trailing shapes.

    Returns
    -------
    pandas.DataFrame
        R rows, one int column per scalar parameter (``w[0]`` for element 0 of a
        vector site): the number of draws below the truth, between 0 and L.
        ``attrs["num_draws"]`` holds L.

    Examples
    --------
    >>> sbc_ranks({"mu": np.array([0.5])}, {"mu": np.array([[0.0, 1.0, 2.0]])})["mu"].tolist()
    [1]
    """
    import pandas as pd

    missing = sorted(set(truth) - set(draws))
    if missing:
        raise ValueError(f"truth has sites {missing} that draws lacks; draws has {list(draws)}.")
    columns, num_draws = {}, set()
    for name in truth:
        t, d = np.asarray(truth[name]), np.asarray(draws[name])
        if d.ndim != t.ndim + 1 or d.shape[0] != t.shape[0] or d.shape[2:] != t.shape[1:]:
            raise ValueError(
                f"draws[{name!r}] must have shape (R, L) + truth's trailing shape, i.e. "
                f"({t.shape[0]}, L, *{t.shape[1:]}), got {d.shape} for truth {t.shape}."
            )
        num_draws.add(d.shape[1])
        below = (d < np.expand_dims(t, 1)).sum(axis=1)
        columns.update(_flat_columns(name, below, 1))
    if len(num_draws) > 1:
        raise ValueError(f"every site needs the same number of draws, got {sorted(num_draws)}.")
    out = pd.DataFrame(columns)
    out.attrs["num_draws"] = num_draws.pop()
    return out


def _bin_counts(ranks, num_draws, bins):
    ranks = np.asarray(ranks)
    if (num_draws + 1) % bins:
        raise ValueError(
            f"ranks take num_draws + 1 = {num_draws + 1} values, which do not split into "
            f"{bins} equal bins. Use a number of draws L with L + 1 divisible by bins "
            "(e.g. 99 draws and 10 or 20 bins)."
        )
    if ranks.ndim != 1 or ranks.min() < 0 or ranks.max() > num_draws:
        raise ValueError(f"ranks must be a 1-D array of ints in [0, {num_draws}].")
    return np.bincount(ranks * bins // (num_draws + 1), minlength=bins)


def rank_uniformity(ranks, num_draws=None, bins=10):
    """Chi-square test that SBC ranks are uniform, one p-value per parameter.

    Parameters
    ----------
    ranks : pandas.DataFrame
        From :func:`sbc_ranks`.
    num_draws : int, optional
        L, the number of posterior draws per replication; ``ranks.attrs["num_draws"]``
        by default.
    bins : int
        Ranks are counted in ``bins`` equal bins; ``num_draws + 1`` must divide evenly.

    Returns
    -------
    pandas.Series
        p-value per parameter: small (e.g. < 0.01) means the ranks are not uniform.

    Examples
    --------
    >>> import pandas as pd
    >>> ranks = pd.DataFrame({"mu": np.arange(100) % 100})
    >>> float(rank_uniformity(ranks, num_draws=99)["mu"])
    1.0
    """
    import pandas as pd
    from scipy import stats

    if not isinstance(ranks, pd.DataFrame):
        raise ValueError(f"ranks must be the DataFrame sbc_ranks returns, got {type(ranks)}.")
    num_draws = num_draws or ranks.attrs.get("num_draws")
    if num_draws is None:
        raise ValueError("ranks carries no attrs['num_draws']: pass num_draws=L (draws per fit).")
    num_draws = positive_int("num_draws", num_draws)
    bins = positive_int("bins", bins, minimum=2)
    p = {c: stats.chisquare(_bin_counts(ranks[c], num_draws, bins)).pvalue for c in ranks}
    return pd.Series(p, name="p_value", dtype=float)


def plot_rank_histogram(ranks, num_draws, bins=10, prob=0.99, ax=None, **kwargs):
    """Histogram of SBC ranks with the band a uniform histogram stays in.

    Parameters
    ----------
    ranks : array_like of int, shape (R,)
        One column of :func:`sbc_ranks`.
    num_draws : int
        L, the number of posterior draws per replication.
    bins : int
        Number of equal bins (``num_draws + 1`` must divide evenly).
    prob : float
        Each bin count of uniform ranks lies in the grey band with this probability
        (Binomial(R, 1 / bins) central interval).
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from scipy import stats

    from helpers.plots import _axes

    num_draws = positive_int("num_draws", num_draws)
    counts = _bin_counts(ranks, num_draws, positive_int("bins", bins, minimum=2))
    if not 0 < prob < 1:
        raise ValueError(f"prob must lie in (0, 1), got {prob!r}.")
    ax = _axes(ax)
    lo, hi = stats.binom(counts.sum(), 1 / bins).interval(prob)
    ax.axhspan(lo, hi, color="0.85", label=f"uniform: {prob:.0%} band")
    ax.axhline(counts.sum() / bins, color="0.5", lw=1)
    ax.bar(np.arange(bins), counts, width=0.9, **{"color": "C0", **kwargs})
    ax.set_xlabel(f"rank bin (of {num_draws + 1} ranks)")
    ax.set_ylabel("replications")
    return ax
