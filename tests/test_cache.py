"""JAX's persistent compilation cache changes the speed, not the draws.

make exports JAX_COMPILATION_CACHE_DIR (build/jax-cache) so a warm kernel skips most compile
time. Here one small NUTS fit runs in fresh processes: with an empty cache (which fills it),
with the filled cache, and with no cache at all; the draws must be bit-identical.
"""

import os
import subprocess
import sys

import numpy as np

FIT = """
import sys
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from jax import random
from numpyro.infer import MCMC, NUTS


def model(x, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 1.0))
    b = numpyro.sample("b", dist.Normal(0.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    numpyro.sample("y", dist.Normal(w * x + b, sigma), obs=y)


x = jnp.linspace(-1.0, 1.0, 30)
y = 0.5 - 0.9 * x + 0.1 * random.normal(random.PRNGKey(1), (30,))
mcmc = MCMC(NUTS(model), num_warmup=200, num_samples=200, progress_bar=False)
mcmc.run(random.PRNGKey(0), x, y)
draws = mcmc.get_samples()
np.save(sys.argv[1], np.stack([np.asarray(draws[k]) for k in ("b", "sigma", "w")]))
"""


def fit_in_fresh_process(out, cache_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAX_")}
    if cache_dir is not None:
        env.update(
            JAX_COMPILATION_CACHE_DIR=str(cache_dir),
            JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
            JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0",
        )
    return subprocess.Popen([sys.executable, "-c", FIT, str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(proc):
    output, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, output


def test_draws_are_identical_with_cache_cold_warm_and_off(tmp_path):
    cache = tmp_path / "jax-cache"
    cold = fit_in_fresh_process(tmp_path / "cold.npy", cache)
    off = fit_in_fresh_process(tmp_path / "off.npy", None)  # runs beside the cold one
    finish(cold)
    filled = sorted(p.name for p in cache.iterdir())
    assert filled, "the cold run wrote nothing to the cache: the warm run would test nothing"
    finish(fit_in_fresh_process(tmp_path / "warm.npy", cache))
    finish(off)
    assert sorted(p.name for p in cache.iterdir()) == filled  # warm: every compile was a hit
    draws = {name: np.load(tmp_path / f"{name}.npy") for name in ("cold", "warm", "off")}
    assert draws["cold"].shape == (3, 200) and draws["cold"].dtype == np.float32
    assert np.unique(draws["cold"][2]).size > 100  # real draws, not a stuck chain
    assert np.array_equal(draws["cold"], draws["warm"])
    assert np.array_equal(draws["cold"], draws["off"])
