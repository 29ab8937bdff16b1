"""Gaussian noise written out: the Normal log density, and the scale ``dist.Normal`` wants.

``dist.Normal(loc, scale)`` takes a *standard deviation*. Papers, instruments and other
libraries quote a variance or a precision instead; ``normal_scale`` turns exactly one of
the three spellings into the scale.
"""

import math

__all__ = ["normal_log_density", "normal_scale"]


def normal_log_density(y, mu, sigma):
    """``log N(y | mu, sigma) = -log(sigma) - log(2 pi) / 2 - (y - mu)**2 / (2 sigma**2)``.

    Parameters
    ----------
    y, mu, sigma : array_like
        Broadcastable NumPy or JAX arrays; ``sigma`` is a standard deviation, > 0.

    Returns
    -------
    array
        Element-wise log density with the broadcast shape (JAX in, JAX out: it works
        inside a model and under ``jax.grad``).

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

    Plain arithmetic, so it works on floats, NumPy arrays and JAX tracers inside a model.

    Parameters
    ----------
    sd : float or array, optional
        Standard deviation: returned as is.
    variance : float or array, optional
        ``sd**2``: its square root is returned.
    precision : float or array, optional
        ``1 / sd**2``: ``precision ** -0.5`` is returned.

    Returns
    -------
    float or array

    Raises
    ------
    ValueError
        If not exactly one of the three is given.

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
