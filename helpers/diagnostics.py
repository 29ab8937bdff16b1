"""Convergence and recovery checks for MCMC runs, computed with ArviZ.

``timed_run`` runs an ``MCMC`` object with the extra fields the report needs and
returns the seconds it took; ``sampler_report`` turns the run into one row (r_hat,
ESS, ESS per second, divergences, share at maximum tree depth);
``truth_in_interval`` says whether known parameters fall inside posterior intervals.
"""

import time

import numpy as np

from helpers.session import import_arviz

__all__ = [
    "EXTRA_FIELDS",
    "timed_run",
    "posterior_float64",
    "sampler_report",
    "truth_in_interval",
]

#: Extra fields ``sampler_report`` needs from ``mcmc.run``.
EXTRA_FIELDS = ("diverging", "num_steps")


def timed_run(mcmc, rng_key, *args, extra_fields=EXTRA_FIELDS, **kwargs):
    """Run ``mcmc`` and return the wall-clock seconds, compilation included.

    Parameters
    ----------
    mcmc : numpyro.infer.MCMC
    rng_key : jax.Array
    *args, **kwargs
        Passed to ``mcmc.run`` (the model's arguments).
    extra_fields : tuple of str
        Collected during sampling; keep ``EXTRA_FIELDS`` in it for ``sampler_report``.

    Returns
    -------
    float
        Seconds from the call to the last draw being ready.
    """
    import jax

    start = time.perf_counter()
    mcmc.run(rng_key, *args, extra_fields=tuple(extra_fields), **kwargs)
    jax.block_until_ready(mcmc.get_samples())
    return time.perf_counter() - start


def posterior_float64(mcmc, var_names=None):
    """Return the posterior draws as an ``(chain, draw, ...)`` dict of float64 arrays.

    Float32 summaries of draws with a tiny posterior sd are misleading (variance
    computed at float32 precision), so every summary here is computed in float64.
    """
    samples = mcmc.get_samples(group_by_chain=True)
    names = var_names or list(samples)
    unknown = [n for n in names if n not in samples]
    if unknown:
        raise ValueError(
            f"var_names {unknown} are not sites of this run; it has {list(samples)}."
        )
    return {n: np.asarray(samples[n], dtype=np.float64) for n in names}


def _tree_depth_share(mcmc, num_steps):
    depth = getattr(mcmc.sampler, "_max_tree_depth", None)
    if depth is None:
        return float("nan")
    depth = depth[-1] if isinstance(depth, tuple) else depth
    return 100.0 * float(np.mean(num_steps >= 2**depth - 1))


def sampler_report(mcmc, seconds, name=None, var_names=None):
    """Summarise one MCMC run as a one-row table.

    Parameters
    ----------
    mcmc : numpyro.infer.MCMC
        Run with ``extra_fields`` containing ``EXTRA_FIELDS`` (``timed_run`` does so).
    seconds : float
        Wall-clock time of the run (from ``timed_run``), > 0.
    name : str, optional
        Row label; defaults to ``"run"``.
    var_names : list of str, optional
        Sites to summarise; all latent sites by default.

    Returns
    -------
    pandas.DataFrame
        Index ``name``; columns ``r_hat_max``, ``ess_bulk_min``, ``ess_per_s``,
        ``divergences``, ``pct_max_tree_depth``, ``seconds``. r_hat and ESS are
        ArviZ's rank-normalised estimators, over every element of every site. A
        single-chain run is split into its two halves, which are compared as two
        chains (several chains are the better test).

    Raises
    ------
    ValueError
        If the run lacks the extra fields or ``seconds`` is not positive.
    """
    import pandas as pd

    az = import_arviz()
    extra = mcmc.get_extra_fields()
    missing = [f for f in EXTRA_FIELDS if f not in extra]
    if missing:
        raise ValueError(
            f"the MCMC run has no extra field(s) {missing}. Run it with "
            "mcmc.run(key, ..., extra_fields=EXTRA_FIELDS) or use timed_run(mcmc, key, ...)."
        )
    if not seconds > 0:
        raise ValueError(f"seconds must be > 0 (the run's wall-clock time), got {seconds!r}.")
    draws = posterior_float64(mcmc, var_names)
    if mcmc.num_chains == 1:  # r_hat needs two chains: compare the run's two halves
        half = mcmc.num_samples // 2
        draws = {k: v[:, : 2 * half].reshape(2, half, *v.shape[2:]) for k, v in draws.items()}
    dataset = az.convert_to_dataset(draws)
    r_hat = float(az.rhat(dataset).to_array().max())
    ess = float(az.ess(dataset, method="bulk").to_array().min())
    row = {
        "r_hat_max": r_hat,
        "ess_bulk_min": ess,
        "ess_per_s": ess / seconds,
        "divergences": int(np.sum(extra["diverging"])),
        "pct_max_tree_depth": _tree_depth_share(mcmc, np.asarray(extra["num_steps"])),
        "seconds": float(seconds),
    }
    return pd.DataFrame([row], index=[name or "run"])


def truth_in_interval(samples, truth, prob=0.94):
    """Check known parameter values against highest-density intervals.

    Parameters
    ----------
    samples : dict of array
        Draws by site, leading axis = draws (as ``mcmc.get_samples()`` returns).
    truth : dict
        True value of each site to check (scalar or array matching one draw).
    prob : float
        Interval probability, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per scalar parameter: ``param``, ``truth``, ``lower``, ``upper``,
        ``inside`` (bool).

    Examples
    --------
    >>> import numpy as np
    >>> draws = {"mu": np.random.default_rng(0).normal(size=2000)}
    >>> bool(truth_in_interval(draws, {"mu": 0.0})["inside"].all())
    True
    """
    import pandas as pd

    az = import_arviz()
    if not 0 < prob < 1:
        raise ValueError(f"prob must lie in (0, 1), got {prob!r}.")
    rows = []
    for name, value in truth.items():
        if name not in samples:
            raise ValueError(f"truth names {name!r}, which is not in samples {list(samples)}.")
        draws = np.asarray(samples[name], dtype=np.float64)
        value = np.asarray(value, dtype=np.float64)
        if draws.shape[1:] != value.shape:
            raise ValueError(
                f"truth[{name!r}] has shape {value.shape}, but one draw of {name!r} has "
                f"shape {draws.shape[1:]}."
            )
        flat = draws.reshape(draws.shape[0], -1)
        for i, v in enumerate(value.ravel()):
            lower, upper = az.hdi(flat[:, i], hdi_prob=prob)
            label = name if value.ndim == 0 else f"{name}[{i}]"
            rows.append({"param": label, "truth": v, "lower": lower, "upper": upper,
                         "inside": bool(lower <= v <= upper)})
    return pd.DataFrame(rows)
