"""`make bench`: the collection timed against the forum thread's own fit, in one run.

1. The baseline: benchmarks/thread_baseline.py (the thread's second model and sampler
   settings) in a fresh process, three times; the median.
2. Every notebook in a fresh kernel, twice: with an empty JAX compilation cache (cold) and
   again with the cache it filled (warm). Cold minus warm is the compilation the cache
   saved: a lower bound on the notebook's compile time.
3. Notebook 04's recommended parameterization with the baseline's settings (ESS per second
   against the baseline's), benchmarks/identifiability_fixes.py (1 repeat) and
   benchmarks/sbc_speed.py (100 replications).
4. One table of seconds and ratios to the baseline, printed and written to
   benchmarks/results.md with the CPU, the core count and the package versions. Next to the
   wall-clock seconds, the CPU seconds of the child process (the script, the kernel): on a
   shared machine their ratio moves less than the wall-clock one.

Usage: python benchmarks/bench.py [--skip-slow] [NN ...]
  --skip-slow   no identifiability/SBC runs
  NN ...        time only these notebooks (e.g. 05a 07) against the baseline; results.md is
                written only by a full run
Targets (issue 16): collection <= 12x the baseline, no notebook over 3x, the recommended
parameterization >= 100x the baseline's ESS/s, SBC with vmap >= 20x faster than the loop.
"""

import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PACKAGES = ("jax", "jaxlib", "numpyro", "arviz", "numpy", "scipy")


def children_cpu():
    """CPU seconds (user + system) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_script(*args, env=None):
    out = subprocess.run([PY, *map(str, args)], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout


CACHE_VARS = ("JAX_COMPILATION_CACHE_DIR", "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS",
              "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES")


def baseline(which="thread"):
    # As a learner runs the thread's script: a fresh process, no compilation cache.
    env = {k: v for k, v in os.environ.items() if k not in CACHE_VARS}
    cpu = children_cpu()
    out = json.loads(run_script(ROOT / "benchmarks" / "thread_baseline.py", which, env=env))
    return dict(out, cpu=children_cpu() - cpu)


def cell_seconds(nb):
    """Each code cell's execution time, from the timestamps nbclient records."""
    from datetime import datetime

    out = {}
    for i, cell in enumerate(nb.cells):
        t = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type == "code" and "shell.execute_reply" in t:
            start, end = (datetime.fromisoformat(t[k].replace("Z", "+00:00"))
                          for k in ("iopub.execute_input", "shell.execute_reply"))
            out[i] = (end - start).total_seconds()
    return out


def run_notebook(path, cache_dir):
    os.environ.update(JAX_COMPILATION_CACHE_DIR=str(cache_dir),
                      JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
                      JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0")
    nb = nbformat.read(path, as_version=4)
    start, cpu = time.perf_counter(), children_cpu()
    NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    # The kernel has exited and been waited for: its CPU time is in RUSAGE_CHILDREN.
    return time.perf_counter() - start, children_cpu() - cpu, cell_seconds(nb), nb


def slowest_cells(path, cold_cells, warm_cells, nb, n=4):
    """The n slowest cells (cold), with their warm time and first line."""
    rows = []
    for i in sorted(cold_cells, key=cold_cells.get, reverse=True)[:n]:
        first = next((ln for ln in nb.cells[i].source.splitlines() if ln.strip()), "")[:60]
        rows.append(f"| {path.stem[:3]} cell {i} | {cold_cells[i]:.1f} | "
                    f"{warm_cells.get(i, float('nan')):.1f} | `{first.replace('|', '/')}` |")
    return rows


def cpu_name():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main(skip_slow=False, only=()):
    rows, notes = [], []
    runs = [baseline() for _ in range(3)]
    base = statistics.median(r["seconds"] for r in runs)
    base_ess = statistics.median(r["ess_per_s"] for r in runs)
    base_cpu = statistics.median(r["cpu"] for r in runs)
    rows.append(("thread's script (baseline, median of 3)", base, None, 1.0, base_cpu, 1.0))
    print(f"baseline: {base:.1f} s ({base_cpu:.1f} CPU s), ESS/s {base_ess:.3g} "
          f"(runs: {[round(r['seconds'], 1) for r in runs]})", flush=True)

    total_cold = total_warm = total_cpu = 0.0
    cells = ["### Slowest cells per notebook (seconds)", "",
             "| cell | cold | warm | first line |", "|---|---:|---:|---|"]
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
    if only:
        notebooks = [p for p in notebooks if p.stem.split("_")[0] in only]
        skip_slow = True
    with tempfile.TemporaryDirectory() as cache:
        for path in notebooks:
            cold, cpu, cold_cells, nb = run_notebook(path, cache)
            warm, _, warm_cells, _ = run_notebook(path, cache)
            cells += slowest_cells(path, cold_cells, warm_cells, nb)
            total_cold, total_warm = total_cold + cold, total_warm + warm
            total_cpu += cpu
            rows.append((path.stem, cold, warm, cold / base, cpu, cpu / base_cpu))
            print(f"{path.stem}: cold {cold:.1f} s ({cpu:.1f} CPU s), warm {warm:.1f} s",
                  flush=True)
    rows.append(("collection (all notebooks)", total_cold, total_warm, total_cold / base,
                 total_cpu, total_cpu / base_cpu))

    targets = [("collection <= 12x baseline (cold)", total_cold / base, total_cold / base <= 12),
               ("every notebook <= 3x baseline (cold)", max(r[3] for r in rows[1:-1]),
                all(r[3] <= 3 for r in rows[1:-1]))]
    if not only:
        rec = baseline("recommended")
        ratio = rec["ess_per_s"] / base_ess
        targets.append(("04's recommended parameterization ESS/s >= 100x baseline's", ratio,
                         ratio >= 100))
        notes.append(f"recommended parameterization: {rec['seconds']:.1f} s, min ESS "
                     f"{rec['min_ess']:.0f}, ESS/s {rec['ess_per_s']:.3g}; baseline ESS/s "
                     f"{base_ess:.3g} (min ESS "
                     f"{statistics.median(r['min_ess'] for r in runs):.1f})")
    if not skip_slow:
        sbc = run_script(ROOT / "benchmarks" / "sbc_speed.py", 100)
        speedup = float(re.search(r"speed-up[^:]*:\s*([\d.]+)x", sbc).group(1))
        targets.append(("SBC jit(vmap) >= 20x faster than the MCMC loop", speedup,
                        speedup >= 20))
        notes += ["### benchmarks/sbc_speed.py 100", "```", sbc.strip(), "```"]
        ident = run_script(ROOT / "benchmarks" / "identifiability_fixes.py", 1)
        notes += ["### benchmarks/identifiability_fixes.py 1", "```", ident.strip(), "```"]

    lines = [
        "# `make bench` results", "",
        f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; CPU: {cpu_name()}, "
        f"{os.cpu_count()} cores; load average at the end: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        "Versions: " + ", ".join(f"{p} {version(p)}" for p in PACKAGES) + ".", "",
        "| what | seconds (cold cache) | seconds (warm cache) | ratio to baseline (cold) "
        "| CPU seconds (cold) | CPU ratio (cold) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, cold, warm, r, cpu, cpu_r in rows:
        lines.append(f"| {name} | {cold:.1f} | {'' if warm is None else f'{warm:.1f}'} | "
                     f"{r:.2f}x | {cpu:.1f} | {cpu_r:.2f}x |")
    lines += ["", "| target | measured | met |", "|---|---:|:---:|"]
    lines += [f"| {t} | {v:.2f} | {'yes' if ok else 'NO'} |" for t, v, ok in targets]
    lines += ["", *notes, "", *cells, ""]
    text = "\n".join(lines)
    if not only:
        (ROOT / "benchmarks" / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(skip_slow="--skip-slow" in args, only=[a for a in args if not a.startswith("-")])
