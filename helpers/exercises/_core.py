"""Exercise checks that answer back: a diagnosis for the usual mistakes, hints on request.

An exercise is a function that receives the learner's answers and raises :class:`Wrong`
with a diagnosis when it recognises a mistake (or returns normally when the answer is
right). :func:`exercise` registers it under an id such as ``"02.1"``; :func:`check` and
:func:`hint` look it up. Each notebook's exercises live in ``helpers/exercises/nbNN.py``.
"""

import importlib
import inspect
from dataclasses import dataclass, field

__all__ = ["NOT_ATTEMPTED", "Wrong", "WrongAnswer", "Exercise", "exercise", "check", "hint"]

#: What a learner copy's stub assigns (``answer = ...``): the exercise is not attempted yet.
NOT_ATTEMPTED = Ellipsis
LEVELS = ("easy", "medium", "hard")
_REGISTRY = {}
_HINTS_GIVEN = {}


class _Status(str):
    """The outcome of :func:`check`: a string that Jupyter does not echo under the cell."""

    def _ipython_display_(self):
        pass


class Wrong(Exception):
    """Raised by an exercise's checker with the diagnosis of a wrong answer."""


class WrongAnswer(AssertionError):
    """Raised by ``check(..., strict=True)`` on a wrong answer; the message is the diagnosis."""


@dataclass(frozen=True)
class Exercise:
    """One registered exercise: its checker, level, hints and test examples."""

    id: str
    level: str
    title: str
    checker: object
    hints: tuple
    examples: object = field(default=None, repr=False)

    @property
    def answer_names(self):
        """Names of the answers ``check`` expects, from the checker's signature."""
        return list(inspect.signature(self.checker).parameters)


def exercise(exercise_id, *, level, title, hints, examples=None):
    """Register the decorated checker as exercise ``exercise_id``.

    Parameters
    ----------
    exercise_id : str
        ``"NN.k"``: notebook number and exercise number, e.g. ``"02.1"``.
    level : {"easy", "medium", "hard"}
    title : str
        A few words, shown by :func:`check` and :func:`hint`.
    hints : sequence of str
        Up to three graded hints, from a nudge to nearly the answer.
    examples : callable, optional
        ``examples() -> {"solution": answers, "mistakes": {label: (answers, fragment)}}``:
        the worked answer and each recognised mistake with a fragment of its diagnosis.
        Called by the tests only (it may fit models), never at import.

    Examples
    --------
    >>> @exercise("00.1", level="easy", title="one plus one", hints=("Count.",),
    ...           examples=lambda: {"solution": {"total": 2},
    ...                             "mistakes": {"concat": ({"total": 11}, "strings")}})
    ... def _(total):
    ...     if total == 11:
    ...         raise Wrong("you joined '1' and '1' as strings")
    ...     if total != 2:
    ...         raise Wrong(f"expected a sum, got {total}")
    >>> _ = check("00.1", total=11)
    Exercise 00.1 (easy, one plus one): not yet. you joined '1' and '1' as strings
    >>> _ = check("00.1", total=...)  # doctest: +ELLIPSIS
    Exercise 00.1 (easy, one plus one): not attempted yet. Replace the `...` stub, ...
    >>> check("00.1", total=2)
    Exercise 00.1 (easy, one plus one): correct.
    'correct'
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}.")
    if not 1 <= len(hints) <= 3:
        raise ValueError(f"give one to three hints, got {len(hints)}.")

    def register(checker):
        _REGISTRY[exercise_id] = Exercise(exercise_id, level, title, checker, tuple(hints),
                                          examples)
        return checker

    return register


def _lookup(exercise_id):
    if exercise_id not in _REGISTRY:
        notebook = str(exercise_id).split(".")[0]
        try:
            importlib.import_module(f"helpers.exercises.nb{notebook}")
        except ModuleNotFoundError:
            pass
    if exercise_id not in _REGISTRY:
        known = sorted(_REGISTRY)
        raise ValueError(f"there is no exercise {exercise_id!r}; known ids: {known}. The id is "
                         "the one in the exercise's title, e.g. check('02.1', ...).")
    return _REGISTRY[exercise_id]


def check(exercise_id, *, strict=False, **answers):
    """Check a learner's answers and print ``correct``, a diagnosis, or ``not attempted yet``.

    Parameters
    ----------
    exercise_id : str
        The id in the exercise's title, e.g. ``"02.1"``.
    strict : bool
        Raise :class:`WrongAnswer` on a wrong answer (the solution notebooks use this, so
        CI fails on a broken solution). A stub is never an error.
    **answers
        The answers, by the names the exercise asks for.

    Returns
    -------
    str
        ``"correct"``, ``"wrong"`` or ``"not attempted"``.
    """
    ex = _lookup(exercise_id)
    expected, given = ex.answer_names, sorted(answers)
    if sorted(expected) != given:
        raise TypeError(f"check({exercise_id!r}) takes the answers {expected}, got {given}. "
                        f"Call check({exercise_id!r}, " + ", ".join(f"{n}={n}" for n in expected)
                        + ").")
    label = f"Exercise {ex.id} ({ex.level}, {ex.title})"
    if any(value is NOT_ATTEMPTED for value in answers.values()):
        print(f"{label}: not attempted yet. Replace the `...` stub, then run this cell again.")
        return _Status("not attempted")
    try:
        ex.checker(**answers)
    except Wrong as diagnosis:
        message = f"{label}: not yet. {diagnosis}"
        if strict:
            raise WrongAnswer(message) from None
        print(message)
        return _Status("wrong")
    print(f"{label}: correct.")
    return _Status("correct")


def hint(exercise_id):
    """Print the next hint for ``exercise_id`` (up to three, one more per call).

    Returns
    -------
    str
        The hint printed.
    """
    ex = _lookup(exercise_id)
    given = _HINTS_GIVEN.get(exercise_id, 0)
    number = min(given, len(ex.hints) - 1)
    _HINTS_GIVEN[exercise_id] = given + 1
    more = "" if number + 1 < len(ex.hints) else " (that is the last hint)"
    text = f"Hint {number + 1} of {len(ex.hints)} for exercise {ex.id}: {ex.hints[number]}{more}"
    print(text)
    return text
