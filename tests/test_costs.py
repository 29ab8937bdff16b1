import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax import random
from numpyro.infer import MCMC, NUTS, Predictive

from helpers.costs import (
    density_differences,
    draw_differences,
    likelihood_costs,
    loo_data_points,
    predictive_outcome,
    run_with_tuning_of,
    site_log_likelihood,
)
from helpers.data import forum_dataset

DATA = forum_dataset(1, n=20)
KEY = random.PRNGKey(0)


def priors(X):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    return X @ w + b, sigma


def model_obs(X, y=None):
    mu, sigma = priors(X)
    numpyro.sample("y", dist.Normal(mu, sigma), obs=y)


def model_factor(X, y=None):
    mu, sigma = priors(X)
    numpyro.factor("y", dist.Normal(mu, sigma).log_prob(y))


def model_summed(X, y=None):
    mu, sigma = priors(X)
    numpyro.factor("y", dist.Normal(mu, sigma).log_prob(y).sum())


def model_guarded(X, y=None):
    mu, sigma = priors(X)
    if y is not None:
        numpyro.factor("y", dist.Normal(mu, sigma).log_prob(y))


def model_wider_noise(X, y=None):
    mu, sigma = priors(X)
    numpyro.sample("y", dist.Normal(mu, 2 * sigma), obs=y)


def model_no_b(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    numpyro.sample("y", dist.Normal(X @ w, 1.0), obs=y)


def posterior_like(num=200, seed=1):
    rng = np.random.default_rng(seed)
    return {
        "w": jnp.asarray(-0.96 + 0.02 * rng.normal(size=(num, 1))),
        "b": jnp.asarray(4.29 + 0.02 * rng.normal(size=num)),
        "sigma": jnp.asarray(0.1 + 0.01 * np.abs(rng.normal(size=num))),
    }


POINTS = {
    "w": jnp.array([[-1.0], [-0.5], [0.2]]),
    "b": jnp.array([4.0, 4.3, 3.0]),
    "sigma": jnp.array([0.1, 0.5, 2.0]),
}


@pytest.fixture(scope="module")
def fitted():
    mcmc = MCMC(NUTS(model_obs), num_warmup=100, num_samples=100, progress_bar=False)
    mcmc.run(KEY, DATA.X, y=DATA.y)
    return mcmc


# density_differences


def test_factor_equals_observed_site_exactly():
    table = density_differences(
        {"obs": model_obs, "factor": model_factor, "summed": model_summed},
        POINTS, DATA.X, y=DATA.y,
    )
    assert list(table.index) == ["obs", "factor", "summed"]
    assert list(table.columns) == ["log_density", "potential_energy", "gradient"]
    assert (table.loc["factor"] == 0).all()
    assert (table < 1e-6).all().all()
    log_densities = table.attrs["log_density"]
    assert log_densities.shape == (3, 3) and list(log_densities.columns) == list(table.index)
    np.testing.assert_allclose(log_densities["summed"], log_densities["obs"], rtol=1e-6)


@settings(deadline=None, max_examples=3)
@given(w=st.floats(-3, 3), b=st.floats(-5, 5), sigma=st.floats(0.05, 5))
def test_a_different_likelihood_is_detected(w, b, sigma):
    points = {"w": jnp.array([[w]]), "b": jnp.array([b]), "sigma": jnp.array([sigma])}
    table = density_differences(
        {"obs": model_obs, "wider": model_wider_noise}, points, DATA.X, y=DATA.y
    )
    assert table.loc["obs"].eq(0).all()
    assert table.loc["wider", "log_density"] > 1e-4


def test_density_differences_rejects_one_model():
    with pytest.raises(ValueError, match="at least two models"):
        density_differences({"obs": model_obs}, POINTS, DATA.X, y=DATA.y)


def test_density_differences_rejects_ragged_points():
    ragged = {**POINTS, "b": jnp.array([4.0, 4.3])}
    with pytest.raises(ValueError, match="same leading axis.*'b': 2"):
        density_differences({"a": model_obs, "b": model_factor}, ragged, DATA.X, y=DATA.y)


def test_density_differences_rejects_scalar_points():
    with pytest.raises(ValueError, match="same leading axis"):
        density_differences({"a": model_obs, "b": model_factor}, {"w": 1.0}, DATA.X, y=DATA.y)


def test_density_differences_rejects_models_with_other_latent_sites():
    points = {"w": POINTS["w"]}
    with pytest.raises(ValueError, match=r"model 'b' has latent sites \['w', 'extra'\]"):
        density_differences({"a": model_no_b, "b": model_no_b_plus}, points, DATA.X, y=DATA.y)


def model_no_b_plus(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([X.shape[1]]).to_event(1))
    extra = numpyro.sample("extra", dist.Normal(0.0, 1.0))
    numpyro.sample("y", dist.Normal(X @ w + extra, 1.0), obs=y)


def test_density_differences_rejects_points_for_observed_sites():
    points = {**POINTS, "y": jnp.zeros((3, 20))}
    with pytest.raises(ValueError, match="points has values for.*'y'"):
        density_differences({"a": model_obs, "b": model_factor}, points, DATA.X, y=DATA.y)


# run_with_tuning_of and draw_differences


def test_same_density_same_draws(fitted):
    runs = {
        name: run_with_tuning_of(fitted, model, random.PRNGKey(3), DATA.X, y=DATA.y)
        for name, model in {"obs": model_obs, "factor": model_factor}.items()
    }
    table = draw_differences(runs)
    assert sorted(table.columns) == ["b", "sigma", "w"]
    assert (table.to_numpy() == 0).all()
    assert runs["obs"].get_samples()["b"].shape == (fitted.num_samples,)


def test_run_with_tuning_of_keeps_the_tuning(fitted):
    run = run_with_tuning_of(fitted, model_obs, random.PRNGKey(4), DATA.X, y=DATA.y)
    assert run.num_warmup == 0
    np.testing.assert_allclose(
        run.last_state.adapt_state.step_size, fitted.last_state.adapt_state.step_size
    )


def test_run_with_tuning_of_rejects_unrun_mcmc():
    mcmc = MCMC(NUTS(model_obs), num_warmup=10, num_samples=10, progress_bar=False)
    with pytest.raises(ValueError, match="finished single-chain run.*Run it first"):
        run_with_tuning_of(mcmc, model_obs, KEY, DATA.X, y=DATA.y)


def test_draw_differences_rejects_mismatched_runs(fitted):
    short = MCMC(NUTS(model_obs), num_warmup=10, num_samples=10, progress_bar=False)
    short.run(KEY, DATA.X, y=DATA.y)
    with pytest.raises(ValueError, match="same num_samples"):
        draw_differences({"a": fitted, "b": short})


def test_draw_differences_rejects_no_runs():
    with pytest.raises(ValueError, match="at least one"):
        draw_differences({})


# predictive_outcome, site_log_likelihood, loo_data_points


def test_predictive_outcome_reports_shape_failure_and_absence():
    samples = posterior_like(30)
    assert predictive_outcome(model_obs, KEY, DATA.X, num_samples=7) == (7, 20)
    assert predictive_outcome(model_obs, KEY, DATA.X, posterior_samples=samples) == (30, 20)
    assert predictive_outcome(model_factor, KEY, DATA.X, num_samples=7) == "fails (TypeError)"
    assert predictive_outcome(model_guarded, KEY, DATA.X, posterior_samples=samples) == "no 'y'"


def test_predictive_outcome_needs_exactly_one_mode():
    with pytest.raises(ValueError, match="exactly one of posterior_samples"):
        predictive_outcome(model_obs, KEY, DATA.X)
    with pytest.raises(ValueError, match="exactly one of posterior_samples"):
        predictive_outcome(model_obs, KEY, DATA.X, num_samples=3, posterior_samples={})


def test_site_log_likelihood_shape_per_point_or_summed():
    samples = posterior_like(40)
    per_point = site_log_likelihood(model_factor, samples, DATA.X, y=DATA.y)
    summed = site_log_likelihood(model_summed, samples, DATA.X, y=DATA.y)
    assert per_point.shape == (40, 20) and summed.shape == (40,)
    np.testing.assert_allclose(per_point.sum(axis=1), summed, rtol=1e-5)


def test_site_log_likelihood_rejects_unknown_site():
    with pytest.raises(ValueError, match="no observed or factor site 'z'.*\\['y'\\]"):
        site_log_likelihood(model_obs, posterior_like(5), DATA.X, site="z", y=DATA.y)


@settings(deadline=None, max_examples=5)
@given(n=st.integers(2, 30))
def test_loo_sees_one_point_per_column(n):
    log_lik = np.random.default_rng(n).normal(-1.0, 0.05, size=(300, n))
    points, caught = loo_data_points(log_lik)
    assert points == n and caught == []


def test_loo_on_summed_log_likelihood_sees_one_point_and_warns():
    points, caught = loo_data_points(np.random.default_rng(0).normal(-50, 3, size=300))
    assert points == 1
    assert any("point-wise LOO is the same with the sum LOO" in m for m in caught)


@pytest.mark.parametrize("shape", [(300, 2, 2), (1, 5), ()])
def test_loo_rejects_bad_shapes(shape):
    with pytest.raises(ValueError, match=r"shape \(draws,\) or \(draws, n\)"):
        loo_data_points(np.zeros(shape))


# likelihood_costs


def test_likelihood_costs_table():
    samples = posterior_like(50)
    models = {"obs": model_obs, "factor": model_factor, "summed": model_summed,
              "guarded": model_guarded}
    table = likelihood_costs(models, samples, KEY, DATA.X, y=DATA.y, num_prior_draws=9)
    assert list(table.index) == list(models)
    assert table["role"].tolist() == ["likelihood", "factor", "factor", "factor"]
    assert table["graph_node"].tolist() == ["Normal", "Unit", "Unit", "Unit"]
    assert table.loc["obs", "prior_predictive"] == (9, 20)
    assert table.loc["obs", "posterior_predictive"] == (50, 20)
    assert table.loc["factor", "posterior_predictive"] == "fails (TypeError)"
    assert table.loc["guarded", "prior_predictive"] == "no 'y'"
    assert table.loc["obs", "observed_value"] == (20,)
    assert table.loc["factor", "observed_value"] == (20, 0)
    assert table.loc["summed", "log_likelihood"] == (50,)
    assert table["loo_points"].tolist() == [20, 20, 1, 20]
    assert table.loc["summed", "loo_warnings"] > 0


def test_likelihood_costs_names_the_model_without_the_site():
    with pytest.raises(ValueError, match="model 'obs': the model has no site 'z'"):
        likelihood_costs({"obs": model_obs}, posterior_like(5), KEY, DATA.X, y=DATA.y, site="z")


def test_likelihood_costs_rejects_empty_models():
    with pytest.raises(ValueError, match="non-empty dict"):
        likelihood_costs({}, posterior_like(5), KEY, DATA.X, y=DATA.y)


def test_prior_draws_make_valid_points():
    points = Predictive(model_obs, num_samples=4, return_sites=["w", "b", "sigma"])(KEY, DATA.X)
    table = density_differences({"obs": model_obs, "factor": model_factor}, points,
                                DATA.X, y=DATA.y)
    assert (table.loc["factor"] == 0).all()
