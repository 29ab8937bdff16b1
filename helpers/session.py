"""The last cell of every notebook: which versions produced these outputs."""

import platform
from importlib import metadata

__all__ = ["versions"]

PACKAGES = ("jax", "jaxlib", "numpyro", "arviz", "numpy", "scipy", "pandas", "matplotlib")


def versions(packages=PACKAGES):
    """Return ``{"python": "3.11.x", "jax": ..., ...}`` for the distributions ``packages``.

    Read from installed metadata, so nothing is imported; a package that is not
    installed maps to ``"not installed"``.

    Examples
    --------
    >>> import numpy
    >>> versions(["numpy"])["numpy"] == numpy.__version__
    True
    """
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
