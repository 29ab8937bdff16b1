"""SBC: functional NUTS against the closed form; ranks and their test against SciPy."""

import jax
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd
import pytest
from scipy import stats

from helpers.linear import conjugate_linear_posterior
from helpers.sbc import functional_nuts, rank_uniformity, sbc_ranks


def test_functional_nuts_under_vmap_matches_the_conjugate_posterior(line_xy):
    X, y = line_xy

    def model(X, y=None):
        w = numpyro.sample("w", dist.Normal(0.0, 2.0).expand([1]).to_event(1))
        b = numpyro.sample("b", dist.Normal(0.0, 2.0))
        numpyro.sample("y", dist.Normal(X @ w + b, 0.5), obs=y)

    fit = functional_nuts(model, X, y, num_warmup=200, num_samples=2000, thinning=2)
    keys = jax.random.split(jax.random.PRNGKey(0), 2)
    draws = jax.jit(jax.vmap(fit, in_axes=(0, None, None)))(keys, X, y)
    assert draws["w"].shape == (2, 1000, 1) and draws["b"].shape == (2, 1000)
    mean, cov = conjugate_linear_posterior(X, y, 2.0, 0.5)
    got = np.column_stack([draws["w"][..., 0].ravel(), draws["b"].ravel()])
    sd = np.sqrt(np.diag(cov))
    assert np.all(np.abs(got.mean(0) - mean) < 4 * sd / np.sqrt(500))  # 4 MC standard errors
    np.testing.assert_allclose(got.std(0), sd, rtol=0.1)
    assert not np.allclose(draws["b"][0], draws["b"][1])  # each key its own chain


def exact_draws(seed, shrink=1.0, shift=0.0, num_draws=99):
    """Toy SBC: mu ~ N(0, 1), 5 points y ~ N(mu, 1); exact posterior draws, sd * shrink."""
    rng = np.random.default_rng(seed)
    mu = rng.normal(size=400)
    y = mu[:, None] + rng.normal(size=(400, 5))
    centre, sd = y.sum(1) / 6 + shift, np.sqrt(1 / 6) * shrink
    return {"mu": mu}, {"mu": centre[:, None] + sd * rng.normal(size=(400, num_draws))}


@pytest.mark.parametrize("draws, truth, ranks", [
    ([[0.0, 1.0, 2.0]], [0.5], [1]),
    ([[0.0, 1.0, 2.0], [5.0, 6.0, 7.0]], [-1.0, 9.0], [0, 3]),
    ([[3.0, 1.0, 2.0]], [2.5], [2]),  # draws need not be sorted
    ([[1.0, 1.0, 2.0]], [1.0], [0]),  # "below" is strict
])
def test_rank_is_the_number_of_draws_below_the_truth(draws, truth, ranks):
    got = sbc_ranks({"a": np.array(truth)}, {"a": np.array(draws), "other": np.zeros((9, 9))})
    assert got["a"].tolist() == ranks and list(got.columns) == ["a"]


def test_vector_site_gets_one_column_per_element():
    truth = {"w": np.array([[0.5, 2.5]])}
    got = sbc_ranks(truth, {"w": np.array([[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]])})
    assert got.to_dict("list") == {"w[0]": [1], "w[1]": [3]}


@pytest.mark.parametrize("truth_shape, draws_shape, expected", [
    ((3,), (5, 3), r"\(R, L\) \+ \(\) for truth of shape \(3,\)"),
    ((3, 2), (5, 3, 2), r"\(R, L\) \+ \(2,\) for truth of shape \(3, 2\)"),
])
def test_transposed_draws_are_refused_with_the_shape_to_use(truth_shape, draws_shape, expected):
    with pytest.raises(ValueError, match=expected + ".*replications first"):
        sbc_ranks({"a": np.zeros(truth_shape)}, {"a": np.zeros(draws_shape)})


@pytest.mark.parametrize("num_draws, bins", [(99, 10), (99, 20), (100, 10), (30, 7)])
def test_p_value_matches_scipy_on_brute_force_bin_counts(num_draws, bins):
    ranks = np.random.default_rng(num_draws + bins).integers(0, num_draws + 1, size=500)
    # bin k holds the ranks r with floor(r * bins / (L + 1)) == k, counted one rank at a time
    bin_of = np.array([r * bins // (num_draws + 1) for r in range(num_draws + 1)])
    observed = np.array([np.isin(ranks, np.flatnonzero(bin_of == k)).sum() for k in range(bins)])
    expected = 500 * np.array([np.mean(bin_of == k) for k in range(bins)])
    p = rank_uniformity(pd.DataFrame({"a": ranks}), num_draws=num_draws, bins=bins)["a"]
    assert p == pytest.approx(stats.chisquare(observed, expected).pvalue, rel=1e-10)


def test_uniform_ranks_pass_about_as_often_as_they_should():
    rng = np.random.default_rng(1)
    ranks = pd.DataFrame(rng.integers(0, 100, size=(200, 300)))  # 300 uniform rank sets
    p = rank_uniformity(ranks, num_draws=99)
    assert stats.kstest(p, "uniform").pvalue > 0.01  # p-values of a true null are uniform
    assert 0.0 < np.mean(p < 0.05) < 0.12


@pytest.mark.parametrize("shrink, shift, p_max", [
    (1.0, 0.0, None),   # exact posterior: no evidence against uniform ranks
    (0.5, 0.0, 1e-6),   # too narrow: ranks pile up at both ends
    (2.0, 0.0, 1e-6),   # too wide: ranks pile up in the middle
    (1.0, 0.3, 1e-6),   # biased: ranks pile up at one end
    (1.0, 5.0, 1e-100),  # hopelessly biased: every rank 0, the upper bins empty
])
def test_toy_sbc_flags_broken_posteriors(shrink, shift, p_max):
    ranks = sbc_ranks(*exact_draws(0, shrink, shift))
    p = rank_uniformity(ranks, num_draws=99)["mu"]
    assert p > 0.01 if p_max is None else p < p_max


def test_ranks_outside_0_to_num_draws_are_refused():
    with pytest.raises(ValueError, match="num_draws=9"):
        rank_uniformity(pd.DataFrame({"a": [0, 12]}), num_draws=9)
    with pytest.raises(ValueError, match="ranks lie in 0..num_draws"):
        rank_uniformity(pd.DataFrame({"a": [-1, 2]}), num_draws=9)
