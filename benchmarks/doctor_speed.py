"""Time ``helpers.doctor.examine`` on the forum thread's second model, cold and warm.

Usage: .venv/bin/python benchmarks/doctor_speed.py [repeats]

The model is the thread's second script, mu = f * (X @ w + b) with two weights, on
``helpers.data.forum_dataset(2)`` (50 points, noise sd 1e-3). ``examine`` runs every
check (shapes, data, observed sites, unused latents, identifiability, prior-data
conflict) and should find the flat direction of f, w and b.

- cold: the first call in a fresh process (JAX compiles everything it runs);
- warm: the following ``repeats`` calls (default 3) in the same process. Each call
  builds new closures, so jitted functions are traced and compiled again; what is warm
  is JAX's op-by-op cache and, if enabled, its persistent compilation cache.

Also prints each check's share of one warm call. Target (issue 13): under 15 s warm.
Run it on a quiet machine: the figures are only as good as the load.
"""

import sys
import time

from thread_baseline import model  # the thread's second model, written once

from helpers import doctor
from helpers.data import forum_dataset
from helpers.sites import trace_model


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def main(repeats=3):
    data = forum_dataset(2)
    report, cold = timed(doctor.examine, model, data.X, y=data.y)
    assert [f.check for f in report.findings] == ["identifiability"], report
    warm = [timed(doctor.examine, model, data.X, y=data.y)[1] for _ in range(repeats)]
    print(report)
    print(f"examine, cold (first call in this process): {cold:.1f} s")
    print(f"examine, warm ({repeats} calls): " + ", ".join(f"{t:.1f}" for t in warm)
          + f" s; best {min(warm):.1f} s (target < 15 s)")
    trace = trace_model(model, (data.X,), {"y": data.y})
    for check in (doctor.check_shapes, doctor.check_observed_data,
                  doctor.check_observed_sites, doctor.check_unused_latents,
                  doctor.check_identifiability, doctor.check_prior_data_conflict):
        _, seconds = timed(check, model, (data.X,), {"y": data.y}, trace=trace)
        print(f"  {check.__name__:28s} {seconds:5.2f} s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
