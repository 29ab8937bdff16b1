"""Time each notebook top to bottom in a fresh kernel, as CI runs it.

Usage: .venv/bin/python benchmarks/notebook_times.py [notebooks/NN_x.ipynb ...]

Prints one row per notebook: wall-clock seconds from kernel start to the last cell, and the
budget its issue sets. Run it on a quiet machine: the figures are only as good as the load.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = {"01": 30, "02": 30, "03": 30, "04": 45, "05": 60, "06": 60}


def run(path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={
        "metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main(paths):
    paths = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    print(f"{'notebook':45s} {'seconds':>8s} {'budget':>7s}")
    total = 0.0
    for path in paths:
        seconds = run(path)
        total += seconds
        budget = BUDGET_S.get(path.name[:2], float("nan"))
        flag = "" if seconds <= budget else "  OVER BUDGET"
        print(f"{path.name:45s} {seconds:8.1f} {budget:7.0f}{flag}", flush=True)
    print(f"{'total':45s} {total:8.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
