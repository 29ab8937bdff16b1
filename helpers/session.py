"""The last cell of every notebook: which versions produced these outputs."""

import platform
from importlib import metadata

__all__ = ["versions"]

PACKAGES = ("jax", "jaxlib", "numpyro", "arviz", "numpy", "scipy", "pandas", "matplotlib")


def versions(packages=PACKAGES):
    """Return the Python version and each installed package's version.

    Read from the installed distributions' metadata, so nothing is imported.

    Parameters
    ----------
    packages : sequence of str
        Distribution names as pip knows them.

    Returns
    -------
    dict
        ``{"python": "3.11.7", "jax": "0.10.2", ...}``; a package that is not installed
        maps to ``"not installed"``.

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
