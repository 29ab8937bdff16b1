import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from model_zoo import CASES, linear, scaled_linear
from scipy import stats

from helpers.identify import flat_directions

SCALED = next(c for c in CASES if c.name == "scaled_linear")
LINEAR = next(c for c in CASES if c.name == "linear")


def least_squares(X, y):
    """Independent reference: coefficients (w, b) and the ML noise sd."""
    design = np.column_stack([X, np.ones(len(y))])
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    return coef, float(np.sqrt(np.mean((y - design @ coef) ** 2)))


# --- flat_directions against closed forms ---------------------------------------------------
def test_identified_regression_reaches_least_squares_and_has_no_flat_direction():
    (X,), y = LINEAR.args, LINEAR.kwargs["y"]
    result = flat_directions(linear, (X,), {"y": y})
    coef, sigma_ml = least_squares(X, y)
    np.testing.assert_allclose(result["optimum"]["w"], coef[:2], rtol=1e-5)
    np.testing.assert_allclose(result["optimum"]["b"], coef[2], rtol=1e-5)
    np.testing.assert_allclose(result["optimum"]["sigma"], sigma_ml, rtol=1e-4)
    assert result["converged"] and result["flat"].size == 0 and result["flat_sites"] == []
    assert result["eigenvalues"].min() > 0.1
    design = np.column_stack([X, np.ones(len(y))])
    at_max = stats.norm.logpdf(y, design @ coef, sigma_ml).sum()
    assert result["loglik"] == pytest.approx(at_max, rel=1e-5)  # priors left out


def test_hessian_equals_the_normal_equations_matrix():
    (X,), y = LINEAR.args, LINEAR.kwargs["y"]

    def known_sigma(X, y=None):
        w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([2]).to_event(1))
        b = numpyro.sample("b", dist.Normal(0.0, 10.0))
        numpyro.sample("y", dist.Normal(X @ w + b, 0.1), obs=y)

    result = flat_directions(known_sigma, (X,), {"y": y})
    design = np.column_stack([np.ones(len(y)), X])  # coordinates b, w[0], w[1]
    assert result["names"] == ["b", "w[0]", "w[1]"]
    np.testing.assert_allclose(result["hessian"], design.T @ design / 0.1**2, rtol=1e-6)


def test_scaled_model_is_flat_along_the_rescaling_direction():
    result = flat_directions(scaled_linear, SCALED.args, SCALED.kwargs)
    assert result["names"] == ["b", "f", "sigma", "w[0]", "w[1]"]
    assert result["flat"].tolist() == [0] and result["converged"]
    assert result["flat_sites"] == ["w", "b", "f"]
    opt = result["optimum"]
    # d/dc (c f, w / c, b / c) at c = 1, in the coordinate order above
    tangent = np.array([-opt["b"], opt["f"], 0.0, -opt["w"][0], -opt["w"][1]])
    cosine = abs(result["directions"][:, 0] @ tangent) / np.linalg.norm(tangent)
    assert cosine > 0.999
    coef, _ = least_squares(SCALED.args[0], SCALED.kwargs["y"])
    np.testing.assert_allclose(opt["f"] * np.append(opt["w"], opt["b"]), coef, rtol=1e-4)
    # the likelihood is invariant along the ridge, exactly: (c f, w / c, b / c)
    X, y = SCALED.args[0], SCALED.kwargs["y"]
    for c in (-1.0, 0.5, 3.0):
        mu = c * opt["f"] * (X @ (opt["w"] / c) + opt["b"] / c)
        assert stats.norm.logpdf(y, mu, opt["sigma"]).sum() == pytest.approx(
            result["loglik"], rel=1e-4)


def test_two_sums_are_flat_along_minus_one_one():
    def model(y):
        a = numpyro.sample("a", dist.Normal(0.0, 10.0))
        b = numpyro.sample("b", dist.Normal(0.0, 10.0))
        numpyro.sample("y", dist.Normal(a + b, 1.0), obs=y)

    result = flat_directions(model, (np.array([1.0, 2.0, 4.0]),))
    np.testing.assert_allclose(np.abs(result["directions"][:, 0]), [2**-0.5, 2**-0.5], rtol=1e-6)
    assert result["eigenvalues"][1] == pytest.approx(2.0, rel=1e-6)  # scaled [[1, 1], [1, 1]]
    assert result["optimum"]["a"] + result["optimum"]["b"] == pytest.approx(7 / 3, rel=1e-6)


def test_negative_curvature_away_from_the_maximum_is_not_called_flat():
    (X,), y = LINEAR.args, LINEAR.kwargs["y"]
    start = {"w": np.array([3.0, -4.0]), "b": -2.0, "sigma": 0.2}

    def neg_loglik(theta):  # w, b, sigma on their own scale
        mu = X @ theta[:2] + theta[2]
        return -jnp.sum(dist.Normal(mu, theta[3]).log_prob(y))

    h = jax.hessian(neg_loglik)(jnp.array([3.0, -4.0, -2.0, 0.2]))
    assert np.linalg.eigvalsh(np.asarray(h)).min() < 0  # not convex at the start
    result = flat_directions(linear, (X,), {"y": y}, params=start)
    assert result["flat"].size == 0 and result["converged"]


def test_sites_the_likelihood_does_not_touch_are_left_out():
    case = next(c for c in CASES if c.name == "varying_intercepts")
    result = flat_directions(case.model, case.args, case.kwargs)
    assert result["left_out"] == ["mu_a", "sigma_a"]
    assert result["flat"].size == 0
    assert {n.split("[")[0] for n in result["names"]} == {"a", "beta", "sigma"}


def test_an_unused_site_is_left_out():
    def ghost(X, y=None):
        numpyro.sample("ghost", dist.Normal(0.0, 1.0))
        linear(X, y)

    result = flat_directions(ghost, LINEAR.args, LINEAR.kwargs)
    assert result["left_out"] == ["ghost"] and result["flat"].size == 0


def test_flat_directions_explains_what_it_cannot_do():
    case = next(c for c in CASES if c.name == "mixture_enumerated")
    with pytest.raises(ValueError, match=r"continuous latent sites; \['z'\] are discrete"):
        flat_directions(case.model, case.args, case.kwargs)
    with pytest.raises(ValueError, match="did you pass the data"):
        flat_directions(linear, LINEAR.args)  # y forgotten: y is then latent, nothing observed
