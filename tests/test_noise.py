import numpy as np
import numpyro.distributions as dist
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.noise import normal_scale

SDS = st.floats(min_value=1e-6, max_value=1e6)


def test_each_spelling_gives_the_sd():
    assert normal_scale(sd=0.5) == 0.5
    assert normal_scale(variance=0.25) == 0.5
    assert normal_scale(precision=4.0) == 0.5


def test_arrays_are_converted_elementwise():
    out = normal_scale(variance=[1.0, 4.0, 9.0])
    np.testing.assert_allclose(out, [1.0, 2.0, 3.0])
    assert isinstance(out, np.ndarray) and out.dtype == np.float64


@settings(deadline=None, max_examples=30)
@given(sd=SDS)
def test_round_trips(sd):
    np.testing.assert_allclose(normal_scale(sd=sd), sd)
    np.testing.assert_allclose(normal_scale(variance=sd**2), sd, rtol=1e-12)
    np.testing.assert_allclose(normal_scale(precision=1.0 / sd**2), sd, rtol=1e-12)


@settings(deadline=None, max_examples=15)
@given(sd=st.floats(min_value=1e-2, max_value=1e2), y=st.floats(min_value=-10, max_value=10))
def test_log_density_is_the_same_for_every_spelling(sd, y):
    scales = [normal_scale(sd=sd), normal_scale(variance=sd**2), normal_scale(precision=sd**-2)]
    log_probs = [float(dist.Normal(0.0, s).log_prob(y)) for s in scales]
    np.testing.assert_allclose(log_probs, log_probs[0], rtol=1e-5)
    by_hand = -0.5 * (y / sd) ** 2 - np.log(sd * np.sqrt(2 * np.pi))
    np.testing.assert_allclose(log_probs[0], by_hand, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "kwargs, got",
    [({}, "got 0: none"), ({"sd": 1.0, "variance": 1.0}, "got 2: sd, variance"),
     ({"sd": 1.0, "variance": 1.0, "precision": 1.0}, "got 3: sd, variance, precision")],
)
def test_exactly_one_spelling(kwargs, got):
    with pytest.raises(ValueError, match=f"give exactly one of sd, variance, precision; {got}"):
        normal_scale(**kwargs)


@pytest.mark.parametrize(
    "name, value",
    [("sd", 0.0), ("variance", -1.0), ("precision", float("nan")), ("sd", float("inf")),
     ("variance", [1.0, 0.0]), ("precision", "big"), ("sd", [])],
)
def test_bad_value_names_the_spelling(name, value):
    with pytest.raises(ValueError, match=f"^{name} must be finite and > 0"):
        normal_scale(**{name: value})
