import copy
import warnings

import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd
import pytest
from model_zoo import CASES, linear
from scipy import stats

from helpers.doctor import (
    Finding,
    Report,
    check_identifiability,
    check_observed_data,
    check_observed_sites,
    check_prior_data_conflict,
    check_shapes,
    check_unused_latents,
    examine,
)

CASE = {c.name: c for c in CASES}
X, Y = CASE["linear"].args[0], CASE["linear"].kwargs["y"]
SKIPPED = "skipped unused_latents, identifiability and prior_data_conflict"
DENSITY_CHECKS = {"unused_latent", "unused_latents", "identifiability", "prior_data_conflict"}


def by_check(report, check):
    return [f for f in report.findings if f.check == check]


def same(old, new):
    if isinstance(old, pd.DataFrame | pd.Series):
        return old.equals(new)
    try:
        np.testing.assert_array_equal(np.asarray(old), np.asarray(new))  # NaN equals NaN
    except AssertionError:
        return False
    return True


_EXAMINED = {}


def examined(label, model, *args, **kwargs):
    """``examine``'s report, computed once per label for the whole session (the checks are
    deterministic; compiling them again for a second test would only cost time), and
    whether the arguments were left untouched."""
    if label not in _EXAMINED:
        before = copy.deepcopy((args, kwargs))
        report = examine(model, *args, **kwargs)
        untouched = all(same(old, new) for old, new in zip(
            [*before[0], *before[1].values()], [*args, *kwargs.values()], strict=True))
        _EXAMINED[label] = report, untouched
    return _EXAMINED[label]


def correct(name):
    case = CASE[name]
    return examined(name, case.model, *case.args, **case.kwargs)


def broken(name):
    model, args, kwargs = CASE[name].broken()
    return examined(f"broken {name}", model, *args, **kwargs)


def thread_first_script(X, y=None):
    """f is sampled and never used: the mean forgot it."""
    w = numpyro.sample("w", dist.Normal(0.0, 10.0 * jnp.ones(X.shape[1])))
    b = numpyro.sample("b", dist.Normal(0.0, 10.0))
    sigma = numpyro.sample("sigma", dist.Uniform(0.0, 10.0))
    numpyro.sample("f", dist.Normal(0.0, 10.0))
    return numpyro.sample("y", dist.Normal(X @ w + b, sigma), obs=y)


def two_weights(X, y=None):
    w = numpyro.sample("w", dist.Normal(0.0, 1.0).expand([2]).to_event(1))
    numpyro.sample("y", dist.Normal(X @ w, 1.0), obs=y)


def raises_empty(X, y=None):
    numpyro.sample("mu", dist.Normal(0.0, 1.0))
    raise ValueError()


# --- the zoo: no error on any correct model; each broken variant caught on its site ----------
@pytest.mark.parametrize("name", CASE)
def test_examine_finds_no_error_in_a_correct_model(name):
    report, untouched = correct(name)
    assert report.ok, str(report)
    assert not by_check(report, "shapes") and untouched
    assert not any(f.message.startswith(SKIPPED) for f in report.findings)  # every check ran


@pytest.mark.parametrize("name", CASE)
def test_broken_variant_is_caught_on_its_site_and_the_rest_skipped_once(name):
    case = CASE[name]
    report, untouched = broken(name)
    found = by_check(report, "shapes")
    assert case.site in [f.site for f in found] and untouched
    if name == "factor":  # a factor holds no data: a warning, and the other checks run
        assert {f.severity for f in found} == {"warning"} and report.ok
        return
    assert {f.severity for f in found if f.site == case.site} == {"error"}
    assert not report.ok and report.findings[0] == found[0]  # errors come first
    # the checks that evaluate the (wrong) log density are skipped, and the report says so once
    assert [f.check for f in report.findings if f.message.startswith(SKIPPED)] == ["run"]
    assert not [f for f in report.findings if f.check in DENSITY_CHECKS]


# --- what each check finds on the forum thread's models -----------------------------------
def test_thread_first_script_has_an_unused_f():
    report, untouched = examined("unused f", thread_first_script, X, y=Y)
    assert report.ok and untouched
    (found,) = by_check(report, "unused_latent")
    assert found.site == "f" and found.severity == "warning"
    assert "latent site 'f' is used by nothing else" in found.message
    assert "only the prior shapes f" in found.message


def test_thread_second_script_has_a_flat_direction_in_f_w_b():
    found = by_check(correct("scaled_linear")[0], "identifiability")
    assert [(f.site, f.severity) for f in found] == [("w, b, f", "warning")]
    assert by_check(correct("linear")[0], "identifiability") == []


def test_column_y_in_the_thread_model_is_an_error():
    report, _ = broken("scaled_linear")
    (found,) = by_check(report, "shapes")
    assert "sums 2500 terms instead of 50" in found.message and not report.ok


# --- the mechanisms, against independent references -------------------------------------------
def test_unused_latent_is_a_zero_gradient_of_the_rest_of_the_log_density():
    def model(y):
        hyper = numpyro.sample("hyper", dist.HalfNormal(1.0))        # used by a prior
        mu = numpyro.sample("mu", dist.Normal(0.0, hyper))
        scale = numpyro.sample("scale", dist.HalfNormal(1.0))        # used by the likelihood
        shown = numpyro.sample("shown", dist.Normal(0.0, 1.0))       # only in a deterministic
        numpyro.deterministic("report", 2 * shown)
        numpyro.sample("y", dist.Normal(mu, scale), obs=y)

    found = check_unused_latents(model, (np.array([0.1, -0.3]),))
    assert [(f.site, f.severity) for f in found] == [("shown", "warning")]


@pytest.mark.parametrize("value, conflict", [(3.0, False), (4.0, True)])
def test_prior_data_conflict_matches_the_closed_form_band(value, conflict):
    # y ~ Normal(mu, 1), mu ~ Normal(0, 1): prior predictive Normal(0, sqrt 2), 99% band
    band = stats.norm.ppf(0.995) * np.sqrt(2)
    assert (value > band) == conflict  # 3.64
    found = check_prior_data_conflict(normal_mean, (np.full(20, value),),
                                      num_samples=4000)
    assert [f.site for f in found] == (["y"] if conflict else [])


def normal_mean(y):
    mu = numpyro.sample("mu", dist.Normal(0.0, 1.0))
    with numpyro.plate("data", len(y)):
        numpyro.sample("y", dist.Normal(mu, 1.0), obs=y)


def test_checks_run_alone_without_a_trace():
    for check in (check_shapes, check_observed_data, check_observed_sites,
                  check_identifiability):
        assert check(linear, (X,), {"y": Y}) == []


# --- bad inputs: each explained, none modified, no traceback -------------------------------
def with_value(case, index, value, dtype=None):
    """A zoo case's arguments with one data value replaced (the zoo's models are compiled)."""
    y = np.array(case.kwargs["y"], dtype=dtype)
    y[index] = value
    return case.model, case.args, {**case.kwargs, "y": y}


COUNTS, BINARY, ORDINAL = (CASE[n] for n in ("poisson_glm", "logistic_regression",
                                              "ordinal_regression"))
MVN = CASE["mvn_repeats"]
ONES = int(BINARY.kwargs["y"].sum())  # Bernoulli data coded 1/2: the ones become 2s


BAD_INPUTS = [
    # (label, (model, args, kwargs), check, site, severity, phrases)
    ("model None", (None, (X,), {"y": Y}), "inputs", None, "error",
     ["model is NoneType", "examine(model, X, y=y)"]),
    ("model output", (np.zeros(3), (X,), {"y": Y}), "inputs", None, "error",
     ["model is ndarray", "not model(X, y)"]),
    ("model name", ("linear", (X,), {"y": Y}), "inputs", None, "error", ["model is str"]),
    ("DataFrame y", (linear, (X,), {"y": pd.DataFrame({"y": Y})}), "inputs", "y", "error",
     ["pandas DataFrame (40, 1)", "df['y'].to_numpy()"]),
    ("DataFrame X", (linear, (pd.DataFrame(X, columns=["a", "b"]),), {"y": Y}), "inputs",
     "argument 0", "error", ["df[['x1', 'x2']].to_numpy()"]),
    ("text Series", (linear, (X,), {"y": pd.Series(["a"] * 40)}), "inputs", "y", "error",
     ["pandas Series of dtype", "cat.codes"]),
    ("y forgotten", (linear, (X,), {}), "observed_sites", None, "warning",
     ["no observed site", "examine(model, X, y=y)", "obs= is not None"]),
    ("y=None", (linear, (X,), {"y": None}), "observed_sites", None, "warning", ["site(s) y"]),
    ("column y", (linear, (X,), {"y": Y[:, None]}), "shapes", "y", "error",
     ["value shape (40, 1)", "sums 1600 terms instead of 40", "y.reshape((40,))"]),
    ("short y", (linear, (X,), {"y": Y[:-1]}), "shapes", "y", "error",
     ["value shape (39,)", "does not broadcast"]),
    ("transposed repeats", (MVN.model, MVN.args, {"y": MVN.kwargs["y"].T}), "shapes", "y",
     "error", ["value shape (3, 30)", "(30, 3)"]),
    ("NaN y", (linear, (X,), {"y": np.where(np.arange(40) == 3, np.nan, Y)}), "observed_data",
     "y", "error", ["1 NaN/inf value(s)", "index (3,)", "mask"]),
    ("inf y", (linear, (X,), {"y": np.where(np.arange(40) == 5, np.inf, Y)}), "observed_data",
     "y", "error", ["NaN/inf", "index (5,)"]),
    ("negative count", with_value(COUNTS, 2, -1), "observed_data", "y", "error",
     ["1 value(s) outside the support of", "-1", "index (2,)"]),
    ("fractional count", with_value(COUNTS, 1, 2.5, float), "observed_data", "y", "error",
     ["outside the support", "2.5"]),
    ("Bernoulli 2", with_value(BINARY, 2, 2), "observed_data", "y", "error",
     ["outside the support", "0/1, not 1/2"]),
    ("Bernoulli 1/2", (BINARY.model, BINARY.args, {"y": BINARY.kwargs["y"] + 1}),
     "observed_data", "y", "error", [f"{ONES} value(s) outside"]),
    ("category K", with_value(ORDINAL, 4, 4), "observed_data", "y", "error",
     ["outside the support", "categories from 0"]),
    ("text y", (linear, (X,), {"y": np.array(["1.0"] * 40)}), "observed_data", "y", "error",
     ["holds <U3 values"]),
    ("missing argument", (linear, (), {"y": Y}), "run", None, "error",
     ["your model raised TypeError", "missing 1 required positional argument: 'X'",
      "arguments of shapes (y: shape (40,))"]),
    ("wrong X width", (two_weights, (np.ones((40, 3)),), {"y": Y}), "run", None, "error",
     ["your model raised TypeError", "argument 0: shape (40, 3)"]),
    ("empty error", (raises_empty, (X,), {"y": Y}), "run", None, "error",
     ["your model raised ValueError when called"]),
    ("y in mm", (linear, (X,), {"y": 1000 * Y}), "prior_data_conflict", "y", "warning",
     ["of 40 values of 'y' lie outside the central 99%", "units"]),
]


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_explained_and_left_untouched(bad):
    label, (model, args, kwargs), check, site, severity, phrases = bad
    report, untouched = examined(label, model, *args, **kwargs)
    matching = [f for f in report.findings if f.check == check and f.site == site]
    assert matching, str(report)
    assert matching[0].severity == severity
    for phrase in phrases:
        assert phrase in matching[0].message, matching[0].message
    assert report.ok == (severity != "error") and untouched
    if check in ("shapes", "observed_data"):  # wrong data: said once, the density checks
        assert [f.message.startswith(SKIPPED) for f in report.findings].count(True) == 1
        assert not [f for f in report.findings if "Out-of-support" in f.message]


def test_series_are_converted_and_examined():
    y = pd.Series(Y, name="y")
    report = examine(linear, X, y=y)
    assert report.ok
    (note,) = by_check(report, "inputs")
    assert note.severity == "info" and "y.to_numpy()" in note.message


def test_a_model_that_warns_is_reported_not_raised():
    def noisy(X, y=None):
        warnings.warn("careful: made-up warning", UserWarning, stacklevel=1)
        linear(X, y)

    report = examine(noisy, X, y=Y)
    assert report.ok
    assert any("careful: made-up warning" in f.message for f in report.findings)


def test_a_model_without_latent_sites_is_examined():
    def fixed(y):
        numpyro.sample("y", dist.Normal(0.0, 1.0), obs=y)

    report = examine(fixed, np.zeros(3))
    assert report.ok and all(f.severity != "warning" for f in report.findings)


# --- the report -----------------------------------------------------------------------
def test_report_ok_text_table_and_frame():
    report = Report([Finding("unused_latent", "f", "warning", "f is unused"),
                     Finding("shapes", "y", "error", "y is (N, 1)")])
    assert not report.ok
    assert str(report).splitlines() == ["NOT OK: 1 error, 1 warning, 0 info",
                                        "[warning] unused_latent (f): f is unused",
                                        "[error] shapes (y): y is (N, 1)"]
    assert "<table" in report._repr_html_() and "NOT OK" in report._repr_html_()
    assert report.to_frame().columns.tolist() == ["check", "site", "severity", "message"]
    assert Report([]).ok and str(Report([])) == "OK: 0 errors, 0 warnings, 0 info"
