"""fit and sampler_report against ArviZ and the raw extra fields; intervals against SciPy."""

import arviz as az
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from jax import random
from scipy import stats

from helpers.diagnostics import (
    fit,
    interval_coverage,
    posterior_float64,
    sampler_report,
    truth_in_interval,
)

Y = np.random.default_rng(0).normal(2.0, 1.0, size=30)
SHORT = {"num_warmup": 200, "num_samples": 400}


def normal_model(y=None, name=None):  # `name` is a model argument here, not fit's option
    mu = numpyro.sample("mu", dist.Normal(0.0, 10.0))
    numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)


def stiff_model():
    """A correlated Gaussian with scales 1 and 1e-3: NUTS needs long trajectories."""
    z = numpyro.sample("z", dist.Normal(0.0, 1.0).expand([2]).to_event(1))
    numpyro.factor("ridge", -0.5 * ((z[0] - z[1]) / 1e-3) ** 2)


@pytest.fixture(scope="module")
def two_chains():
    return fit(normal_model, random.PRNGKey(0), y=Y,
               mcmc_kwargs={**SHORT, "num_chains": 2, "chain_method": "sequential"},
               name="normal")


class FakeRun:
    """The parts of an MCMC object sampler_report reads, with draws we construct."""

    def __init__(self, draws, num_steps, max_tree_depth=10, diverging=None):
        chains, n = next(iter(draws.values())).shape[:2]
        self.draws, self.num_chains, self.num_samples = draws, chains, n
        self.extra = {"num_steps": np.asarray(num_steps),
                      "diverging": np.zeros(chains * n, bool) if diverging is None else diverging}
        self.sampler = type("Kernel", (), {"_max_tree_depth": max_tree_depth})()

    def get_samples(self, group_by_chain=False):
        return self.draws

    def get_extra_fields(self):
        return self.extra


def test_fit_returns_the_run_its_report_and_time(two_chains):
    mcmc, report, seconds = two_chains
    assert mcmc.get_samples()["mu"].shape == (800,) and seconds > 0
    row = report.loc["normal"]
    assert 1.0 - 1e-3 < row["r_hat_max"] < 1.01 and 200 < row["ess_bulk_min"] < 2000
    assert row["ess_per_s"] == pytest.approx(row["ess_bulk_min"] / seconds)
    assert row["divergences"] == 0 and row["seconds"] == seconds
    post_sd = 1 / np.sqrt(30 + 1e-2)  # conjugate: Normal(0, 10) prior, 30 points of sd 1
    np.testing.assert_allclose(mcmc.get_samples()["mu"].std(), post_sd, rtol=0.15)


def test_model_keyword_named_like_an_option_is_passed_to_the_model():
    seen = []

    def model(y=None, scale=1.0):
        seen.append(scale)
        normal_model(y)

    fit(model, random.PRNGKey(1), y=Y, scale=2.0, mcmc_kwargs=SHORT)  # two_chains' program
    assert 2.0 in seen


def test_r_hat_and_ess_are_arviz_max_and_min_over_every_element():
    rng = np.random.default_rng(0)
    draws = {"a": rng.normal(size=(2, 500)),                         # mixes
             "v": rng.normal(size=(2, 500, 3)) + [[[0.0]], [[3.0]]],  # chains disagree
             "c": np.cumsum(rng.normal(size=(2, 500)), axis=1)}       # random walk: low ESS
    row = sampler_report(FakeRun(draws, np.ones(1000)), 2.0).iloc[0]
    data = az.convert_to_dataset(draws)
    r_hat, ess = az.rhat(data), az.ess(data, method="bulk")
    assert row["r_hat_max"] == pytest.approx(max(float(r_hat[k].max()) for k in draws))
    assert row["r_hat_max"] > float(r_hat["v"].min()) > 1.5
    assert row["ess_bulk_min"] == pytest.approx(min(float(ess[k].min()) for k in draws))
    assert row["ess_bulk_min"] < 0.1 * float(ess["a"])
    assert row["ess_per_s"] == pytest.approx(row["ess_bulk_min"] / 2.0)
    only_a = sampler_report(FakeRun(draws, np.ones(1000)), 2.0, var_names="a").iloc[0]
    assert only_a["r_hat_max"] < 1.02


def test_single_chain_is_compared_half_against_half():
    drift = np.concatenate([np.zeros(300), np.full(300, 5.0)])  # second half moved
    draws = {"a": (np.random.default_rng(1).normal(size=600) + drift)[None]}
    row = sampler_report(FakeRun(draws, np.ones(600)), 1.0).iloc[0]
    halves = az.rhat(az.convert_to_dataset({"a": draws["a"].reshape(2, 300)}))["a"]
    assert row["r_hat_max"] == pytest.approx(float(halves)) and row["r_hat_max"] > 1.5


@pytest.mark.parametrize("depth, steps, pct", [
    (10, [1, 1023, 1023, 511], 50.0),
    (3, [7, 3, 1, 15], 50.0),  # 7 = 2**3 - 1 leapfrog steps is a full tree of depth 3
    ((10, 2), [3, 1, 1, 1], 25.0),  # (warmup, sampling): the sampling depth counts
])
def test_tree_depth_share_from_constructed_step_counts(depth, steps, pct):
    run = FakeRun({"a": np.random.default_rng(0).normal(size=(1, 4))}, steps, depth,
                  diverging=np.array([True, False, True, False]))
    row = sampler_report(run, 1.0).iloc[0]
    assert row["pct_max_tree_depth"] == pct and row["divergences"] == 2


def test_tree_depth_share_of_a_run_forced_to_the_limit():
    run = fit(stiff_model, random.PRNGKey(0), nuts_kwargs={"max_tree_depth": 3},
              mcmc_kwargs={"num_warmup": 100, "num_samples": 200})
    steps = np.asarray(run.mcmc.get_extra_fields()["num_steps"])
    assert run.report.iloc[0]["pct_max_tree_depth"] == pytest.approx(100 * np.mean(steps == 7))
    assert run.report.iloc[0]["pct_max_tree_depth"] > 50
    easy = fit(normal_model, random.PRNGKey(0), y=Y, mcmc_kwargs=SHORT).report.iloc[0]
    assert easy["pct_max_tree_depth"] == 0


def test_report_refuses_a_run_without_extra_fields(two_chains):
    run = FakeRun({"a": np.zeros((1, 4))}, [1, 1, 1, 1])
    del run.extra["num_steps"]
    with pytest.raises(ValueError, match='extra_fields=\\("diverging", "num_steps"\\)'):
        sampler_report(run, 1.0)


def test_posterior_float64_keeps_chains_and_casts(two_chains):
    draws = posterior_float64(two_chains.mcmc, "mu")
    assert list(draws) == ["mu"] and draws["mu"].dtype == np.float64
    np.testing.assert_array_equal(draws["mu"],
                                  two_chains.mcmc.get_samples(group_by_chain=True)["mu"])


def test_float64_summary_of_a_tiny_posterior_sd():
    x = 4.294 + 1e-5 * np.random.default_rng(0).normal(size=(2, 1000))
    run = FakeRun({"b": jnp.asarray(x, dtype=jnp.float32)}, np.ones(2000))
    assert sampler_report(run, 1.0).iloc[0]["r_hat_max"] < 1.05  # float32 variance is noise


def test_truth_in_interval_matches_the_normal_hdi():
    draws = {"mu": np.random.default_rng(0).normal(size=(20000, 2)), "s": np.ones(20000)}
    table = truth_in_interval(draws, {"mu": [0.0, 1.95], "f": 1.0}, prob=0.94)
    lo, hi = stats.norm.interval(0.94)
    np.testing.assert_allclose(table[["lower", "upper"]], [[lo, hi], [lo, hi]], atol=0.05)
    assert table["param"].tolist() == ["mu[0]", "mu[1]"]     # f: not a site, skipped
    assert table["inside"].tolist() == [True, False]
    with pytest.raises(ValueError, match="no name of truth"):
        truth_in_interval(draws, {"f": 1.0})


@pytest.mark.parametrize("prob", [0.5, 0.9])
def test_interval_coverage_is_the_share_inside_the_central_interval(prob):
    rng = np.random.default_rng(0)
    draws = rng.normal(size=(4000, 2000))
    y = rng.normal(size=2000)
    assert interval_coverage(draws, y, prob) == pytest.approx(prob, abs=0.03)
    lo, hi = stats.norm.interval(prob)  # points just inside / outside the closed-form interval
    y_edge = np.array([0.0, 0.95 * lo, 0.95 * hi, 1.1 * hi])
    assert interval_coverage(draws[:, :4] * 0 + rng.normal(size=(4000, 1)), y_edge, prob) == 0.75
    with pytest.raises(ValueError, match="num_draws"):
        interval_coverage(draws[:, :4], y_edge[:, None], prob)
