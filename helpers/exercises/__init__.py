"""Exercises that answer back: ``check`` an answer, ask for a ``hint``.

>>> from helpers.exercises import check, hint          # doctest: +SKIP
>>> check("02.1", log_joint=log_joint)                  # doctest: +SKIP
Exercise 02.1 (easy, ...): correct.

Each notebook's exercises are registered in ``helpers/exercises/nbNN.py``; nothing is
imported until an exercise of that notebook is checked.
"""

from helpers.exercises._core import NOT_ATTEMPTED, Wrong, WrongAnswer, check, exercise, hint

__all__ = ["NOT_ATTEMPTED", "Wrong", "WrongAnswer", "check", "exercise", "hint"]
