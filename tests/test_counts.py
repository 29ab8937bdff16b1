"""helpers.counts: simulators vs closed forms and SciPy pmfs; the PPC table by brute force."""

import numpy as np
import pytest
from scipy import special, stats

from helpers.counts import (
    DEFAULT_STATISTICS,
    ppc_table,
    share_of_zeros,
    simulate_binary,
    simulate_mixture,
    simulate_overdispersed_counts,
)

N = 40_000


def chi_square_p(y, pmf, k_max):
    """p-value of a chi-square test of integer data against a pmf on 0..k_max (tail pooled)."""
    observed = np.bincount(np.minimum(y, k_max + 1), minlength=k_max + 2)
    expected = np.append(pmf, 1 - pmf.sum()) * len(y)
    return stats.chisquare(observed, expected).pvalue


def test_negative_binomial_variance_matches_its_closed_form():
    mu, c = np.exp(1.0), 1.5
    y = simulate_overdispersed_counts(n=N, a=1.0, b=0.0, concentration=c, seed=1).y
    centred = y - y.mean()
    se_var = np.sqrt(np.mean(centred**4) - np.var(y) ** 2) / np.sqrt(N)
    assert abs(y.mean() - mu) < 4 * y.std() / np.sqrt(N)
    assert abs(y.var() - (mu + mu**2 / c)) < 4 * se_var
    assert y.var() > 2 * y.mean()          # overdispersed: a Poisson would have var = mean


def test_negative_binomial_counts_follow_scipys_pmf():
    mu, c = np.exp(1.0), 1.5
    y = simulate_overdispersed_counts(n=N, a=1.0, b=0.0, concentration=c, seed=2).y
    pmf = stats.nbinom.pmf(np.arange(16), c, c / (c + mu))   # SciPy's (n, p) parameterisation
    assert chi_square_p(y, pmf, 15) > 1e-3


def test_negative_binomial_mean_follows_the_log_link():
    data = simulate_overdispersed_counts(n=N, a=0.5, b=0.8, concentration=3.0, seed=3)
    high = data.x > 1.0
    expected = np.exp(0.5 + 0.8 * data.x[high]).mean()
    assert abs(data.y[high].mean() - expected) < 4 * data.y[high].std() / np.sqrt(high.sum())


@pytest.mark.parametrize("trials", [1, 10])
def test_binary_outcomes_follow_scipys_binomial_pmf(trials):
    y = simulate_binary(n=N, a=-0.5, b=0.0, trials=trials, seed=5).y
    pmf = stats.binom.pmf(np.arange(trials + 1), trials, special.expit(-0.5))
    assert y.min() >= 0 and y.max() <= trials
    assert chi_square_p(y, pmf[:-1], trials - 1) > 1e-3


def test_binary_success_rate_rises_with_x_when_b_is_positive():
    data = simulate_binary(n=N, a=0.0, b=2.0, seed=6)
    assert data.y[data.x > 1].mean() > 0.85 > 0.15 > data.y[data.x < -1].mean()


def test_mixture_components_have_the_stated_weights_locations_and_scale():
    data = simulate_mixture(n=N, locs=(-1.0, 2.0), scale=0.7, weights=(0.4, 0.6), seed=7)
    z = data.truth["z"]
    assert abs(np.mean(z == 0) - 0.4) < 4 * np.sqrt(0.24 / N)
    for k, loc in enumerate([-1.0, 2.0]):
        assert abs(data.y[z == k].mean() - loc) < 4 * 0.7 / np.sqrt(np.sum(z == k))
        assert abs(data.y[z == k].std() - 0.7) < 0.02


def test_mixture_rejects_locs_and_weights_of_different_lengths():
    with pytest.raises(ValueError, match="one entry per component"):
        simulate_mixture(locs=(0.0, 1.0, 2.0), weights=(0.5, 0.5))


def test_simulators_share_x_for_the_same_seed_and_n_and_freeze_their_arrays():
    counts = simulate_overdispersed_counts(n=30, seed=8)
    binary = simulate_binary(n=30, seed=8)
    np.testing.assert_array_equal(counts.x, binary.x)
    assert not np.array_equal(counts.x, simulate_overdispersed_counts(n=30, seed=9).x)
    with pytest.raises(ValueError, match="read-only"):
        counts.y[0] = 1


def test_truth_is_keyed_by_the_model_site_names():
    assert sorted(simulate_overdispersed_counts(n=5).truth) == ["a", "b", "concentration"]
    assert sorted(simulate_binary(n=5).truth) == ["a", "b"]
    assert sorted(simulate_mixture(n=5).truth) == ["locs", "scale", "weights", "z"]


def test_share_of_zeros_counts_zeros_by_brute_force():
    values = np.random.default_rng(10).poisson(1.0, size=(7, 13))
    expected = [sum(v == 0 for v in row) / 13 for row in values]
    np.testing.assert_allclose(share_of_zeros(values), expected)


def test_ppc_table_matches_a_brute_force_p_value_and_interval():
    rng = np.random.default_rng(11)
    y, rep = rng.poisson(2.0, 30), rng.poisson(2.0, (500, 30))
    table = ppc_table(y, rep, prob=0.9)
    for name, statistic in DEFAULT_STATISTICS.items():
        t_rep = np.array([statistic(r) for r in rep])
        row = table.loc[name]
        assert row["observed"] == pytest.approx(statistic(y))
        assert row["p_value"] == pytest.approx(np.mean(t_rep >= statistic(y)))
        assert row["lower"] == pytest.approx(np.quantile(t_rep, 0.05))
        assert row["upper"] == pytest.approx(np.quantile(t_rep, 0.95))


def test_ppc_table_flags_overdispersed_data_against_poisson_replicates():
    rng = np.random.default_rng(12)
    y = simulate_overdispersed_counts(n=200, a=1.0, b=0.0, concentration=1.0, seed=12).y
    rep = rng.poisson(y.mean(), (1000, 200))
    table = ppc_table(y, rep)
    assert table.loc["variance", "p_value"] < 0.01
    assert table.loc["share of zeros", "p_value"] < 0.01


def test_ppc_table_accepts_chains_and_draws():
    rng = np.random.default_rng(13)
    y, rep = rng.poisson(2.0, 20), rng.poisson(2.0, (2, 100, 20))
    flat = ppc_table(y, rep.reshape(200, 20))
    assert ppc_table(y, rep).equals(flat)


def test_ppc_table_rejects_replicates_whose_last_axis_is_not_the_data():
    rng = np.random.default_rng(14)
    y, rep = rng.poisson(2.0, 20), rng.poisson(2.0, (20, 300))
    with pytest.raises(ValueError, match=r"\(20, 300\).*last axis is the data axis"):
        ppc_table(y, rep)
