"""Gaussian noise written out: the Normal log density, and the scale ``dist.Normal`` wants.

``dist.Normal(loc, scale)`` takes a *standard deviation*. Papers, instruments and other
libraries quote a variance or a precision instead; ``normal_scale`` turns exactly one of
the three spellings into the scale.
"""

import math

__all__ = ["normal_log_density", "normal_scale"]


def normal_log_density(y, mu, sigma):
    """``log N(y | mu, sigma) = -log(sigma) - log(2 pi) / 2 - (y - mu)**2 / (2 sigma**2)``.

    Element-wise, with broadcasting; ``sigma`` is a standard deviation. A JAX array,
    so it works inside a model and under ``jax.grad``.

    Examples
    --------
    >>> round(float(normal_log_density(0.0, 0.0, 1.0)), 6)
    -0.918939
    """
    import jax.numpy as jnp

    z = (jnp.asarray(y) - mu) / sigma
    return -jnp.log(sigma) - 0.5 * math.log(2 * math.pi) - 0.5 * z**2


def normal_scale(sd=None, variance=None, precision=None):
    """Return the standard deviation ``dist.Normal`` wants, from exactly one spelling.

    ``sd`` is returned as is, ``variance ** 0.5`` or ``precision ** -0.5`` otherwise:
    plain arithmetic, so floats, NumPy arrays and JAX tracers inside a model all work.

    Examples
    --------
    >>> normal_scale(variance=1e-6), normal_scale(precision=4.0)
    (0.001, 0.5)
    """
    given = {k: v for k, v in {"sd": sd, "variance": variance, "precision": precision}.items()
             if v is not None}
    if len(given) != 1:
        raise ValueError(
            f"give exactly one of sd, variance, precision; got {sorted(given) or 'none'}. "
            "E.g. normal_scale(variance=1e-6) for a variance of 1e-6."
        )
    if sd is not None:
        return sd
    return variance**0.5 if variance is not None else precision**-0.5
