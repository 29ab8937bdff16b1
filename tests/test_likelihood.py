import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays, broadcastable_shapes
from numpyro.infer.util import log_density
from scipy import stats

from helpers.data import forum_dataset
from helpers.likelihood import normal_log_density, site_role, site_table


def linear(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0 * jnp.ones(X.shape[1])))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    numpyro.sample("y", dist.Normal(X @ w + b, sigma), obs=y)


def linear_factor(X, y):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0 * jnp.ones(X.shape[1])))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    numpyro.factor("y", dist.Normal(X @ w + b, sigma).log_prob(y).sum())


DATA = forum_dataset(1, n=20)
PARAMS = {"w": jnp.array([-0.9]), "b": jnp.array(4.2), "sigma": jnp.array(0.3)}


def test_site_table_rows_and_roles():
    table = site_table(linear, PARAMS, DATA.X, y=DATA.y)
    assert table["site"].tolist() == ["w", "b", "sigma", "y"]
    assert table["role"].tolist() == ["prior", "prior", "prior", "likelihood"]
    assert table.loc[3, "value_shape"] == (20,)
    assert table.loc[3, "log_prob_shape"] == (20,)


def test_site_table_total_equals_log_density():
    table = site_table(linear, PARAMS, DATA.X, y=DATA.y)
    expected = float(log_density(linear, (DATA.X,), {"y": DATA.y}, PARAMS)[0])
    assert table.attrs["total"] == pytest.approx(expected, rel=1e-6)
    assert table["log_prob"].sum() == pytest.approx(expected, rel=1e-5)


def test_site_table_likelihood_matches_scipy():
    table = site_table(linear, PARAMS, DATA.X, y=DATA.y)
    mu = DATA.X @ np.asarray(PARAMS["w"]) + 4.2
    by_hand = stats.norm.logpdf(DATA.y, mu, 0.3).sum()
    assert table.set_index("site").loc["y", "log_prob"] == pytest.approx(by_hand, rel=1e-5)


def test_site_table_labels_factor_sites():
    table = site_table(linear_factor, PARAMS, DATA.X, DATA.y)
    assert table.set_index("site").loc["y", "role"] == "factor"
    plain = site_table(linear, PARAMS, DATA.X, y=DATA.y)
    assert table.attrs["total"] == pytest.approx(plain.attrs["total"], rel=1e-6)


def test_site_role_of_traced_sites():
    tr = numpyro.handlers.trace(numpyro.handlers.seed(linear_factor, 0)).get_trace(
        DATA.X, DATA.y
    )
    assert [site_role(s) for s in tr.values()] == ["prior", "prior", "prior", "factor"]


def test_site_table_missing_param_names_site():
    params = {k: v for k, v in PARAMS.items() if k != "sigma"}
    with pytest.raises(ValueError, match=r"no value for latent site\(s\) \['sigma'\]"):
        site_table(linear, params, DATA.X, y=DATA.y)


def test_site_table_extra_param_names_site():
    params = {**PARAMS, "y": DATA.y}
    with pytest.raises(ValueError, match=r"\['y'\], which are not latent sites"):
        site_table(linear, params, DATA.X, y=DATA.y)


@given(
    y=st.floats(-50, 50),
    mu=st.floats(-50, 50),
    sigma=st.floats(1e-2, 50),
)
def test_normal_log_density_matches_scipy_scalars(y, mu, sigma):
    got = float(normal_log_density(np.float64(y), np.float64(mu), np.float64(sigma)))
    np.testing.assert_allclose(got, stats.norm.logpdf(y, mu, sigma), rtol=1e-4, atol=1e-4)


@given(data=st.data())
def test_normal_log_density_broadcasts_like_numpy(data):
    shape_y = data.draw(array_shapes(min_dims=0, max_dims=3, max_side=4))
    shape_s = data.draw(broadcastable_shapes(shape_y, min_dims=0, max_dims=3))
    y = data.draw(arrays(np.float64, shape_y, elements=st.floats(-5, 5)))
    sigma = data.draw(arrays(np.float64, shape_s, elements=st.floats(0.1, 5)))
    got = np.asarray(normal_log_density(y, 0.5, sigma))
    want = stats.norm.logpdf(y, 0.5, sigma)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_normal_log_density_equals_numpyro_normal():
    y, mu, sigma = jnp.linspace(-2, 2, 7), 0.3, 0.7
    np.testing.assert_allclose(
        normal_log_density(y, mu, sigma), dist.Normal(mu, sigma).log_prob(y), rtol=1e-6
    )


def test_normal_log_density_works_under_grad():
    grad = jax.grad(lambda s: normal_log_density(1.0, 0.0, s))(2.0)
    # d/ds [-log s - 1/(2 s^2)] = -1/s + 1/s^3
    assert float(grad) == pytest.approx(-0.5 + 0.125, rel=1e-6)


@pytest.mark.parametrize("sigma", [0.0, -1.0, np.array([1.0, -0.5])])
def test_normal_log_density_rejects_nonpositive_sigma(sigma):
    with pytest.raises(ValueError, match="sigma must be > 0 .* pass its square root"):
        normal_log_density(0.0, 0.0, sigma)


def test_normal_log_density_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"must broadcast together, got shapes \[\(3,\), \(2,\)"):
        normal_log_density(np.zeros(3), np.zeros(2), 1.0)


def test_trace_table_lists_sites_in_order_with_observed_flag():
    from helpers.likelihood import trace_table

    tr = numpyro.handlers.trace(numpyro.handlers.seed(linear, 3)).get_trace(DATA.X, y=DATA.y)
    table = trace_table(tr)
    assert table["site"].tolist() == ["w", "b", "sigma", "y"]
    assert table["observed"].tolist() == [False, False, False, True]
    assert table["distribution"].tolist() == ["Normal", "Normal", "Uniform", "Normal"]
    np.testing.assert_array_equal(table.loc[3, "value"], DATA.y)
    unobserved = trace_table(
        numpyro.handlers.trace(numpyro.handlers.seed(linear, 3)).get_trace(DATA.X)
    )
    assert not unobserved["observed"].any()
    assert unobserved.loc[3, "value_shape"] == (20,)


def test_site_table_handles_improper_priors():
    def improper(y):
        mu = numpyro.sample("mu", dist.ImproperUniform(dist.constraints.real, (), ()))
        numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)

    table = site_table(improper, {"mu": jnp.array(0.5)}, y=jnp.zeros(3))
    assert table["role"].tolist() == ["prior", "likelihood"]
    assert table.loc[0, "log_prob"] == 0.0
