"""The Normal log density against SciPy (values and gradient); noise scales inside a model."""

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from scipy import stats

from helpers.noise import normal_log_density, normal_scale


def test_log_density_matches_scipy_with_broadcasting():
    rng = np.random.default_rng(0)
    y, mu, sigma = rng.normal(size=(4, 1)), rng.normal(size=3), np.array([0.1, 1.0, 30.0])
    got = normal_log_density(y, mu, sigma)
    assert got.shape == (4, 3)
    np.testing.assert_allclose(got, stats.norm.logpdf(y, mu, sigma), rtol=1e-6)


def test_log_density_is_numpyros_and_differentiable_under_jit():
    y = jnp.array([0.3, -1.2, 2.0])

    def total(mu, sigma):
        return normal_log_density(y, mu, sigma).sum()

    np.testing.assert_allclose(total(0.5, 2.0), dist.Normal(0.5, 2.0).log_prob(y).sum(),
                               rtol=1e-6)
    d_mu, d_sigma = jax.jit(jax.grad(total, argnums=(0, 1)))(0.5, 2.0)
    np.testing.assert_allclose(d_mu, np.sum(y - 0.5) / 4.0, rtol=1e-5)          # sum (y-mu)/s^2
    np.testing.assert_allclose(d_sigma, -3 / 2.0 + np.sum((y - 0.5) ** 2) / 8.0, rtol=1e-5)


@pytest.mark.parametrize("kwargs", [{"sd": 0.5}, {"variance": 0.25}, {"precision": 4.0},
                                    {"variance": np.array([0.25, 0.25])}])
def test_each_spelling_gives_the_sd(kwargs):
    np.testing.assert_allclose(normal_scale(**kwargs), 0.5)


def test_scale_works_on_tracers_inside_a_model():
    def model(var):
        return numpyro.sample("x", dist.Normal(0.0, normal_scale(variance=var)))

    trace = jax.jit(lambda v: numpyro.handlers.trace(numpyro.handlers.seed(model, 0))
                    .get_trace(v)["x"]["fn"].scale)(4.0)
    assert float(trace) == 2.0
    assert float(jax.grad(lambda p: normal_scale(precision=p))(4.0)) == pytest.approx(-1 / 16)


@pytest.mark.parametrize("kwargs", [{}, {"sd": 1.0, "variance": 1.0}])
def test_not_exactly_one_spelling_is_refused(kwargs):
    with pytest.raises(ValueError, match="exactly one of sd, variance, precision"):
        normal_scale(**kwargs)
