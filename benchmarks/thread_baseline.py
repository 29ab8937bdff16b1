"""The baseline every figure in `make bench` is compared with: the forum question's second fit.

Its model (mu = f * (X @ w + b), Normal(0, 10) priors on w and b, Normal(0, 2.5) on f,
Uniform(0, 10) on sigma, a Normal likelihood), its data settings (two weights, f = 0.534,
noise sd 1e-3, N = 50; here drawn with NumPy by helpers.data.forum_dataset(2)) and its
sampler settings (NUTS, 500 warm-up and 1500 draws, one chain), with the counts passed as
keyword arguments so that it runs on NumPyro 0.22. Written for this repository.

Usage: python benchmarks/thread_baseline.py [recommended]   -> prints one JSON line:
seconds (import to last draw, compilation included, as a learner pays it), the minimum
ESS over the latent sites (NumPyro's estimator), and ESS per second. With ``recommended``
it fits notebook 04's recommended parameterization instead (f keeps its calibration prior;
the identified products f*w and f*b are sampled and w = fw / f, b = fb / f recovered as
deterministic sites), with the same data and sampler settings.
"""

import json
import sys
import time

START = time.perf_counter()

import jax  # noqa: E402
import numpyro  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
from numpyro.infer import MCMC, NUTS  # noqa: E402

from helpers.data import forum_dataset  # noqa: E402


def model(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    f = numpyro.sample("f", dist.Normal(0.0, 2.5))
    return numpyro.sample("y", dist.Normal(f * (X @ w + b), sigma), obs=y)


def recommended(X, y=None):
    f = numpyro.sample("f", dist.Normal(0.5, 0.05))  # a calibration of f
    fw = numpyro.sample("fw", dist.Normal(0.0, 5.0).expand([X.shape[1]]).to_event(1))
    fb = numpyro.sample("fb", dist.Normal(0.0, 5.0))
    numpyro.deterministic("w", fw / f)
    numpyro.deterministic("b", fb / f)
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    return numpyro.sample("y", dist.Normal(X @ fw + fb, sigma), obs=y)


def main(which="thread"):
    data = forum_dataset(2)
    kernel = NUTS(recommended if which == "recommended" else model)
    mcmc = MCMC(kernel, num_warmup=500, num_samples=1500, num_chains=1, progress_bar=False)
    mcmc.run(jax.random.PRNGKey(240), data.X, y=data.y)
    samples = jax.block_until_ready(mcmc.get_samples(group_by_chain=True))
    seconds = time.perf_counter() - START
    latent = [k for k in samples if k not in ("w", "b") or which != "recommended"]
    ess = min(float(numpyro.diagnostics.effective_sample_size(
        jax.device_get(samples[k]).astype("float64")).min()) for k in latent)
    print(json.dumps({"model": which, "seconds": seconds, "min_ess": ess,
                      "ess_per_s": ess / seconds}))


if __name__ == "__main__":
    main(*sys.argv[1:])
