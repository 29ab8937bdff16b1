"""Repository checks: pins, notebook layout and clock, the helpers' size and hygiene."""

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
# Modules that other issues add (the doctor, counts of notebook 07, the environment check) are
# not counted against the helpers' size budget of issue 11; exercises are a package of their own.
OTHER_ISSUES = {"doctor", "counts", "check_env"}
TAIL = ["Summary", "Exercises", "References", "Versions"]
MAX_CELLS = 60
MAX_HELPERS_LINES = 1400


def pins():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_every_requirement_is_pinned_exactly():
    for line in pins():
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][A-Za-z0-9_.+\-]*", line), line


def test_environment_yml_uses_requirements_and_package():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps and "pip" in deps and "graphviz" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip_section == ["-r requirements.txt", "-e ."]


def test_notebook_names_are_numbered_in_order():
    numbers = [re.match(r"(\d\d)(a?)_[a-z0-9_]+\.ipynb$", p.name) for p in NOTEBOOKS]
    assert all(numbers), [p.name for p, m in zip(NOTEBOOKS, numbers, strict=True) if not m]
    mains = [int(m.group(1)) for m in numbers if not m.group(2)]
    assert mains == list(range(1, len(mains) + 1))
    appendices = {int(m.group(1)) for m in numbers if m.group(2)}
    assert appendices <= set(mains), "an appendix NNa follows its parent NN"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_house_layout_and_clock(path):
    nb = nbformat.read(path, as_version=4)
    assert len(nb.cells) <= MAX_CELLS, f"{len(nb.cells)} cells, the clock allows {MAX_CELLS}"
    first = nb.cells[0]
    title = first.source.splitlines()[0]
    assert first.cell_type == "markdown" and title.startswith("# ") and "?" in title
    assert "Level" in first.source and "Prerequisites" in first.source
    assert nb.cells[1].cell_type == "code" and "PRNGKey" in nb.cells[1].source
    headings = [line[3:].strip() for cell in nb.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("## ")]
    assert [h for h in headings if h in TAIL] == TAIL, headings
    further = [i for i, h in enumerate(headings) if h.startswith("Going further")]
    assert all(i < headings.index("Summary") for i in further), "Going further sits before the tail"
    assert "versions()" in nb.cells[-1].source


def test_readme_maps_every_notebook_and_shows_the_doctor_early():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, path.name
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make lab" in first_screen and "make test" in first_screen
    assert "examine(" in first_screen and "check_env" in first_screen


@pytest.mark.parametrize("path", HELPERS, ids=lambda p: p.name)
def test_helper_module_has_test_file_all_and_docstrings(path):
    assert (ROOT / "tests" / f"test_{path.stem}.py").exists()
    tree = ast.parse(path.read_text())
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    assert any(isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "__all__"
                                                 for t in n.targets) for n in tree.body)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            assert ast.get_docstring(node), f"{path.name}:{node.name} has no docstring"


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers"):
            yield node.module, [a.name for a in node.names]


@pytest.mark.parametrize("path", HELPERS, ids=lambda p: p.name)
def test_no_module_imports_another_modules_private_name(path):
    for module, names in _imports(path):
        private = [n for n in names if n.startswith("_")]
        assert not private or module == f"helpers.{path.stem}", (module, private)


def test_helpers_fit_the_size_budget():
    lines = sum(len(p.read_text().splitlines()) for p in HELPERS if p.stem not in OTHER_ISSUES)
    assert lines <= MAX_HELPERS_LINES, f"helpers is {lines} lines, the budget {MAX_HELPERS_LINES}"


def test_every_public_helper_is_used_by_a_notebook_benchmark_or_the_doctor():
    sources = [nbformat.read(p, as_version=4) for p in NOTEBOOKS]
    text = "\n".join(c.source for nb in sources for c in nb.cells)
    text += "\n".join(p.read_text() for p in (ROOT / "benchmarks").glob("*.py"))
    # the doctor (notebook 08) runs the course's checks through these helpers
    text += (ROOT / "helpers" / "doctor.py").read_text()
    for path in HELPERS:
        if path.stem in OTHER_ISSUES:
            continue
        tree = ast.parse(path.read_text())
        public = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                      and any(getattr(t, "id", None) == "__all__" for t in n.targets))
        unused = [name for name in public if not re.search(rf"\b{name}\b", text)]
        assert not unused, f"helpers.{path.stem}: {unused} used by no notebook or benchmark"


def test_importing_helpers_does_no_work():
    code = ("import json, sys, helpers, helpers.exercises; print(json.dumps(sorted(m for m in "
            "sys.modules if m.startswith(('jax', 'numpyro')))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert json.loads(out) == []


def test_make_lab_uses_the_venv_and_allows_root():
    out = subprocess.run(["make", "-n", "-W", ".venv/.installed", "lab"], capture_output=True,
                         text=True, cwd=ROOT, check=True).stdout
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
         "--nbval-current-env", "broken.ipynb"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed" in result.stdout


def test_package_docstring_lists_every_module():
    import helpers

    assert sorted(helpers.__all__) == sorted([p.stem for p in HELPERS] + ["exercises"])
    for name in helpers.__all__:
        assert f"\n{name} " in helpers.__doc__, f"{name} is not described in helpers/__init__.py"
