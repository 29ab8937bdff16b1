import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.data import forum_dataset
from helpers.identify import (
    flat_directions,
    least_squares,
    observed_log_likelihood,
    rescale,
    rescale_invariance,
)

DATA = forum_dataset(2)


def scaled(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    f = numpyro.sample("f", dist.Normal(0.0, 2.5))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    numpyro.sample("y", dist.Normal(f * (X @ w + b), sigma), obs=y)


def plain(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    numpyro.sample("y", dist.Normal(X @ w + b, sigma), obs=y)


def mle(f=0.534):
    fit = least_squares(DATA.X, DATA.y)
    coef = fit["coef"]
    return coef, {"f": jnp.array(f), "w": jnp.array(coef[:2] / f), "b": jnp.array(coef[2] / f),
                  "sigma": jnp.array(fit["sigma"])}


def loglik(params):
    return observed_log_likelihood(scaled, params, DATA.X, y=DATA.y)


@settings(max_examples=15)
@given(c=st.one_of(st.floats(-20, -0.05), st.floats(0.05, 20)))
def test_loglik_is_invariant_under_rescaling(c):
    _, params = mle()
    table = rescale_invariance(loglik, params, [c])
    assert abs(table.loc[0, "difference"]) < 1e-3 * abs(table.loc[0, "loglik"])


def test_rescale_invariance_table_columns():
    _, params = mle()
    table = rescale_invariance(loglik, params, [-1.0, 2.0])
    assert table.columns.tolist() == ["c", "loglik", "difference"]
    assert table["c"].tolist() == [-1.0, 2.0]


def test_rescale_moves_parameters():
    out = rescale({"f": 2.0, "w": np.array([4.0, 8.0]), "b": 6.0, "sigma": 1.0}, -2.0)
    assert out["f"] == -4.0 and out["b"] == -3.0 and out["sigma"] == 1.0
    np.testing.assert_array_equal(out["w"], [-2.0, -4.0])


@pytest.mark.parametrize("c", [0.0, float("nan"), float("inf")])
def test_rescale_rejects_bad_scale(c):
    with pytest.raises(ValueError, match="finite and non-zero"):
        rescale({"f": 1.0, "w": 1.0, "b": 1.0}, c)


def test_rescale_names_missing_key():
    with pytest.raises(ValueError, match=r"params has no \['b'\]"):
        rescale({"f": 1.0, "w": 1.0}, 2.0)


def test_observed_log_likelihood_leaves_priors_out():
    _, params = mle()
    design_mu = params["f"] * (DATA.X @ params["w"] + params["b"])
    expected = dist.Normal(design_mu, params["sigma"]).log_prob(DATA.y).sum()
    np.testing.assert_allclose(loglik(params), expected, rtol=1e-6)


def test_scaled_model_has_one_flat_direction_along_the_ridge():
    coef, params = mle()
    result = flat_directions(scaled, params, DATA.X, y=DATA.y)
    assert result["names"] == ["b", "f", "sigma", "w[0]", "w[1]"]
    assert result["flat"].tolist() == [0]
    f, w, b = 0.534, coef[:2] / 0.534, coef[2] / 0.534
    tangent = np.array([-b, f, 0.0, -w[0], -w[1]])  # d/dc (c f, w / c, b / c) at c = 1
    cosine = abs(result["directions"][:, 0] @ tangent) / np.linalg.norm(tangent)
    assert cosine > 0.999


def test_identified_model_has_no_flat_direction():
    coef, params = mle()
    plain_params = {"w": jnp.array(coef[:2]), "b": jnp.array(coef[2]), "sigma": params["sigma"]}
    result = flat_directions(plain, plain_params, DATA.X, y=DATA.y)
    assert result["flat"].size == 0
    assert result["eigenvalues"].min() > 0.1


def test_flat_directions_rejects_bad_tol():
    _, params = mle()
    with pytest.raises(ValueError, match="tol must be > 0"):
        flat_directions(scaled, params, DATA.X, y=DATA.y, tol=0)


def test_flat_directions_names_unused_parameter():
    def unused(X, y=None):
        numpyro.sample("ghost", dist.Normal(0.0, 1.0))
        plain(X, y)

    coef, params = mle()
    p = {"w": jnp.array(coef[:2]), "b": jnp.array(coef[2]), "sigma": params["sigma"],
         "ghost": jnp.array(0.0)}
    with pytest.raises(ValueError, match=r"does not depend on \['ghost'\]"):
        flat_directions(unused, p, DATA.X, y=DATA.y)


def test_least_squares_recovers_the_products():
    fit = least_squares(DATA.X, DATA.y)
    truth = DATA.truth["f"] * np.append(DATA.truth["weights"], DATA.truth["b"])
    assert np.all(np.abs(fit["coef"] - truth) < 5 * fit["se"])
    assert 0.5e-3 < fit["sigma"] < 2e-3


@settings(deadline=None, max_examples=20)
@given(st.integers(min_value=0, max_value=10_000))
def test_least_squares_se_shrinks_with_more_data(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(400, 2))
    y = X @ np.array([1.0, -2.0]) + 0.5 + rng.normal(size=400)
    ratio = least_squares(X[:100], y[:100])["se"] / least_squares(X, y)["se"]
    assert np.all((ratio > 1.3) & (ratio < 3.0))  # about sqrt(4) = 2


@pytest.mark.parametrize("X, y", [(np.ones(5), np.ones(5)), (np.ones((5, 2)), np.ones(4)),
                                  (np.ones((3, 2)), np.ones(3))])
def test_least_squares_rejects_bad_shapes(X, y):
    with pytest.raises(ValueError, match="expected X of shape"):
        least_squares(X, y)
