"""Every exercise answers back: the solution passes, each known mistake gets its own
diagnosis, a stub is "not attempted yet", and the notebooks use the ids that exist."""

import importlib
import re
from pathlib import Path

import nbformat
import pytest

from helpers.exercises import _core
from helpers.exercises._core import WrongAnswer, check, hint

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
MODULES = sorted(p.stem for p in (ROOT / "helpers" / "exercises").glob("nb*.py"))
for _name in MODULES:
    importlib.import_module(f"helpers.exercises.{_name}")
EXERCISES = sorted(k for k in _core._REGISTRY if not k.startswith("00"))
CHECK_CALL = re.compile(r"""check\(\s*["'](\d\d[a-z]?\.\d+)["']""")


def notebook_ids(path):
    nb = nbformat.read(path, as_version=4)
    return {m for c in nb.cells if c.cell_type == "code" for m in CHECK_CALL.findall(c.source)}


@pytest.fixture(params=EXERCISES)
def ex(request):
    return _core._REGISTRY[request.param]


def test_solution_is_correct(ex, capsys):
    examples = ex.examples()
    assert check(ex.id, strict=True, **examples["solution"]) == "correct"
    assert "correct" in capsys.readouterr().out


def test_each_mistake_gets_its_own_diagnosis(ex, capsys):
    mistakes = ex.examples()["mistakes"]
    assert len(mistakes) >= 2, f"{ex.id} recognises {len(mistakes)} mistakes; it needs two"
    messages = []
    for label, (answers, fragment) in mistakes.items():
        assert check(ex.id, **answers) == "wrong", label
        out = capsys.readouterr().out
        assert fragment in out, (label, out)
        messages.append(out)
        with pytest.raises(WrongAnswer, match=re.escape(fragment)):
            check(ex.id, strict=True, **answers)
    assert len(set(messages)) == len(messages), "two mistakes share one diagnosis"


def test_stub_is_not_attempted(ex, capsys):
    stub = {name: ... for name in ex.answer_names}
    assert check(ex.id, strict=True, **stub) == "not attempted"
    assert "not attempted yet" in capsys.readouterr().out


def test_hints_are_graded_and_run_out_politely(ex, capsys):
    _core._HINTS_GIVEN.pop(ex.id, None)
    shown = [hint(ex.id) for _ in range(len(ex.hints) + 1)]
    texts = [s.split(": ", 1)[1].split(" (that")[0] for s in shown[: len(ex.hints)]]
    assert texts == list(ex.hints)
    assert "last hint" in shown[-1]


def test_wrong_answer_names_are_a_type_error_that_says_what_to_pass(ex):
    with pytest.raises(TypeError, match=re.escape(f"check({ex.id!r}")):
        check(ex.id, not_an_answer=1)


def test_unknown_id_lists_the_known_ones():
    with pytest.raises(ValueError, match="known ids"):
        check("99.9", x=1)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_three_exercises_of_mixed_levels_all_registered(path):
    ids = notebook_ids(path)
    assert len(ids) >= 3, f"{path.name} checks {sorted(ids)}; it needs three exercises"
    assert ids <= set(EXERCISES), sorted(ids - set(EXERCISES))
    levels = {_core._REGISTRY[i].level for i in ids}
    assert len(levels) >= 2, f"{path.name}: all exercises are {levels}"


def test_every_registered_exercise_is_used_by_a_notebook():
    used = set().union(*(notebook_ids(p) for p in NOTEBOOKS))
    assert set(EXERCISES) <= used, sorted(set(EXERCISES) - used)
