"""Noise scales: what ``dist.Normal`` expects, from however the error was written down.

``dist.Normal(loc, scale)`` takes a *standard deviation*. Papers, instruments and other
libraries quote a variance or a precision instead; ``normal_scale`` converts exactly one
of the three spellings into the scale, so the number that reaches ``dist.Normal`` is the
one you meant.
"""

import numpy as np

__all__ = ["normal_scale"]

_SPELLINGS = ("sd", "variance", "precision")


def _positive(name, value):
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        arr = np.array([np.nan])
    if arr.size == 0 or not np.all(np.isfinite(arr)) or not np.all(arr > 0):
        raise ValueError(
            f"{name} must be finite and > 0 (a scalar or an array of them), got {value!r}."
        )
    return arr


def normal_scale(sd=None, variance=None, precision=None):
    """Return the scale (standard deviation) that ``dist.Normal`` wants.

    Give exactly one of the three spellings of a Gaussian error.

    Parameters
    ----------
    sd : float or array_like, optional
        Standard deviation: returned as is.
    variance : float or array_like, optional
        Variance ``sd**2``: its square root is returned.
    precision : float or array_like, optional
        Precision ``1 / sd**2``: ``1 / sqrt(precision)`` is returned.

    Returns
    -------
    float or ndarray
        The standard deviation, a float for scalar input, else a float64 array.

    Raises
    ------
    ValueError
        If none or more than one spelling is given, or a value is not finite and > 0.

    Examples
    --------
    >>> normal_scale(variance=1e-6)
    0.001
    >>> normal_scale(precision=4.0)
    0.5
    >>> normal_scale(sd=1e-3, variance=1e-6)
    Traceback (most recent call last):
    ...
    ValueError: give exactly one of sd, variance, precision; got 2: sd, variance. ...
    """
    given = {k: v for k, v in zip(_SPELLINGS, (sd, variance, precision), strict=True)
             if v is not None}
    if len(given) != 1:
        names = ", ".join(given) or "none"
        raise ValueError(
            f"give exactly one of sd, variance, precision; got {len(given)}: {names}. "
            "Pass e.g. normal_scale(variance=1e-6) for a variance of 1e-6."
        )
    (name, value), = given.items()
    arr = _positive(name, value)
    scale = {"sd": arr, "variance": np.sqrt(arr), "precision": 1.0 / np.sqrt(arr)}[name]
    return float(scale) if scale.ndim == 0 else scale
