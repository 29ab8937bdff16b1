import copy
import math
import re

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from model_zoo import CASES, linear
from numpyro import handlers
from numpyro.infer.util import log_density
from scipy import stats

from helpers.sites import (
    check_observed_shapes,
    site_role,
    site_table,
    trace_model,
    trace_table,
)

RNG = np.random.default_rng(7)
X = RNG.normal(size=(20, 2))
Y = X @ np.array([1.0, -2.0]) + 0.5 + 0.3 * RNG.normal(size=20)
PARAMS = {"w": np.array([0.9, -1.8]), "b": 0.4, "sigma": 0.35}
CORRECT = [c for c in CASES]
IDS = [c.name for c in CASES]


def latent_values(trace):
    return {k: s["value"] for k, s in trace.items()
            if s["type"] == "sample" and not s["is_observed"]}


# --- site_table: its rows add up to log_density, and match SciPy ---------------------------
def test_site_table_matches_scipy_term_by_term():
    table = site_table(linear, PARAMS, X, y=Y).set_index("site")
    mu = X @ PARAMS["w"] + PARAMS["b"]
    assert table.loc["y", "log_prob"] == pytest.approx(
        stats.norm.logpdf(Y, mu, 0.35).sum(), rel=1e-5)
    assert table.loc["w", "log_prob"] == pytest.approx(
        stats.norm.logpdf(PARAMS["w"], 0, 10).sum(), rel=1e-5)
    assert table.loc["sigma", "log_prob"] == pytest.approx(np.log(1 / 10), rel=1e-5)
    assert table["role"].tolist() == ["latent", "latent", "latent", "observed"]


@pytest.mark.parametrize("case", CORRECT, ids=IDS)
def test_site_table_adds_up_to_log_density(case):
    trace = trace_model(case.model, case.args, case.kwargs)
    table = trace_table(trace)
    seeded = handlers.seed(case.model, 0)  # the same subsample indices as trace_model's run
    expected = float(log_density(seeded, case.args, case.kwargs, latent_values(trace))[0])
    assert table["log_prob"].sum() == pytest.approx(expected, rel=1e-4, abs=1e-3)
    assert np.isfinite(expected)  # NUTS-style start: a finite log density


def test_site_table_sees_the_column_trap_and_its_cost():
    table = site_table(linear, PARAMS, X, y=Y[:, None]).set_index("site")
    assert table.loc["y", "log_prob_shape"] == (20, 20)
    mu = X @ PARAMS["w"] + PARAMS["b"]
    # brute force: every y_i scored against every mu_j
    every_pair = stats.norm.logpdf(Y[:, None], mu[None, :], 0.35).sum()
    assert table.loc["y", "log_prob"] == pytest.approx(every_pair, rel=1e-5)
    assert "sums 400 terms instead of 20" in table.loc["y", "shape_problem"]


def test_site_table_describes_each_site():
    table = site_table(linear, PARAMS, X, y=Y).set_index("site")
    columns = ["role", "distribution", "observed", "value_shape", "batch_shape", "event_shape",
               "log_prob_shape"]
    assert table.loc[["w", "y"], columns].values.tolist() == [
        ["latent", "Independent", False, (2,), (), (2,), ()],   # Normal(...).to_event(1)
        ["observed", "Normal", True, (20,), (20,), (), (20,)],
    ]


def test_scale_and_mask_are_counted_like_log_density():
    def model(y):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        with handlers.scale(scale=3.0), handlers.mask(mask=np.array([True, False, True])):
            numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)

    y = np.array([0.5, 100.0, -0.5])
    table = site_table(model, {"mu": 0.2}, y).set_index("site")
    by_hand = 3 * stats.norm.logpdf(y[[0, 2]], 0.2, 1).sum()
    assert table.loc["y", "log_prob"] == pytest.approx(by_hand, rel=1e-5)


# --- site_role and trace_table -----------------------------------------------------------
def test_site_role_names_every_kind_of_site():
    def model(y):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        numpyro.deterministic("twice", 2 * mu)
        with numpyro.plate("data", 3):
            numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)
            numpyro.factor("penalty", -jnp.abs(y - mu))
        with handlers.mask(mask=False):
            numpyro.factor("masked_penalty", -1.0)

    tr = handlers.trace(handlers.seed(model, 0)).get_trace(np.zeros(3))
    roles = {name: site_role(site) for name, site in tr.items()}
    assert roles == {"mu": "latent", "twice": "deterministic", "data": "plate",
                     "y": "observed", "penalty": "factor", "masked_penalty": "factor"}
    table = trace_table(tr)
    assert table["site"].tolist() == ["mu", "twice", "y", "penalty", "masked_penalty"]
    assert table.set_index("site").loc["twice", "log_prob"] == 0.0


def test_trace_table_of_a_prior_draw_has_no_observed_site():
    tr = handlers.trace(handlers.seed(linear, 3)).get_trace(X)
    table = trace_table(tr)
    assert not table["observed"].any()
    assert table.set_index("site").loc["y", "value_shape"] == (20,)


# --- trace_model: NUTS-style start, given params, inputs left alone -------------------------
def test_trace_model_starts_improper_sites_inside_their_support():
    case = next(c for c in CASES if c.name == "ordinal_regression")
    tr = trace_model(case.model, case.args, case.kwargs)
    cut = np.asarray(tr["cutpoints"]["value"])
    assert cut.shape == (3,) and np.all(np.diff(cut) > 0)
    # plain seeding draws from ImproperUniform, which NumPyro cannot do
    with pytest.raises(NotImplementedError):
        handlers.trace(handlers.seed(case.model, 0)).get_trace(*case.args, **case.kwargs)


def test_trace_model_starts_at_the_prior_median():
    def model():
        numpyro.sample("a", dist.Normal(3.0, 0.01))
        numpyro.sample("s", dist.LogNormal(np.log(5.0), 0.01))

    tr = trace_model(model)
    assert float(tr["a"]["value"]) == pytest.approx(3.0, abs=0.01)
    assert float(tr["s"]["value"]) == pytest.approx(5.0, rel=0.01)


def test_trace_model_falls_back_to_a_feasible_start():
    def narrow(y=None):  # log density -inf outside |a| < 0.01
        a = numpyro.sample("a", dist.Normal(0.0, 1.0))
        numpyro.factor("wall", jnp.where(jnp.abs(a) < 0.01, 0.0, -jnp.inf))
        numpyro.sample("y", dist.Normal(a, 1.0), obs=y)

    # init_to_median takes the median of 15 prior draws, almost surely outside; the fall-back,
    # init_to_feasible, starts at 0 in the unconstrained space: a = 0, inside.
    trace = trace_model(narrow, model_kwargs={"y": 1.0})
    assert float(trace["a"]["value"]) == 0.0
    assert np.isfinite(log_density(narrow, (), {"y": 1.0}, {"a": 0.0})[0])


def test_trace_model_uses_params_and_leaves_inputs_untouched():
    params = copy.deepcopy(PARAMS)
    y = Y.copy()
    tr = trace_model(linear, (X,), {"y": y}, params=params)
    np.testing.assert_array_equal(tr["w"]["value"], PARAMS["w"])
    np.testing.assert_array_equal(tr["y"]["value"], Y)
    np.testing.assert_array_equal(params["w"], PARAMS["w"])
    np.testing.assert_array_equal(y, Y)
    assert set(params) == set(PARAMS)


@pytest.mark.parametrize("params, error, match", [
    ({"w": PARAMS["w"], "b": 0.4}, ValueError, r"missing \['sigma'\]"),
    ({**PARAMS, "y": Y}, ValueError, r"not latent \['y'\].*Observed data go in the model"),
    ({**PARAMS, "w": np.zeros((500, 2))}, ValueError,
     r"params\['w'\] has shape \(500, 2\) but site 'w' has shape \(2,\). It looks like "
     r"500 stacked posterior draws: pass one draw"),
    ({**PARAMS, "w": np.zeros(3)}, ValueError, r"has shape \(3,\) but site 'w' has shape \(2,\)"),
    ([0.9, 0.4, 0.35], TypeError, "params must be a dict site name -> value, got list"),
])
def test_trace_model_explains_bad_params(params, error, match):
    with pytest.raises(error, match=match):
        site_table(linear, params, X, y=Y)


def test_stacked_draws_hint_only_for_stacked_draws():
    # (2, 3) for a site of shape (2,) is not a stack of draws: no advice to pass one draw
    with pytest.raises(ValueError, match=r"has shape \(2, 3\) but site 'w'") as err:
        site_table(linear, {**PARAMS, "w": np.zeros((2, 3))}, X, y=Y)
    assert "stacked" not in str(err.value)


# --- the shape rule --------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_correct_models_pass_the_shape_check(case):
    rows = check_observed_shapes(case.model, *case.args, **case.kwargs)
    assert all(row["terms"] == row["expected"] for row in rows)


@pytest.mark.parametrize("case", [c for c in CASES if c.name != "factor"],
                         ids=[c.name for c in CASES if c.name != "factor"])
def test_broken_variants_are_caught_on_their_site(case):
    model, args, kwargs = case.broken()
    with pytest.raises(ValueError, match=rf"observed site '{case.site}' has value shape"):
        check_observed_shapes(model, *args, **kwargs)


def test_factor_sites_are_not_shape_checked():
    # a factor holds no data to compare with: a known limit of the rule
    case = next(c for c in CASES if c.name == "factor")
    model, args, kwargs = case.broken()
    assert check_observed_shapes(model, *args, **kwargs) == []


@pytest.mark.parametrize("value_shape, batch_shape, bad", [
    ((5,), (5,), False),
    ((5, 1), (5,), True),
    ((5,), (5, 1), True),
    ((5,), (), False),       # a scalar mean for a vector of data: each point once
    ((5, 1), (), False),
    ((), (1,), False),       # an added axis of length 1 changes nothing
    ((2, 3), (3,), False),
    ((3,), (2, 3), True),
    ((2, 3), (2, 1), False),
    ((2, 1), (2, 3), True),
])
def test_shape_rule_agrees_with_counting_the_log_prob_terms(value_shape, batch_shape, bad):
    def model(y):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        numpyro.sample("y", dist.Normal(mu * jnp.ones(batch_shape), 1.0), obs=y)

    y = np.zeros(value_shape)
    terms = dist.Normal(jnp.zeros(batch_shape), 1.0).log_prob(y).size  # brute force
    row = trace_table(trace_model(model, (y,))).set_index("site").loc["y"]
    assert math.prod(row["log_prob_shape"]) == terms
    assert (row["shape_problem"] is not None) == bad == (terms > y.size)
    if not bad:
        assert check_observed_shapes(model, y)[0]["expected"] == y.size


def test_message_names_site_shapes_side_and_fix():
    with pytest.raises(ValueError) as err:
        check_observed_shapes(linear, X, y=Y[:, None])
    message = str(err.value)
    for part in ["'y'", "value shape (20, 1)", "= (20,)", "axis -1 (length 1) was stretched to 20",
                 "sums 400 terms instead of 20", "y.reshape((20,))"]:
        assert part in message


@pytest.mark.parametrize("value_shape, batch_shape, side", [
    ((5, 1), (5,), "axis -1 (length 1) was stretched to 5"),
    ((3,), (2, 3), "axis -2 (missing) was stretched to 2"),
    ((1, 3), (2, 3), "axis -2 (length 1) was stretched to 2"),
    ((1, 5, 1), (5,), "axis -1 (length 1) was stretched to 5"),  # axis -3: 1 against 1
    ((1,), (2, 3), "axis -2 (missing) was stretched to 2, axis -1 (length 1) was stretched to 3"),
])
def test_message_names_exactly_the_stretched_axes(value_shape, batch_shape, side):
    # Broadcasting by hand: pad both shapes with 1s on the left; an axis is stretched where
    # the value has 1 (or nothing) and the distribution more.
    def model(y):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        numpyro.sample("y", dist.Normal(mu * jnp.ones(batch_shape), 1.0), obs=y)

    with pytest.raises(ValueError) as err:
        check_observed_shapes(model, np.zeros(value_shape))
    assert f"; the value's {side}, so its log-likelihood sums" in str(err.value)


@pytest.mark.parametrize("value_shape, batch_shape, end", [
    ((3,), (2, 3), "sums 6 terms instead of 3. Fix: the distribution has batch axes the data lack"),
    ((1, 3), (2, 3), "sums 6 terms instead of 3. Fix: make y's shape (2, 3), or check which dim"),
    ((5, 1), (5,), "sums 25 terms instead of 5. Fix: pass y with shape (5,), e.g. y.reshape((5,))"),
    ((2,), (3,), "the batch axes do not broadcast, so its log-likelihood does not broadcast. "
                 "Fix: make y's shape (3,)"),
])
def test_message_fix_fits_the_shapes(value_shape, batch_shape, end):
    def model(y):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        numpyro.sample("y", dist.Normal(mu * jnp.ones(batch_shape), 1.0), obs=y)

    with pytest.raises(ValueError, match=re.escape(end)):
        check_observed_shapes(model, np.zeros(value_shape))


@pytest.mark.parametrize("make", [
    lambda mu: dist.MultivariateNormal(mu, jnp.eye(4)),
    lambda mu: dist.Normal(mu, 1.0).to_event(1),
])
def test_event_shape_is_part_of_the_rule(make):
    def model(y):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        numpyro.sample("y", make(mu * jnp.ones(4)), obs=y)

    (row,) = check_observed_shapes(model, np.zeros(4))
    assert row["terms"] == row["expected"] == 1
    # the column is scored 4 times over, though value_shape[:-1] looks like 4 points
    with pytest.raises(ValueError, match=r"last 1 axis\(es\) \(1,\) are not the event_shape.*"
                                         r"sums 4 terms instead of 1"):
        check_observed_shapes(model, np.zeros((4, 1)))


def test_every_offending_site_is_named():
    def two_sites(y1, y2):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
        numpyro.sample("a", dist.Normal(mu * jnp.ones(3), 1.0), obs=y1)
        numpyro.sample("b", dist.Normal(mu * jnp.ones(4), 1.0), obs=y2)

    with pytest.raises(ValueError) as err:
        check_observed_shapes(two_sites, np.zeros((3, 1)), np.zeros((4, 1)))
    lines = str(err.value).split("\n")  # one line per site
    assert [line[:19] for line in lines] == ["observed site 'a' h", "observed site 'b' h"]


def test_a_model_without_data_is_not_passed_in_silence():
    with pytest.raises(ValueError, match=r"no observed site.*did you pass the data"):
        check_observed_shapes(linear, X)  # y forgotten: every site was drawn


@pytest.mark.parametrize("model", [None, "linear", np.zeros(3)])
def test_trace_model_wants_the_model_function(model):
    with pytest.raises(TypeError, match="model must be a function.*not model\\(X, y\\)"):
        trace_model(model, (X,), {"y": Y})
