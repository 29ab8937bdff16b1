"""Time simulation-based calibration (SBC) three ways: jit+vmap, an MCMC loop, a loop of one jit.

Usage: .venv/bin/python benchmarks/sbc_speed.py [replications]

The SBC design of notebook 06 (same model and draw counts, its own keys): a line with
Normal(0, 1) priors on w and b, HalfNormal(1) on sigma, 20 points; each replication draws
its truth from the prior, simulates y, and fits NUTS (300 warmup, 495 draws kept every 5th:
99 draws). ``replications`` defaults to 100.

1. ``jax.jit(jax.vmap(fit))`` over all data sets: one compilation, one call.
2. A Python loop building ``MCMC(NUTS(model))`` per data set, as one usually writes it:
   every ``mcmc.run`` traces and compiles a new sampler.
3. A Python loop calling ONE ``jax.jit(fit)`` per data set: compiled once, then
   dispatched per data set. If 3 is fast, the cost of 2 is compilation, not NUTS.

Prints seconds (compilation included, with the first-call compile shown separately for 3)
and the speed-up of 1 over 2. All three run in one process, one after the other.
Run it on a quiet machine: the figures are only as good as the load.
"""

import sys
import time

import jax
import jax.numpy as jnp
import numpyro
import numpyro.distributions as dist
import pandas as pd
from jax import random
from numpyro.infer import MCMC, NUTS, Predictive

from helpers.data import simulate_linear
from helpers.sbc import functional_nuts, rank_uniformity, sbc_ranks

SBC = dict(num_warmup=300, num_samples=495, thinning=5)


def model_sbc(X, y=None, bug=False):
    w, b = numpyro.sample("w", dist.Normal(0.0, 1.0)), numpyro.sample("b", dist.Normal(0.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    scale = jnp.where(bug, sigma**2, sigma)  # bug=True: a variance passed as the scale
    return numpyro.sample("y", dist.Normal(X[:, 0] * w + b, scale), obs=y)


def timed(fn):
    start = time.perf_counter()
    out = jax.block_until_ready(fn())
    return out, time.perf_counter() - start


def main(R=100):
    X = simulate_linear(n=20, seed=1).X
    sim_key, fit_key = random.split(random.PRNGKey(0))
    prior = Predictive(model_sbc, num_samples=R)(sim_key, X)
    truth, ys = {k: prior[k] for k in ("w", "b", "sigma")}, prior["y"]
    keys = random.split(fit_key, R)
    fit = functional_nuts(model_sbc, X, ys[0], False, **SBC)

    fit_all = jax.jit(jax.vmap(fit, in_axes=(0, None, 0, None)))
    draws, t_vmap = timed(lambda: fit_all(keys, X, ys, False))
    _, t_vmap_again = timed(lambda: fit_all(keys, X, ys, False))

    def mcmc_loop():
        out = []
        for r in range(R):
            mcmc = MCMC(NUTS(model_sbc), **SBC, progress_bar=False)
            mcmc.run(keys[r], X, y=ys[r])
            out.append(mcmc.get_samples()["sigma"])
        return out

    _, t_loop = timed(mcmc_loop)

    fit_one = jax.jit(fit)
    _, t_compile = timed(lambda: fit_one(keys[0], X, ys[0], False))
    _, t_jit_loop = timed(lambda: [fit_one(keys[r], X, ys[r], False) for r in range(R)])

    p = rank_uniformity(sbc_ranks(truth, draws), num_draws=SBC["num_samples"] // SBC["thinning"])
    rows = {
        "jit(vmap(fit)), first call": t_vmap,
        "jit(vmap(fit)), second call": t_vmap_again,
        "loop of MCMC(NUTS).run": t_loop,
        "loop of one jit(fit): compile (1st call)": t_compile,
        "loop of one jit(fit): all calls after": t_jit_loop,
    }
    table = pd.DataFrame({"seconds": rows, "per replication": {k: v / R for k, v in rows.items()}})
    print(f"SBC, {R} replications x 20 points, NUTS {SBC}")
    print(table.round(4).to_string())
    print(f"speed-up of jit(vmap) (first call, compile included) over the MCMC loop: "
          f"{t_loop / t_vmap:.1f}x")
    print(f"uniformity p-values (correct model): {p.round(3).to_dict()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
