"""ESS per second of the forum model mu = f * (X @ w + b) and of notebook 04's fixes.

Usage: .venv/bin/python benchmarks/identifiability_fixes.py [repeats]

Data: helpers.data.forum_dataset(2) (two weights, f = 0.534, noise sd 1e-3). The models and
settings are notebook 04's: 2 chains in parallel, 500 warm-up and 2000 draws per chain (300 and
300 for the two models that keep the ridge). The table gives the median over `repeats` fits
(keys 0, 1, ...; default 3) of each column of helpers.diagnostics.sampler_report. The last row,
a positive f times a unit-length (w, b), is an extra candidate not in the notebook. Compilation
is included in the seconds, as a learner running a notebook pays it.
"""

import sys

import numpyro

numpyro.set_host_device_count(2)  # before JAX initialises its CPU backend

import jax.numpy as jnp  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
import pandas as pd  # noqa: E402
from jax import random  # noqa: E402

from helpers.data import forum_dataset  # noqa: E402
from helpers.diagnostics import fit, sampler_report  # noqa: E402

MCMC_KWARGS = dict(num_warmup=500, num_samples=2000, num_chains=2, progress_bar=False)


def _weights(X, scale=10.0):
    return numpyro.sample("w", dist.Normal(0.0, scale).expand([X.shape[1]]).to_event(1))


def _likelihood(mu, y):
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    numpyro.sample("y", dist.Normal(mu, sigma), obs=y)


def original(X, y=None):
    w, b = _weights(X), numpyro.sample("b", dist.Normal(0.0, 10.0))
    f = numpyro.sample("f", dist.Normal(0.0, 2.5))
    _likelihood(f * (X @ w + b), y)


def calibrated(X, y=None):
    w, b = _weights(X), numpyro.sample("b", dist.Normal(0.0, 10.0))
    f = numpyro.sample("f", dist.Normal(0.5, 0.05))
    _likelihood(f * (X @ w + b), y)


def calibrated_reparam(X, y=None):
    f = numpyro.sample("f", dist.Normal(0.5, 0.05))
    fw = numpyro.sample("fw", dist.Normal(0.0, 5.0).expand([X.shape[1]]).to_event(1))
    fb = numpyro.sample("fb", dist.Normal(0.0, 5.0))
    numpyro.deterministic("w", fw / f)
    numpyro.deterministic("b", fb / f)
    _likelihood(X @ fw + fb, y)


def products(X, y=None):
    fw = numpyro.sample("fw", dist.Normal(0.0, 5.0).expand([X.shape[1]]).to_event(1))
    fb = numpyro.sample("fb", dist.Normal(0.0, 5.0))
    _likelihood(X @ fw + fb, y)


def positive_f_unit_direction(X, y=None):
    z = numpyro.sample("z", dist.Normal(0.0, 1.0).expand([X.shape[1] + 1]).to_event(1))
    f = numpyro.sample("f", dist.HalfNormal(25.0))
    direction = z / jnp.linalg.norm(z)  # (w, b) on the unit sphere: the scale lives in f
    _likelihood(f * (X @ direction[:-1] + direction[-1]), y)


# The two models that keep the ridge need ~1000 leapfrog steps per draw: fewer draws for them.
SLOW = dict(MCMC_KWARGS, num_warmup=300, num_samples=300)
MODELS = {
    "original f*(Xw+b)": (original, SLOW),
    "calibrated f, f*(Xw+b)": (calibrated, SLOW),
    "calibrated f, sample (f, fw, fb)": (calibrated_reparam, MCMC_KWARGS),
    "no f, sample (fw, fb)": (products, MCMC_KWARGS),
    "f > 0, |(w, b)| = 1 (not in the notebook)": (positive_f_unit_direction, MCMC_KWARGS),
}


def report(model, kwargs, key, data):
    mcmc, _, seconds = fit(model, key, data.X, y=data.y, mcmc_kwargs=kwargs)
    names = [n for n in mcmc.get_samples() if n != "z"]  # z's length is set by its prior alone
    return sampler_report(mcmc, seconds, var_names=names)


def main(repeats=3):
    data = forum_dataset(2)
    rows = {}
    for name, (model, kwargs) in MODELS.items():
        runs = [report(model, kwargs, random.PRNGKey(r), data) for r in range(repeats)]
        rows[name] = pd.concat(runs).median()
        print(f"{name}: done", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows).T
    base = table.loc["original f*(Xw+b)", "ess_per_s"]
    table["ess_per_s_vs_original"] = table["ess_per_s"] / base
    pd.set_option("display.width", 140)
    print(f"median over {repeats} fits (keys 0..{repeats - 1}), {MCMC_KWARGS}; slow models: {SLOW}")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
