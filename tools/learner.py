"""Write learner copies of the notebooks: solutions out, checks kept.

An exercise in a notebook is a markdown prompt, a code cell tagged ``solution`` with the
worked answer, and a check cell ``check("NN.k", answer=answer, strict=True)``. A learner
copy replaces each solution cell by a stub that sets every name the solution assigns to
``...`` and drops ``strict=True``, so the copy runs to the end and each check reports
"not attempted yet" until the learner writes an answer.

Usage: ``python tools/learner.py NOTEBOOK_DIR OUT_DIR`` (``make learner``).
"""

import ast
import copy
import re
import sys
from pathlib import Path

import nbformat

SOLUTION_TAG = "solution"
STUB_HEADER = "# Your answer here: replace each `...`, then run the check below. hint(...) helps.\n"


def assigned_names(source):
    """Names a cell assigns at its top level (assignments, functions, classes), in order.

    >>> assigned_names("a = 1\\ndef model(x):\\n    y = 2\\nb, c = 3, 4")
    ['a', 'model', 'b', 'c']
    """
    names = []

    def add(target):
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                add(element)

    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                add(target)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            add(node.target)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
    return list(dict.fromkeys(names))


def stub(source):
    """The learner's stub for a solution cell: each assigned name set to ``...``.

    >>> print(stub("total = 1 + 1"), end="")
    # Your answer here: replace each `...`, then run the check below. hint(...) helps.
    total = ...
    """
    return STUB_HEADER + "".join(f"{name} = ...\n" for name in assigned_names(source))


def learner_copy(notebook):
    """Return a copy of ``notebook`` with solutions stubbed and ``strict=True`` dropped."""
    out = copy.deepcopy(notebook)
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            cell.source = stub(cell.source)
        elif "check(" in cell.source:
            cell.source = re.sub(r",\s*strict=True", "", cell.source)
        cell.outputs, cell.execution_count = [], None
    return out


def main(src_dir, out_dir):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(src_dir).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        count = sum(SOLUTION_TAG in c.get("metadata", {}).get("tags", []) for c in notebook.cells)
        nbformat.write(learner_copy(notebook), out_dir / path.name)
        print(f"{out_dir / path.name}: {count} solutions stubbed")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python tools/learner.py NOTEBOOK_DIR OUT_DIR")
    main(*sys.argv[1:])
