"""Fit, time and check MCMC runs: r_hat, ESS, ESS per second, divergences, truth recovery."""

import time
from typing import NamedTuple

import numpy as np

__all__ = ["fit", "sampler_report", "posterior_float64", "truth_in_interval",
           "interval_coverage"]

EXTRA_FIELDS = ("diverging", "num_steps")


class Fit(NamedTuple):
    """What :func:`fit` returns: the MCMC object, its report row, and the seconds."""

    mcmc: object
    report: object
    seconds: float


def fit(model, rng_key, *args, mcmc_kwargs=None, nuts_kwargs=None, name=None, **kwargs):
    """Run NUTS on ``model(*args, **kwargs)``, time it, and report on it.

    ``mcmc_kwargs`` override ``num_warmup=500, num_samples=1000, progress_bar=False``;
    ``nuts_kwargs`` go to NUTS, ``name`` labels the report row. Returns
    ``Fit(mcmc, report, seconds)``: the :func:`sampler_report` row, compilation timed.

    Examples
    --------
    >>> import jax, numpyro, numpyro.distributions as dist
    >>> def m(y=None):
    ...     mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    ...     numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)
    >>> mcmc, report, seconds = fit(m, jax.random.PRNGKey(0), y=0.5,
    ...                             mcmc_kwargs={"num_warmup": 100, "num_samples": 100})
    >>> mcmc.get_samples()["mu"].shape, list(report.index)
    ((100,), ['run'])
    """
    import jax
    from numpyro.infer import MCMC, NUTS

    options = {"num_warmup": 500, "num_samples": 1000, "progress_bar": False,
               **(mcmc_kwargs or {})}
    mcmc = MCMC(NUTS(model, **(nuts_kwargs or {})), **options)
    start = time.perf_counter()
    mcmc.run(rng_key, *args, extra_fields=EXTRA_FIELDS, **kwargs)
    jax.block_until_ready(mcmc.get_samples())
    seconds = time.perf_counter() - start
    return Fit(mcmc, sampler_report(mcmc, seconds, name=name), seconds)


def posterior_float64(mcmc, var_names=None):
    """The draws as float64 arrays ``(chain, draw, ...)`` by site (float32 summaries mislead).

    Examples
    --------
    >>> import jax, numpyro, numpyro.distributions as dist
    >>> run = fit(lambda: numpyro.sample("mu", dist.Normal()), jax.random.PRNGKey(0))
    >>> posterior_float64(run.mcmc, "mu")["mu"].dtype, run.report["divergences"].item()
    (dtype('float64'), 0)
    """
    samples = mcmc.get_samples(group_by_chain=True)
    names = [var_names] if isinstance(var_names, str) else var_names or list(samples)
    return {n: np.asarray(samples[n], dtype=np.float64) for n in names}


def sampler_report(mcmc, seconds, name=None, var_names=None):
    """Summarise one MCMC run (with ``extra_fields=("diverging", "num_steps")``) in one row.

    Columns: ``r_hat_max`` and ``ess_bulk_min`` (ArviZ's rank-normalised estimators,
    Vehtari et al. 2021, over the sites ``var_names``, in float64; one chain is split in
    two halves), ``ess_per_s``, ``divergences``, ``pct_max_tree_depth`` (percent of draws
    cut at NUTS's depth limit) and ``seconds``; the row is labelled ``name`` or "run".

    Examples
    --------
    >>> import jax, numpyro, numpyro.distributions as dist
    >>> from numpyro.infer import MCMC, NUTS
    >>> mcmc = MCMC(NUTS(lambda: numpyro.sample("mu", dist.Normal())), num_warmup=100,
    ...             num_samples=200, progress_bar=False)
    >>> mcmc.run(jax.random.PRNGKey(0), extra_fields=("diverging", "num_steps"))
    >>> sampler_report(mcmc, 1.0)["divergences"].item()
    0
    """
    import arviz as az
    import pandas as pd

    extra = mcmc.get_extra_fields()
    if not set(EXTRA_FIELDS) <= set(extra):
        raise ValueError(
            f"the run has extra fields {sorted(extra)}, not {list(EXTRA_FIELDS)}: run it with "
            'mcmc.run(key, ..., extra_fields=("diverging", "num_steps")) or use fit().')
    draws = posterior_float64(mcmc, var_names)
    if mcmc.num_chains == 1:  # r_hat needs two chains: compare the run's two halves
        half = mcmc.num_samples // 2
        draws = {k: v[:, : 2 * half].reshape(2, half, *v.shape[2:]) for k, v in draws.items()}
    dataset = az.convert_to_dataset(draws)
    ess = float(az.ess(dataset, method="bulk").to_array().min())
    depth = getattr(mcmc.sampler, "_max_tree_depth", 10)  # NUTS keeps it there
    depth = depth[-1] if isinstance(depth, tuple) else depth  # (warmup, sampling) pair
    row = {
        "r_hat_max": float(az.rhat(dataset).to_array().max()),
        "ess_bulk_min": ess,
        "ess_per_s": ess / seconds,
        "divergences": int(np.sum(extra["diverging"])),
        "pct_max_tree_depth": 100.0 * float(np.mean(extra["num_steps"] >= 2**depth - 1)),
        "seconds": float(seconds),
    }
    return pd.DataFrame([row], index=[name or "run"])


def truth_in_interval(samples, truth, prob=0.94):
    """Check known values ``truth`` (e.g. ``data.truth``) against HDIs of ``samples``.

    Names that are not sites of ``samples`` are skipped. Returns one row per scalar
    parameter: ``param``, ``truth``, ``lower``, ``upper``, ``inside``.

    Examples
    --------
    >>> draws = {"mu": np.random.default_rng(0).normal(size=2000)}
    >>> truth_in_interval(draws, {"mu": 0.0, "f": 1.0})[["param", "inside"]].values.tolist()
    [['mu', True]]
    """
    import arviz as az
    import pandas as pd

    names = [name for name in truth if name in samples]
    if not names:
        raise ValueError(f"no name of truth {list(truth)} is a site of samples {list(samples)}.")
    rows = []
    for name in names:
        draws = np.asarray(samples[name], dtype=np.float64)
        value = np.broadcast_to(np.asarray(truth[name], dtype=np.float64), draws.shape[1:])
        flat = draws.reshape(len(draws), -1)
        for i, v in enumerate(value.ravel()):
            lower, upper = az.hdi(flat[:, i], hdi_prob=prob)
            label = name if value.ndim == 0 else f"{name}[{i}]"
            rows.append({"param": label, "truth": v, "lower": lower, "upper": upper,
                         "inside": bool(lower <= v <= upper)})
    return pd.DataFrame(rows)


def interval_coverage(draws, y, prob=0.9):
    """Share of ``y`` (n,) inside the central ``prob`` interval of ``draws`` (num_draws, n).

    Near ``prob`` when the predictive distribution fits the data.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(interval_coverage(rng.normal(size=(4000, 500)), rng.normal(size=500)), 1)
    0.9
    """
    draws, y = np.asarray(draws), np.asarray(y)
    if draws.shape[1:] != y.shape:  # a (n, 1) y would compare every point with every column
        raise ValueError(
            f"draws must have shape (num_draws, *{y.shape}) to match y, got {draws.shape}.")
    lo, hi = np.quantile(draws, [(1 - prob) / 2, (1 + prob) / 2], axis=0)
    return float(np.mean((y >= lo) & (y <= hi)))
