"""Simulation-based calibration (SBC): draw a truth from the prior, simulate data, fit, and
count the posterior draws below the truth. That rank is uniform on ``0..L`` (L draws per
fit) when model and sampler are right.

References
----------
Talts, S., Betancourt, M., Simpson, D., Vehtari, A. and Gelman, A. (2018). Validating
Bayesian inference algorithms with simulation-based calibration. arXiv:1804.06788.
"""

import numpy as np

__all__ = ["functional_nuts", "sbc_ranks", "rank_uniformity"]


def functional_nuts(model, *example_args, num_warmup=300, num_samples=500, thinning=5):
    """Build ``fit(rng_key, *model_args)``: NUTS on one data set, as a pure JAX function.

    Unlike ``MCMC.run``, ``jax.jit(jax.vmap(fit))`` compiles one sampler for a batch of
    data sets. ``example_args`` have the shapes ``fit`` will see. One chain from the
    prior median, adapted in warmup; returns constrained draws, every ``thinning``-th.

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

    info = initialize_model(jax.random.PRNGKey(0), model, init_strategy=init_to_median,
                            model_args=example_args, dynamic_args=True)
    init_kernel, sample_kernel = hmc(potential_fn_gen=info.potential_fn, algo="NUTS")

    def fit(rng_key, *model_args):
        state = init_kernel(info.param_info.z, num_warmup, model_args=model_args,
                            rng_key=rng_key)

        def step(state, _):  # one NUTS transition; adapts while state.i < num_warmup
            state = sample_kernel(state, model_args=model_args)
            return state, state.z

        _, zs = jax.lax.scan(step, state, length=num_warmup + num_samples)
        zs = jax.tree.map(lambda z: z[num_warmup::thinning], zs)
        return jax.vmap(info.postprocess_fn(*model_args))(zs)

    return fit


def sbc_ranks(truth, draws):
    """Rank each ``truth[site]`` (R, ...) among its replication's ``draws[site]`` (R, L, ...).

    One row per replication, one column per scalar parameter (e.g. ``w[0]``): the number
    of draws below the truth, 0 to L (Talts et al. 2018, algorithm 1).

    Examples
    --------
    >>> sbc_ranks({"mu": np.array([0.5])}, {"mu": np.array([[0.0, 1.0, 2.0]])})["mu"].tolist()
    [1]
    """
    import pandas as pd

    columns = {}
    for name, t in truth.items():
        t, d = np.asarray(t), np.asarray(draws[name])
        if d.shape[:1] + d.shape[2:] != t.shape:  # e.g. draws (L, R): ranks would be nonsense
            raise ValueError(
                f"draws[{name!r}] must have shape (R, L) + {t.shape[1:]} for truth of shape "
                f"{t.shape}, got {d.shape}. Put replications first, draws second.")
        below = (d < t[:, None]).sum(axis=1).reshape(len(t), -1)
        if t.ndim == 1:
            columns[name] = below[:, 0]
        else:
            columns.update({f"{name}[{i}]": below[:, i] for i in range(below.shape[1])})
    return pd.DataFrame(columns)


def rank_uniformity(ranks, num_draws, bins=10):
    """Chi-square test that :func:`sbc_ranks` are uniform on ``0..num_draws``, per column.

    The ``L + 1`` ranks go into ``bins`` bins, each expecting R times its share of them;
    a small p-value (e.g. < 0.01) says the ranks are not uniform (Talts et al. 2018).

    Examples
    --------
    >>> import pandas as pd
    >>> ranks = pd.DataFrame({"mu": np.arange(100)})
    >>> float(rank_uniformity(ranks, num_draws=99)["mu"])
    1.0
    """
    import pandas as pd
    from scipy import stats

    ranks = pd.DataFrame(ranks)
    lo, hi = ranks.to_numpy().min(), ranks.to_numpy().max()
    if hi > num_draws or lo < 0:
        raise ValueError(f"ranks lie in 0..num_draws, got {lo}..{hi} with num_draws="
                         f"{num_draws}. Pass the number of draws per fit as num_draws.")
    share = np.bincount(np.arange(num_draws + 1) * bins // (num_draws + 1)) / (num_draws + 1)

    def p_value(column):
        counts = np.bincount(column * bins // (num_draws + 1), minlength=bins)
        return stats.chisquare(counts, counts.sum() * share).pvalue

    return pd.Series({c: p_value(ranks[c].to_numpy()) for c in ranks})
