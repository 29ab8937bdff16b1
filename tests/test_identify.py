import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from model_zoo import CASES, linear, ordinal_regression, scaled_linear
from numpyro import handlers
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


def test_hessian_equals_the_scaled_normal_equations_matrix():
    (X,), y = LINEAR.args, LINEAR.kwargs["y"]

    def known_sigma(X, y=None):
        w = numpyro.sample("w", dist.Normal(0.0, 10.0).expand([2]).to_event(1))
        b = numpyro.sample("b", dist.Normal(0.0, 10.0))
        with handlers.scale(scale=2.0):  # each term counted twice, as log_density counts it
            numpyro.sample("y", dist.Normal(X @ w + b, 0.1), obs=y)

    result = flat_directions(known_sigma, (X,), {"y": y})
    design = np.column_stack([np.ones(len(y)), X])  # coordinates b, w[0], w[1]
    assert result["names"] == ["b", "w[0]", "w[1]"]
    np.testing.assert_allclose(result["hessian"], 2 * design.T @ design / 0.1**2, rtol=1e-6)


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


def a_plus_b(y):
    a = numpyro.sample("a", dist.Normal(0.0, 10.0))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    numpyro.sample("y", dist.Normal(a + b, 1.0), obs=y)


def test_two_sums_are_flat_along_minus_one_one():
    result = flat_directions(a_plus_b, (np.array([1.0, 4.0]),))  # as many values as coordinates
    np.testing.assert_allclose(np.abs(result["directions"][:, 0]), [2**-0.5, 2**-0.5], rtol=1e-6)
    assert result["eigenvalues"][1] == pytest.approx(2.0, rel=1e-6)  # scaled [[1, 1], [1, 1]]
    assert result["optimum"]["a"] + result["optimum"]["b"] == pytest.approx(5 / 2, rel=1e-6)


def test_a_site_with_zero_slope_at_the_start_is_still_seen():
    def product(y):
        a = numpyro.sample("a", dist.Normal(0.0, 10.0))
        b = numpyro.sample("b", dist.Normal(0.0, 10.0))
        numpyro.sample("y", dist.Normal(a * b, 1.0), obs=y)

    y, start = np.array([1.0, 3.0]), {"a": 0.0, "b": 1.0}
    slope_b = jax.grad(lambda b: dist.Normal(start["a"] * b, 1.0).log_prob(y).sum())(1.0)
    assert slope_b == 0  # at a = 0 the likelihood does not move with b, yet depends on it
    result = flat_directions(product, (y,), params=start)
    assert result["left_out"] == [] and result["flat_sites"] == ["a", "b"]
    opt = result["optimum"]
    assert opt["a"] * opt["b"] == pytest.approx(2.0, rel=1e-4)  # closed form: a b = mean(y)
    tangent = np.array([opt["a"], -opt["b"]])  # d/dc (c a, b / c) at c = 1
    assert abs(result["directions"][:, 0] @ tangent) / np.linalg.norm(tangent) > 0.999


def test_negative_curvature_away_from_the_maximum_is_not_called_flat():
    (X,), y = LINEAR.args, LINEAR.kwargs["y"]
    start = {"w": np.array([3.0, -4.0]), "b": -2.0, "sigma": 0.2}

    def neg_loglik(theta):  # w, b, sigma on their own scale
        mu = X @ theta[:2] + theta[2]
        return -jnp.sum(dist.Normal(mu, theta[3]).log_prob(y))

    h = jax.jit(jax.hessian(neg_loglik))(jnp.array([3.0, -4.0, -2.0, 0.2]))
    assert np.linalg.eigvalsh(np.asarray(h)).min() < 0  # not convex at the start
    result = flat_directions(linear, (X,), {"y": y}, params=start)
    assert result["flat"].size == 0 and result["converged"]


def test_params_choose_which_maximum_is_reached():
    def squared(y):
        a = numpyro.sample("a", dist.Normal(1.0, 1.0))
        numpyro.sample("y", dist.Normal(a**2, 1.0), obs=y)

    y = np.array([3.0, 4.0, 5.0])  # closed form: maxima where a**2 = mean(y), a = 2 or -2
    assert flat_directions(squared, (y,))["optimum"]["a"] == pytest.approx(2.0, rel=1e-5)
    result = flat_directions(squared, (y,), params={"a": -1.0})
    assert result["optimum"]["a"] == pytest.approx(-2.0, rel=1e-5)


@pytest.mark.parametrize("name", ["factor", "subsampled"])
def test_factor_and_mini_batch_likelihoods_reach_least_squares(name):
    case = next(c for c in CASES if c.name == name)
    X, y = case.args[0].reshape(len(case.kwargs["y"]), -1), case.kwargs["y"]
    if name == "subsampled":  # the mini-batch a NumPyro run seeded with 0 draws
        tr = handlers.trace(handlers.seed(case.model, 0)).get_trace(*case.args, **case.kwargs)
        X, y = X[tr["data"]["value"]], y[tr["data"]["value"]]
    opt = flat_directions(case.model, case.args, case.kwargs)["optimum"]
    coef, sigma_ml = least_squares(X, y)
    np.testing.assert_allclose(np.append(opt["w"], opt["b"]), coef, rtol=1e-4, atol=1e-4)
    assert opt["sigma"] == pytest.approx(sigma_ml, rel=1e-4)


def test_more_coordinates_than_data_values_are_refused():
    # a + b = y has a line of maxima, and nothing in the likelihood picks a point on it
    with pytest.raises(ValueError, match=r"2 coordinates of \['a', 'b'\] but the data hold 1 "):
        flat_directions(a_plus_b, (np.array([1.0]),))


def test_a_plateau_is_flat_and_a_kink_is_not_a_converged_maximum():
    def clipped(y):
        a = numpyro.sample("a", dist.Normal(0.0, 1.0))
        numpyro.sample("y", dist.Normal(jnp.clip(a, -1.0, 1.0), 1.0), obs=y)

    def kink(y):
        a = numpyro.sample("a", dist.Normal(1.0, 1.0))
        numpyro.sample("y", dist.Normal(jnp.abs(a), 1.0), obs=y)

    y = np.array([3.0, 5.0])  # past a = 1 the mean stays at 1: no curvature at all
    plateau = flat_directions(clipped, (y,))
    assert plateau["optimum"]["a"] > 1 and plateau["hessian"].tolist() == [[0.0]]
    assert plateau["flat"].tolist() == [0] and plateau["flat_sites"] == ["a"]
    assert plateau["loglik"] == pytest.approx(stats.norm.logpdf(y, 1.0, 1.0).sum(), rel=1e-6)
    # the maximum of -(y - |a|)^2 / 2 with y < 0 is at the kink a = 0, with slopes -+3 there
    kinked = flat_directions(kink, (np.array([-1.0, -2.0]),))
    assert abs(kinked["optimum"]["a"]) < 0.05 and not kinked["converged"]
    assert kinked["flat"].size == 0  # curvature 2 on both sides


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


def test_no_finite_maximum_is_said_plainly_without_lapack_noise(capfd):
    X = np.linspace(-2.0, 2.0, 30)
    y = np.digitize(X, [-0.5, 0.5]).astype(np.int32)  # classes that X separates perfectly

    def loglik(c):  # SciPy, along the ray c * (b, cutpoints) = c * (10, -5, 5)
        cuts = c * np.array([-np.inf, -5.0, 5.0, np.inf])
        return np.log(stats.logistic.cdf(cuts[y + 1] - c * 10 * X)
                      - stats.logistic.cdf(cuts[y] - c * 10 * X)).sum()

    assert loglik(1) < loglik(2) < loglik(4) < 0  # rises towards 0, never reaches it
    with pytest.raises(ValueError, match="no finite maximum") as err:
        flat_directions(ordinal_regression, (X, 3), {"y": y})  # ImproperUniform cutpoints
    assert not isinstance(err.value, np.linalg.LinAlgError)
    assert "DLASCL" not in "".join(capfd.readouterr())  # LAPACK was never fed a NaN


@pytest.mark.parametrize("shift, converged", [(0.001, True), (0.035, False)])
def test_converged_is_the_newton_decrement_at_the_point_reached(monkeypatch, shift, converged):
    # Stop the optimiser where it starts: b moved by shift * sigma from the least-squares
    # maximum. Near a maximum the decrement g' H^-1 g is twice the log-likelihood gap,
    # N shift^2 with N = 40: 4e-5 (converged) or 0.049 (not: the threshold is 0.01).
    from helpers import identify

    monkeypatch.setattr(identify, "_maximise", lambda value_and_grad, start, idx: start)
    (X,), y = LINEAR.args, LINEAR.kwargs["y"]
    coef, sigma_ml = least_squares(X, y)
    at = {"w": coef[:2], "b": coef[2] + shift * sigma_ml, "sigma": sigma_ml}
    result = flat_directions(linear, (X,), {"y": y}, params=at)
    gap = stats.norm.logpdf(y, X @ coef[:2] + coef[2], sigma_ml).sum() - result["loglik"]
    if converged:  # 4e-5 is at float32's resolution of the log-likelihood: a bound only
        assert 2 * gap < 1e-3
    else:
        assert 2 * gap == pytest.approx(len(y) * shift**2, rel=0.1)
    assert result["converged"] is converged
