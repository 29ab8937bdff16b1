"""Time one Gaussian likelihood written three ways: observed site, factor, custom Distribution.

Usage: .venv/bin/python benchmarks/likelihood_styles.py [repeats]

Each style is fitted from scratch (NUTS, 500 warmup + 1000 draws, one chain) on
forum_dataset(1), ``repeats`` times with different keys (default 3), in one process.
Prints the median wall-clock seconds (compilation included), ESS per second and r_hat.
Run it on a quiet machine: the figures are only as good as the load.
"""

import statistics
import sys

import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pandas as pd
from jax import lax, random
from numpyro.distributions import constraints

from helpers.data import forum_dataset
from helpers.diagnostics import fit
from helpers.noise import normal_log_density


def priors(X):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    return X @ w + b, sigma


def model_obs(X, y=None):
    mu, sigma = priors(X)
    numpyro.sample("y", dist.Normal(mu, sigma), obs=y)


def model_factor(X, y=None):
    mu, sigma = priors(X)
    numpyro.factor("y", dist.Normal(mu, sigma).log_prob(y))


def model_by_hand(X, y=None):
    mu, sigma = priors(X)
    numpyro.factor("y", jnp.sum(normal_log_density(y, mu, sigma)))


class NormalByHand(dist.Distribution):
    support = constraints.real

    def __init__(self, loc, scale):
        self.loc, self.scale = loc, scale
        super().__init__(batch_shape=lax.broadcast_shapes(jnp.shape(loc), jnp.shape(scale)))

    def sample(self, key, sample_shape=()):
        return self.loc + self.scale * random.normal(key, sample_shape + self.batch_shape)

    def log_prob(self, value):
        return normal_log_density(value, self.loc, self.scale)


def model_custom(X, y=None):
    mu, sigma = priors(X)
    numpyro.sample("y", NormalByHand(mu, sigma), obs=y)


STYLES = {
    "observed site": model_obs,
    "factor": model_factor,
    "factor, by hand (summed)": model_by_hand,
    "custom Distribution": model_custom,
}


def main(repeats=3):
    data = forum_dataset(1)
    # Warm JAX up once so the first style does not pay the one-time start-up cost.
    fit(model_obs, random.PRNGKey(99), data.X, y=data.y,
        mcmc_kwargs={"num_warmup": 10, "num_samples": 10})
    rows = []
    for name, model in STYLES.items():
        reports = []
        for r in range(repeats):
            run = fit(model, random.PRNGKey(r), data.X, y=data.y, name=name,
                      mcmc_kwargs={"num_warmup": 500, "num_samples": 1000})
            reports.append(run.report)
        table = pd.concat(reports)
        rows.append({
            "style": name,
            "seconds_median": statistics.median(table["seconds"]),
            "ess_per_s_median": statistics.median(table["ess_per_s"]),
            "r_hat_max": table["r_hat_max"].max(),
            "divergences": int(table["divergences"].sum()),
        })
    print(pd.DataFrame(rows).set_index("style").round(3).to_string())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
