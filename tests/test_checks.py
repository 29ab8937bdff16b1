import matplotlib

matplotlib.use("Agg")

import jax  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import numpyro  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from scipy import stats  # noqa: E402

from helpers.checks import (  # noqa: E402
    conjugate_linear_posterior,
    functional_nuts,
    plot_rank_histogram,
    rank_uniformity,
    sbc_ranks,
)

RNG = np.random.default_rng(3)
X = RNG.normal(size=(15, 1))
Y = 0.7 * X[:, 0] - 1.0 + 0.5 * RNG.normal(size=15)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_conjugate_posterior_matches_brute_force_grid():
    mean, cov = conjugate_linear_posterior(X, Y, prior_sd=2.0, noise_sd=0.5)
    sd = np.sqrt(np.diag(cov))
    axes = [np.linspace(m - 7 * s, m + 7 * s, 401) for m, s in zip(mean, sd, strict=True)]
    w, b = np.meshgrid(*axes, indexing="ij")
    mu = w[..., None] * X[:, 0] + b[..., None]
    logp = (stats.norm.logpdf(Y, mu, 0.5).sum(-1) + stats.norm.logpdf(w, 0, 2.0)
            + stats.norm.logpdf(b, 0, 2.0))
    p = np.exp(logp - logp.max())
    p /= p.sum()
    grid_mean = np.array([(p * w).sum(), (p * b).sum()])
    dw, db = w - grid_mean[0], b - grid_mean[1]
    grid_cov = np.array([[(p * dw * dw).sum(), (p * dw * db).sum()],
                         [(p * dw * db).sum(), (p * db * db).sum()]])
    np.testing.assert_allclose(mean, grid_mean, atol=1e-3 * sd.max())
    np.testing.assert_allclose(cov, grid_cov, rtol=1e-3, atol=1e-6)


def test_per_point_noise_equal_to_scalar_noise():
    scalar = conjugate_linear_posterior(X, Y, 2.0, 0.5)
    vector = conjugate_linear_posterior(X, Y, 2.0, np.full(15, 0.5))
    for a, b in zip(scalar, vector, strict=True):
        np.testing.assert_allclose(a, b)


@settings(deadline=None, max_examples=20)
@given(st.permutations(range(15)), st.floats(0.05, 5.0), st.floats(0.1, 10.0))
def test_conjugate_posterior_laws(order, noise_sd, prior_sd):
    mean, cov = conjugate_linear_posterior(X, Y, prior_sd, noise_sd)
    shuffled = conjugate_linear_posterior(X[list(order)], Y[list(order)], prior_sd, noise_sd)
    np.testing.assert_allclose(mean, shuffled[0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(cov, cov.T)
    assert np.all(np.linalg.eigvalsh(cov) > 0)
    assert np.all(np.diag(cov) < prior_sd**2)  # data only ever narrow the prior


def exact_draws(key, shrink):
    """Toy SBC: mu ~ N(0, 1), 5 points y ~ N(mu, 1); exact posterior draws, sd * shrink."""
    rng = np.random.default_rng(key)
    mu = rng.normal(size=400)
    y = mu[:, None] + rng.normal(size=(400, 5))
    post_mean, post_sd = y.sum(1) / 6, np.sqrt(1 / 6)
    draws = post_mean[:, None] + shrink * post_sd * rng.normal(size=(400, 99))
    return {"mu": mu}, {"mu": draws}


def test_sbc_ranks_uniform_for_correct_posterior():
    ranks = sbc_ranks(*exact_draws(0, shrink=1.0))
    assert ranks.shape == (400, 1) and ranks.attrs["num_draws"] == 99
    assert rank_uniformity(ranks)["mu"] > 0.01


def test_sbc_ranks_not_uniform_for_broken_posterior():
    ranks = sbc_ranks(*exact_draws(0, shrink=0.5))  # posterior too narrow
    assert rank_uniformity(ranks)["mu"] < 1e-6


@settings(deadline=None, max_examples=20)
@given(st.integers(1, 30), st.integers(1, 20))
def test_ranks_count_draws_below_truth(reps, num_draws):
    draws = np.tile(np.arange(num_draws, dtype=float), (reps, 1))
    truth = np.arange(reps) % (num_draws + 1) - 0.5
    ranks = sbc_ranks({"a": truth}, {"a": draws})["a"]
    np.testing.assert_array_equal(ranks, np.arange(reps) % (num_draws + 1))


def test_vector_site_gets_one_column_per_element():
    ranks = sbc_ranks({"w": np.zeros((4, 2))}, {"w": np.ones((4, 9, 2))})
    assert list(ranks.columns) == ["w[0]", "w[1]"]
    assert (ranks.to_numpy() == 0).all()


def test_functional_nuts_matches_conjugate_posterior_under_vmap():
    def model(X, y=None):
        w = numpyro.sample("w", dist.Normal(0.0, 2.0).expand([1]).to_event(1))
        b = numpyro.sample("b", dist.Normal(0.0, 2.0))
        numpyro.sample("y", dist.Normal(X @ w + b, 0.5), obs=y)

    fit = functional_nuts(model, X, Y, num_warmup=200, num_samples=1000, thinning=1)
    keys = jax.random.split(jax.random.PRNGKey(0), 2)
    draws = jax.jit(jax.vmap(fit, in_axes=(0, None, None)))(keys, X, Y)
    assert draws["w"].shape == (2, 1000, 1) and draws["b"].shape == (2, 1000)
    mean, cov = conjugate_linear_posterior(X, Y, 2.0, 0.5)
    got = np.array([draws["w"][..., 0].mean(), draws["b"].mean()])
    assert np.all(np.abs(got - mean) < 4 * np.sqrt(np.diag(cov) / 500))  # 4 MC standard errors


def test_plot_rank_histogram_returns_axes_and_bars():
    truth, draws = exact_draws(1, shrink=1.0)
    _, ax = plt.subplots()
    assert plot_rank_histogram(sbc_ranks(truth, draws)["mu"], 99, bins=20, ax=ax) is ax
    bars = ax.containers[0]
    assert len(bars) == 20 and sum(p.get_height() for p in bars) == 400


# Bad input: each message says what was expected and what to do.
def test_bad_design_shapes():
    with pytest.raises(ValueError, match=r"y shape \(n,\).*y.ravel\(\)"):
        conjugate_linear_posterior(X, Y[:, None], 1.0, 1.0)


def test_bad_noise_sd():
    with pytest.raises(ValueError, match="noise_sd must be finite and > 0"):
        conjugate_linear_posterior(X, Y, 1.0, -1.0)


def test_bad_prior_sd():
    with pytest.raises(ValueError, match="prior_sd must be > 0"):
        conjugate_linear_posterior(X, Y, 0.0, 1.0)


def test_missing_site_in_draws():
    with pytest.raises(ValueError, match=r"truth has sites \['b'\] that draws lacks"):
        sbc_ranks({"b": np.zeros(3)}, {"a": np.zeros((3, 5))})


def test_draws_shape_mismatch():
    with pytest.raises(ValueError, match=r"must have shape \(R, L\)"):
        sbc_ranks({"a": np.zeros(3)}, {"a": np.zeros((4, 5))})


def test_bins_must_split_ranks_evenly():
    ranks = pd.DataFrame({"a": np.arange(10)})
    with pytest.raises(ValueError, match="do not split into 10 equal bins"):
        rank_uniformity(ranks, num_draws=100)


def test_rank_uniformity_needs_num_draws():
    with pytest.raises(ValueError, match="pass num_draws=L"):
        rank_uniformity(pd.DataFrame({"a": np.arange(10)}))


def test_rank_uniformity_needs_dataframe():
    with pytest.raises(ValueError, match="must be the DataFrame sbc_ranks returns"):
        rank_uniformity(np.arange(10), num_draws=99)


def test_ranks_out_of_range():
    with pytest.raises(ValueError, match=r"ints in \[0, 9\]"):
        plot_rank_histogram(np.array([0, 12]), 9, bins=5)


def test_bad_prob():
    with pytest.raises(ValueError, match=r"prob must lie in \(0, 1\)"):
        plot_rank_histogram(np.arange(10), 9, bins=5, prob=1.5)


def test_bad_thinning():
    with pytest.raises(ValueError, match="thinning must be an integer >= 1"):
        functional_nuts(lambda: None, thinning=0)
