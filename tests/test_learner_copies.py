"""The learner copies (`make learner`) run top to bottom in a fresh kernel, and every
exercise check in them reports "not attempted yet". Run by `make test-learner` (CI runs it
after `make test`); `make test` skips it (marker ``learner``)."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))




@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("learner")
    subprocess.run([sys.executable, str(ROOT / "tools" / "learner.py"), str(ROOT / "notebooks"),
                    str(out)], check=True, capture_output=True, text=True)
    return out


def outputs_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.extend(str(v) for v in output.get("data", {}).values())
    return "".join(parts)


@pytest.mark.learner
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_learner_copy_runs_and_reports_not_attempted(copies, path):
    notebook = nbformat.read(copies / path.name, as_version=4)
    check_call = re.compile(r"""check\(\s*["']\d\d[a-z]?\.\d+["']""")
    exercise_checks = [c for c in notebook.cells if c.cell_type == "code"
                       and check_call.search(c.source)]
    assert not any("strict=True" in c.source for c in exercise_checks)
    NotebookClient(notebook, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    assert exercise_checks, f"{path.name} has no exercise checks"
    for cell in exercise_checks:
        assert "not attempted yet" in outputs_text(cell), cell.source


def _learner_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("learner_tool", ROOT / "tools" / "learner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("source", "names"),
    [("a = 1", ["a"]), ("a, (b, c) = 1, (2, 3)", ["a", "b", "c"]),
     ("def model_fixed(X, y=None):\n    mu = 1\n", ["model_fixed"]),
     ("x: int = 3\nx += 1\nimport numpy as np", ["x"]), ("print(1)", [])],
)
def test_stub_sets_each_assigned_name_to_ellipsis(source, names):
    tool = _learner_tool()
    assert tool.assigned_names(source) == names
    namespace = {}
    exec(tool.stub(source), namespace)  # the stub itself runs
    assert all(namespace[n] is ... for n in names)


def test_learner_copy_stubs_solutions_and_drops_strict():
    tool = _learner_tool()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("ans = 42", metadata={"tags": ["solution"]}),
                nbformat.v4.new_code_cell('check("01.1", ans=ans, strict=True)')]
    out = tool.learner_copy(nb)
    assert "ans = ...\n" in out.cells[0].source and "42" not in out.cells[0].source
    assert out.cells[1].source == 'check("01.1", ans=ans)'
    assert nb.cells[0].source == "ans = 42"  # the input is not changed
