import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from jax import random
from numpyro.infer import MCMC, NUTS

from helpers.diagnostics import (
    EXTRA_FIELDS,
    posterior_float64,
    sampler_report,
    timed_run,
    truth_in_interval,
)


def normal_model(y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 10.0))
    numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)


Y = np.random.default_rng(0).normal(2.0, 1.0, size=30)


@pytest.fixture(scope="module")
def run():
    mcmc = MCMC(NUTS(normal_model), num_warmup=200, num_samples=400, num_chains=2,
                chain_method="sequential", progress_bar=False)
    seconds = timed_run(mcmc, random.PRNGKey(0), y=Y)
    return mcmc, seconds


def test_timed_run_collects_extra_fields(run):
    mcmc, seconds = run
    assert seconds > 0
    assert set(EXTRA_FIELDS) <= set(mcmc.get_extra_fields())


def test_report_row_for_a_converged_run(run):
    mcmc, seconds = run
    row = sampler_report(mcmc, seconds, name="normal").loc["normal"]
    assert 1.0 - 1e-3 < row["r_hat_max"] < 1.01
    assert 200 < row["ess_bulk_min"] < 2000
    assert row["ess_per_s"] == pytest.approx(row["ess_bulk_min"] / seconds)
    assert row["divergences"] == 0 and row["pct_max_tree_depth"] == 0.0


def test_report_flags_stuck_chains(run):
    mcmc, seconds = run

    class Shifted:  # two chains that disagree: r_hat must notice
        num_chains, num_samples, sampler = 2, 400, mcmc.sampler

        def get_samples(self, group_by_chain=False):
            draws = np.asarray(mcmc.get_samples(group_by_chain=True)["mu"])
            return {"mu": draws + np.array([[0.0], [5.0]])}

        def get_extra_fields(self):
            return mcmc.get_extra_fields()

    assert sampler_report(Shifted(), seconds).iloc[0]["r_hat_max"] > 1.5


def test_single_chain_is_split_in_halves():
    mcmc = MCMC(NUTS(normal_model), num_warmup=100, num_samples=300, progress_bar=False)
    seconds = timed_run(mcmc, random.PRNGKey(1), y=Y)
    assert np.isfinite(sampler_report(mcmc, seconds).iloc[0]["r_hat_max"])


def test_report_needs_extra_fields():
    mcmc = MCMC(NUTS(normal_model), num_warmup=50, num_samples=50, progress_bar=False)
    mcmc.run(random.PRNGKey(0), y=Y)
    with pytest.raises(ValueError, match=r"no extra field\(s\) \['num_steps'\]"):
        sampler_report(mcmc, 1.0)


@pytest.mark.parametrize("seconds", [0, -1.0, float("nan")])
def test_report_rejects_bad_seconds(run, seconds):
    with pytest.raises(ValueError, match="seconds must be > 0"):
        sampler_report(run[0], seconds)


def test_posterior_float64_casts_and_checks_names(run):
    draws = posterior_float64(run[0])
    assert draws["mu"].dtype == np.float64 and draws["mu"].shape == (2, 400)
    with pytest.raises(ValueError, match=r"var_names \['nu'\] are not sites"):
        posterior_float64(run[0], ["nu"])


def test_truth_in_interval_inside_and_outside(run):
    samples = run[0].get_samples()
    table = truth_in_interval(samples, {"mu": float(Y.mean())})
    assert table["inside"].all()
    assert not truth_in_interval(samples, {"mu": 100.0})["inside"].any()


def test_truth_in_interval_vector_sites_get_one_row_each():
    draws = {"w": np.random.default_rng(0).normal(size=(1000, 3))}
    table = truth_in_interval(draws, {"w": np.zeros(3)}, prob=0.5)
    assert table["param"].tolist() == ["w[0]", "w[1]", "w[2]"]
    assert (table["upper"] - table["lower"]).between(1.0, 1.7).all()  # 50% of N(0,1): 1.35


def test_truth_in_interval_bad_inputs():
    draws = {"w": np.zeros((10, 2))}
    with pytest.raises(ValueError, match="not in samples"):
        truth_in_interval(draws, {"v": 0.0})
    with pytest.raises(ValueError, match=r"shape \(3,\), but one draw of 'w' has shape \(2,\)"):
        truth_in_interval(draws, {"w": np.zeros(3)})
    with pytest.raises(ValueError, match="prob must lie in"):
        truth_in_interval(draws, {"w": np.zeros(2)}, prob=1.0)
