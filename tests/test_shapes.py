import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.shapes import check_observed_shapes, observed_shape_rows


def vector_model(n, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    numpyro.sample("y", dist.Normal(mu * jnp.ones(n), 1.0), obs=y)


def plate_model(n, y=None):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    with numpyro.plate("data", n):
        numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)


def mvn_model(y, plate_dim):
    n, dim = y.shape
    loc = numpyro.sample("loc", dist.Normal(0.0, 1.0))
    with numpyro.plate("units", n, dim=plate_dim):
        numpyro.sample("y", dist.MultivariateNormal(loc * jnp.ones(dim), jnp.eye(dim)), obs=y)


def factor_model(y):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    numpyro.factor("lik", dist.Normal(mu, 1.0).log_prob(y).sum())


@settings(max_examples=10)
@given(n=st.integers(1, 40))
def test_flat_observation_passes(n):
    rows = check_observed_shapes(vector_model, n, y=np.zeros(n))
    assert rows[0]["terms"] == rows[0]["expected"] == n


@settings(max_examples=10)
@given(n=st.integers(2, 40))
def test_column_observation_is_caught(n):
    with pytest.raises(ValueError) as err:
        check_observed_shapes(vector_model, n, y=np.zeros((n, 1)))
    msg = str(err.value)
    assert f"value shape ({n}, 1)" in msg
    assert f"batch shape ({n},)" in msg
    assert f"broadcast to ({n}, {n}), summing {n * n} terms instead of {n}" in msg
    assert "y.ravel()" in msg


@settings(max_examples=10)
@given(n=st.integers(1, 30))
def test_matching_shapes_pass_in_a_plate(n):
    rows = check_observed_shapes(plate_model, n, y=np.zeros(n))
    assert rows[0]["log_prob_shape"] == (n,)


@settings(max_examples=10)
@given(n=st.integers(2, 12), dim=st.integers(1, 4))
def test_mvn_with_batch_on_the_right_dim_passes(n, dim):
    rows = check_observed_shapes(mvn_model, np.zeros((n, dim)), -1)
    assert rows[0]["batch_shape"] == (n,)
    assert rows[0]["event_shape"] == (dim,)
    assert rows[0]["terms"] == n


@settings(max_examples=10)
@given(n=st.integers(2, 12), dim=st.integers(1, 4))
def test_mvn_plate_on_the_wrong_dim_is_caught(n, dim):
    with pytest.raises(ValueError, match=rf"summing {n * n} terms instead of {n}"):
        check_observed_shapes(mvn_model, np.zeros((n, dim)), -2)


def test_every_offending_site_is_named():
    def two_sites(y1, y2):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        numpyro.sample("a", dist.Normal(mu * jnp.ones(3), 1.0), obs=y1)
        numpyro.sample("b", dist.Normal(mu * jnp.ones(4), 1.0), obs=y2)

    with pytest.raises(ValueError) as err:
        check_observed_shapes(two_sites, np.zeros((3, 1)), np.zeros((4, 1)))
    assert "'a'" in str(err.value) and "'b'" in str(err.value)


def test_factor_sites_are_not_checked():
    assert check_observed_shapes(factor_model, np.zeros(5)) == []


def test_rows_describe_latent_free_models():
    rows = observed_shape_rows(vector_model, 3, y=np.zeros(3))
    assert [r["site"] for r in rows] == ["y"]
    assert rows[0]["value_shape"] == (3,)
