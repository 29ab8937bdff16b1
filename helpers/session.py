"""Set-up helpers for a notebook's first cells: quiet imports and package versions.

Nothing here runs at import; each function does what it says only when called.
"""

import importlib
import platform
import warnings

__all__ = ["import_arviz", "versions"]

DEFAULT_PACKAGES = ("jax", "jaxlib", "numpyro", "arviz", "numpy", "scipy", "matplotlib")


def import_arviz():
    """Import and return ``arviz`` without its once-a-day refactor notice.

    ArviZ 0.23.4 emits a ``FutureWarning`` ("ArviZ is undergoing a major refactor")
    on the first import of each day. It says nothing about the reader's code, so the
    notebooks silence that one warning, and only during the import.

    Returns
    -------
    module
        The ``arviz`` module.

    Examples
    --------
    >>> az = import_arviz()
    >>> az.__name__
    'arviz'
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"\s*ArviZ is undergoing", category=FutureWarning
        )
        return importlib.import_module("arviz")


def versions(packages=DEFAULT_PACKAGES):
    """Return the Python version and each package's ``__version__``.

    Parameters
    ----------
    packages : sequence of str
        Importable module names.

    Returns
    -------
    dict
        ``{"python": "3.11.7", "jax": "0.10.2", ...}``; a package that is not
        installed maps to ``"not installed"``.

    Examples
    --------
    >>> versions(["numpy"])["numpy"] != "not installed"
    True
    """
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            module = import_arviz() if name == "arviz" else importlib.import_module(name)
        except ImportError:
            out[name] = "not installed"
        else:
            out[name] = getattr(module, "__version__", "unknown")
    return out
