"""Make a learner copy of a notebook: solutions out, checks kept.

Convention: an exercise is a markdown prompt, a code cell tagged ``solution`` holding a
worked answer, and a code cell with the ``assert`` that checks it. CI runs the notebook
with the solutions in; ``learner_copy`` swaps each solution for a stub, so one source
serves both the instructor and the learner.
"""

import copy

__all__ = ["SOLUTION_TAG", "STUB", "learner_copy", "write_learner_copy"]

SOLUTION_TAG = "solution"
STUB = "# Your code here: replace this line, then run the check below.\n"


def learner_copy(notebook):
    """Return a copy of ``notebook`` with every ``solution``-tagged cell replaced by a stub.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A version-4 notebook.

    Returns
    -------
    nbformat.NotebookNode
        A deep copy; the input is not changed. Outputs of stubbed cells are cleared.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("x = 2", metadata={"tags": ["solution"]}),
    ...             nbformat.v4.new_code_cell("assert x == 2")]
    >>> [c.source for c in learner_copy(nb).cells]
    ['# Your code here: replace this line, then run the check below.\\n', 'assert x == 2']
    """
    if getattr(notebook, "nbformat", None) != 4:
        raise ValueError(
            f"expected a version-4 nbformat notebook, got {type(notebook).__name__} with "
            f"nbformat={getattr(notebook, 'nbformat', None)!r}; read it with "
            "nbformat.read(path, as_version=4)."
        )
    out = copy.deepcopy(notebook)
    for cell in out.cells:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            cell.source = STUB
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
    return out


def write_learner_copy(src, dest):
    """Read the notebook at ``src``, write its learner copy to ``dest``, return the count.

    Returns
    -------
    int
        Number of solution cells replaced.
    """
    import nbformat

    notebook = nbformat.read(src, as_version=4)
    tagged = sum(SOLUTION_TAG in c.get("metadata", {}).get("tags", []) for c in notebook.cells)
    nbformat.write(learner_copy(notebook), dest)
    return tagged
