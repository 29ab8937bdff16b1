"""Shared test settings: Agg backend, XLA without LLVM optimisations in this process, figures
closed after each test, small fixed data sets."""

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere: no window, no display needed

import jax  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

# The unit tests and doctests compile a few thousand small XLA programs (eager operations,
# one per shape) and run most of them once: without XLA's LLVM optimisations they compile
# about a quarter faster (the model zoo's checks: 109 -> 85 CPU s cold). This process only:
# notebook kernels and test_cache's subprocesses compile with JAX's defaults, and the
# persistent cache keeps the two kinds of programs apart (the option is in the cache key).
jax.config.update("jax_disable_most_optimizations", True)

# For the remaining property tests (NumPy only; JAX retracing per example is too slow).
settings.register_profile(
    "jax", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=25
)
settings.load_profile("jax")


@pytest.fixture(autouse=True)
def close_figures():
    """Every figure a test opens is closed after it, so none leaks into the next test."""
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def line_xy():
    """15 points of y = 0.7 x - 1 + Normal(0, 0.5): X (15, 1), y (15,)."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(15, 1))
    return X, 0.7 * X[:, 0] - 1.0 + 0.5 * rng.normal(size=15)
