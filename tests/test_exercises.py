from pathlib import Path

import nbformat
import pytest

from helpers.exercises import STUB, learner_copy, write_learner_copy

ROOT = Path(__file__).resolve().parents[1]


def notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("**Exercise 1:** set x to 2."),
        nbformat.v4.new_code_cell("x = 2", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("assert x == 2  # check"),
    ]
    return nb


def test_solution_cells_become_stubs_and_checks_stay():
    out = learner_copy(notebook())
    assert [c.source for c in out.cells] == ["**Exercise 1:** set x to 2.", STUB,
                                             "assert x == 2  # check"]


def test_input_is_not_changed():
    nb = notebook()
    learner_copy(nb)
    assert nb.cells[1].source == "x = 2"


def test_rejects_non_notebook():
    with pytest.raises(ValueError, match="expected a version-4 nbformat notebook, got dict"):
        learner_copy({"cells": []})


def test_write_learner_copy_round_trip(tmp_path):
    nbformat.write(notebook(), tmp_path / "a.ipynb")
    assert write_learner_copy(tmp_path / "a.ipynb", tmp_path / "b.ipynb") == 1
    assert nbformat.read(tmp_path / "b.ipynb", as_version=4).cells[1].source == STUB


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_every_exercise_has_a_tagged_solution(path):
    cells = nbformat.read(path, as_version=4).cells
    prompts = [i for i, c in enumerate(cells)
               if c.cell_type == "markdown" and "**Exercise" in c.source]
    assert prompts, f"{path.name} has no exercises"
    for i in prompts:
        assert "solution" in cells[i + 1].get("metadata", {}).get("tags", []), (
            f"{path.name}: the cell after exercise prompt {i} is not tagged 'solution'"
        )
