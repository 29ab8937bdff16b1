"""helpers.check_env: a broken pin, a missing package and a wrong Python are each reported."""

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from helpers.check_env import (
    dot_note,
    jax_report,
    main,
    normalise,
    pin_problems,
    python_problems,
    read_pins,
)

ROOT = Path(__file__).resolve().parents[1]


def test_read_pins_normalises_names_and_skips_comments():
    text = "# header\nPyYAML==6.0.4\n\nJinja2==3.1.6  # templating\nzope.interface==7.0\n"
    assert read_pins(text) == {"pyyaml": "6.0.4", "jinja2": "3.1.6", "zope-interface": "7.0"}


@pytest.mark.parametrize("line", ["numpy>=2", "numpy", "numpy==", "-e ."])
def test_read_pins_rejects_what_is_not_an_exact_pin(line):
    with pytest.raises(ValueError, match="line 2 .* expected an exact pin"):
        read_pins(f"jax==0.10.2\n{line}\n")


def test_pin_problems_names_each_missing_or_wrong_package_and_nothing_else():
    pins = {"jax": "0.10.2", "numpy": "2.4.6", "pyyaml": "6.0.4", "gone": "1.0"}
    installed = {"jax": "0.10.2", "numpy": "1.26.0", "pyyaml": "6.0.4"}
    lines = pin_problems(pins, installed)
    assert len(lines) == 2
    assert lines[0].startswith("numpy 1.26.0 is installed") and '"numpy==2.4.6"' in lines[0]
    assert lines[1].startswith("gone is not installed") and '"gone==1.0"' in lines[1]


def test_python_version_other_than_311_is_a_problem():
    assert python_problems((3, 11, 0)) == []
    (line,) = python_problems((3, 12, 1))
    assert "3.12.1" in line and "3.11" in line and "Fix:" in line


def test_missing_dot_is_a_note_with_the_install_command():
    info, note = dot_note(which=lambda name: None)
    assert info == "Graphviz dot: not found" and "apt-get install graphviz" in note
    assert dot_note(which=lambda name: f"/usr/bin/{name}") == ("Graphviz dot: /usr/bin/dot", None)


def test_this_environment_matches_requirements_txt(capsys):
    assert main([str(ROOT / "requirements.txt")]) == 0
    out = capsys.readouterr().out
    assert "PROBLEM" not in out and out.rstrip().endswith("the notebooks expect.")
    assert "backend cpu" in out


def test_broken_pin_and_missing_package_fail_the_command_line(tmp_path):
    numpy_version = metadata.version("numpy")
    jax_version = metadata.version("jax")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        f"jax=={jax_version}\nnumpy==0.0.1\nno-such-package-for-this-test==1.0\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "helpers.check_env", str(requirements)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    problems = [line for line in result.stdout.splitlines() if line.startswith("PROBLEM:")]
    assert len(problems) == 2, result.stdout
    assert f"numpy {numpy_version} is installed" in problems[0]
    assert "pins 0.0.1" in problems[0]
    assert "no-such-package-for-this-test is not installed" in problems[1]
    assert f"1 of 3 pins in {requirements}" in result.stdout
    assert normalise("jax") not in " ".join(problems)


def test_jax_that_cannot_import_is_a_problem_with_the_pinned_fix(monkeypatch):
    monkeypatch.setitem(sys.modules, "jax", None)  # `import jax` now raises ImportError
    info, problems = jax_report({"jax": "0.10.2", "jaxlib": "0.10.2"})
    assert info == "JAX: not usable" and len(problems) == 1
    assert problems[0].startswith("JAX could not start (ModuleNotFoundError")
    assert '"jax==0.10.2" "jaxlib==0.10.2"' in problems[0]
