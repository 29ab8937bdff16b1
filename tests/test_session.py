import sys
import warnings

import pytest

from helpers.session import import_arviz, versions


def test_versions_reports_pinned_stack():
    v = versions()
    assert v["python"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}")
    assert v["jax"] == v["jaxlib"] == "0.10.2"
    assert v["numpyro"] == "0.22.0"
    assert v["arviz"] == "0.23.4"
    assert v["matplotlib"].startswith("3.11.")


def test_versions_marks_missing_package():
    assert versions(["surely_not_a_package_xyz"])["surely_not_a_package_xyz"] == "not installed"


def test_import_arviz_silences_only_the_refactor_notice():
    sys.modules.pop("arviz", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        az = import_arviz()
    assert az.__version__ == "0.23.4"
    # the filter does not leak: other FutureWarnings still raise afterwards
    with pytest.warns(FutureWarning):
        warnings.warn("something else", FutureWarning, stacklevel=1)
