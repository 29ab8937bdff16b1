"""versions() reads installed metadata; the pyproject filter lets `import arviz` run under error."""

import subprocess
import sys
from pathlib import Path

import numpy
import pytest

from helpers.session import versions

ROOT = Path(__file__).resolve().parents[1]


def test_versions_are_the_imported_modules_versions():
    import scipy

    v = versions(["numpy", "scipy"])
    assert v["numpy"] == numpy.__version__ and v["scipy"] == scipy.__version__
    assert v["python"] == ".".join(map(str, sys.version_info[:3]))
    assert versions(["surely_not_a_package_xyz"])["surely_not_a_package_xyz"] == "not installed"


@pytest.mark.parametrize("extra, passes", [([], True), (["-W", "error"], False)])
def test_pyproject_filter_is_what_lets_arviz_import_under_error(tmp_path, extra, passes):
    """Fresh cache dir, so arviz's once-a-day notice fires; `-W error` overrides the filter."""
    (tmp_path / "test_import.py").write_text("def test_import():\n    import arviz  # noqa\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
    cmd = [sys.executable, "-m", "pytest", "-q", "-c", str(ROOT / "pyproject.toml"),
           "--rootdir", str(tmp_path), "-p", "no:nbval", "-o", "addopts=", *extra,
           str(tmp_path / "test_import.py")]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert (result.returncode == 0) == passes, result.stdout[-2000:]
    if not passes:
        assert "ArviZ is undergoing a major refactor" in result.stdout
