"""Repository checks: pins, environment.yml, notebooks stored clean, layout conventions."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
HELPERS = sorted(p for p in (ROOT / "helpers").glob("*.py") if not p.name.startswith("_"))
TAIL = ["Summary", "Exercises", "References", "Versions"]


def pins():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_every_requirement_is_pinned_exactly():
    for line in pins():
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][A-Za-z0-9_.+\-]*", line), line


@pytest.mark.parametrize(
    "pattern",
    [r"jax==0\.10\.2", r"jaxlib==0\.10\.2", r"numpyro==0\.22\.0", r"arviz==0\.23\.4",
     r"matplotlib==3\.11\.\d+", r"jupyterlab==4\.\d+\.\d+", r"ipywidgets==.+", r"nbval==.+",
     r"pytest==.+", r"hypothesis==.+", r"ruff==.+", r"nbstripout==.+", r"graphviz==.+"],
)
def test_required_pins_present(pattern):
    assert any(re.fullmatch(pattern, line) for line in pins()), pattern


def test_environment_yml_uses_requirements_and_package():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    deps = env["dependencies"]
    assert "python=3.11" in deps and "pip" in deps and "graphviz" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt", "-e ."]


def test_notebook_names_are_numbered_in_order():
    numbers = [int(re.match(r"(\d\d)_[a-z0-9_]+\.ipynb$", p.name).group(1)) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {cell.get('id')} has outputs"
            assert cell.execution_count is None, f"cell {cell.get('id')} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_house_layout(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    title = first.source.splitlines()[0]
    assert title.startswith("# ") and title.rstrip().endswith("?"), title
    assert "Level" in first.source and "Prerequisites" in first.source
    assert nb.cells[1].cell_type == "code" and "PRNGKey" in nb.cells[1].source
    headings = [
        line[3:].strip()
        for cell in nb.cells if cell.cell_type == "markdown"
        for line in cell.source.splitlines() if line.startswith("## ")
    ]
    tail = [h for h in headings if h in TAIL]
    assert tail == TAIL, f"tail headings {tail}, expected {TAIL}"
    assert "versions()" in nb.cells[-1].source


def test_readme_maps_every_notebook_and_gives_two_commands():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, path.name
    assert "make lab" in readme and "make test" in readme


@pytest.mark.parametrize("path", HELPERS, ids=lambda p: p.name)
def test_helper_module_has_test_file_all_and_docstrings(path):
    assert (ROOT / "tests" / f"test_{path.stem}.py").exists()
    tree = ast.parse(path.read_text())
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    names = [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "__all__" for t in node.targets)
    ]
    assert names, f"{path.name} has no __all__"
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            assert ast.get_docstring(node), f"{path.name}:{node.name} has no docstring"


def test_importing_helpers_does_no_work():
    code = (
        "import json, sys, helpers; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('jax', 'helpers.')))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True,
        check=True, cwd=ROOT,
    ).stdout
    assert json.loads(out) == []


def test_ci_runs_make_test():
    run = (ROOT / ".ci" / "run").read_text()
    assert run.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in run
    assert "make test" in run


def test_make_lab_uses_the_venv_and_allows_root():
    out = subprocess.run(
        ["make", "-n", "-W", ".venv/.installed", "lab"], capture_output=True, text=True,
        cwd=ROOT, check=True,
    ).stdout
    assert ".venv/bin/jupyter lab --notebook-dir=notebooks" in out
    if subprocess.run(["id", "-u"], capture_output=True, text=True).stdout.strip() == "0":
        assert "--allow-root" in out


def test_precommit_hooks_are_local_and_use_the_venv():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert all(repo["repo"] == "local" for repo in config["repos"])
    assert hooks["ruff"]["entry"].startswith(".venv/bin/ruff")
    assert hooks["nbstripout"]["entry"].startswith(".venv/bin/nbstripout")


def test_a_failing_notebook_cell_fails_the_run(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("assert x == 2")]
    nbformat.write(nb, tmp_path / "broken.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-current-env", "broken.ipynb"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed" in result.stdout


def test_package_lists_every_module():
    import helpers

    assert sorted(helpers.__all__) == sorted(p.stem for p in HELPERS)
    for name in helpers.__all__:
        assert f"\n{name} " in helpers.__doc__, f"{name} is not described in helpers/__init__.py"
