"""Argument checks shared by the helpers modules (private)."""

import math
import operator

__all__ = ["positive_int", "positive_float", "finite_float", "finite_floats"]


def positive_int(name, value, minimum=1):
    """Return ``value`` as an int >= ``minimum``, or raise ValueError naming ``name``."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    try:
        out = operator.index(value)
    except TypeError:
        raise ValueError(
            f"{name} must be an integer >= {minimum}, got {value!r}."
        ) from None
    if out < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {out}.")
    return out


def finite_float(name, value):
    """Return ``value`` as a finite float, or raise ValueError naming ``name``."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number, got {value!r}.") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    return out


def positive_float(name, value):
    """Return ``value`` as a finite float > 0, or raise ValueError naming ``name``."""
    out = finite_float(name, value)
    if out <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}.")
    return out


def finite_floats(name, values):
    """Return ``values`` as a tuple of finite floats, or raise ValueError naming ``name``."""
    try:
        items = tuple(values)
    except TypeError:
        raise ValueError(
            f"{name} must be a sequence of finite numbers, got {values!r}."
        ) from None
    if not items:
        raise ValueError(f"{name} must hold at least one number, got {values!r}.")
    return tuple(finite_float(f"{name}[{i}]", v) for i, v in enumerate(items))
