"""Is this environment the one the notebooks expect? Run it first: ``python -m helpers.check_env``.

It checks the Python version, every pin in ``requirements.txt`` against what is installed,
which device JAX computes on, and whether Graphviz's ``dot`` is on the PATH. Each problem is
one line with its fix; the exit status is 1 when there is a problem, 0 otherwise. A missing
``dot`` is only a note: model graphs then fall back to text. It compiles nothing and takes a
few seconds (most of it importing JAX).

Another requirements file can be checked instead: ``python -m helpers.check_env other.txt``.
"""

import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

__all__ = [
    "normalise",
    "read_pins",
    "pin_problems",
    "python_problems",
    "jax_report",
    "dot_note",
    "main",
]

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"
PYTHON = (3, 11)


def normalise(name):
    """Return a distribution name in PEP 503 form, so ``PyYAML`` and ``pyyaml`` match.

    Examples
    --------
    >>> normalise("Jinja2"), normalise("typing_extensions"), normalise("zope.interface")
    ('jinja2', 'typing-extensions', 'zope-interface')
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(text):
    """Return ``{normalised name: version}`` for each ``name==version`` line of a requirements file.

    Comments and blank lines are skipped; any other line is a ValueError, because a
    range (``>=``) cannot be checked against one installed version.

    Examples
    --------
    >>> read_pins("# pins\\nJAX==0.10.2\\n\\nPyYAML==6.0.4  # for yaml\\n")
    {'jax': '0.10.2', 'pyyaml': '6.0.4'}
    """
    pins = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==(\S+)", line)
        if match is None:
            raise ValueError(
                f"line {number} of the requirements file is {line!r}; expected an exact pin "
                "'name==version' (e.g. 'jax==0.10.2')."
            )
        pins[normalise(match.group(1))] = match.group(3)
    return pins


def _installed():
    dists = metadata.distributions()
    return {normalise(d.metadata["Name"]): d.version for d in dists if d.metadata["Name"]}


def pin_problems(pins, installed):
    """Return one line per pin that is missing or installed at another version.

    Parameters
    ----------
    pins, installed : dict
        ``{normalised name: version}``, as from :func:`read_pins` and from the
        installed distributions.

    Examples
    --------
    >>> for line in pin_problems({"jax": "0.10.2", "numpy": "2.4.6"}, {"jax": "0.4.30"}):
    ...     print(line)
    jax 0.4.30 is installed, requirements.txt pins 0.10.2. Fix: python -m pip install "jax==0.10.2"
    numpy is not installed (requirements.txt pins 2.4.6). Fix: python -m pip install "numpy==2.4.6"
    """
    lines = []
    for name, want in pins.items():
        have = installed.get(name)
        if have == want:
            continue
        fix = f'Fix: python -m pip install "{name}=={want}"'
        if have is None:
            lines.append(f"{name} is not installed (requirements.txt pins {want}). {fix}")
        else:
            lines.append(f"{name} {have} is installed, requirements.txt pins {want}. {fix}")
    return lines


def python_problems(version_info=sys.version_info):
    """Return a one-line problem when Python is not 3.11, the version the pins are for.

    Examples
    --------
    >>> python_problems((3, 11, 7))
    []
    >>> python_problems((3, 13, 0))[0][:43]
    'Python 3.13.0 is running; the pins are for '
    """
    if tuple(version_info[:2]) == PYTHON:
        return []
    found = ".".join(str(v) for v in version_info[:3])
    return [
        f"Python {found} is running; the pins are for 3.11. Fix: install Python 3.11, delete "
        ".venv and run `make PYTHON=python3.11 venv` (or `conda env create -f environment.yml`)."
    ]


def jax_report(pins=None):
    """Return ``(info, problems)``: JAX's backend and device count, without compiling anything.

    ``pins`` (as from :func:`read_pins`) gives the versions named in the fix if JAX fails.

    Examples
    --------
    >>> info, problems = jax_report()
    >>> info.startswith("JAX "), problems
    (True, [])
    """
    try:
        import jax

        devices = jax.devices()
    except Exception as err:  # a broken jaxlib fails in many ways; report it, do not crash
        pins = pins or {}
        want = " ".join(f'"{n}=={pins[n]}"' if n in pins else n for n in ("jax", "jaxlib"))
        return "JAX: not usable", [
            f"JAX could not start ({type(err).__name__}: {err}). "
            f"Fix: python -m pip install --force-reinstall {want}"
        ]
    kinds = sorted({d.platform for d in devices})
    info = (
        f"JAX {jax.__version__}: backend {jax.default_backend()}, {len(devices)} device(s) "
        f"({', '.join(kinds)}), {jax.local_device_count()} on this host"
    )
    return info, []


def dot_note(which=shutil.which):
    """Return ``(info, note)`` about Graphviz's ``dot``; ``note`` is None when it is found.

    Examples
    --------
    >>> dot_note(which=lambda name: None)[1][:37]
    "Graphviz's `dot` is not on the PATH: "
    """
    path = which("dot")
    if path:
        return f"Graphviz dot: {path}", None
    return "Graphviz dot: not found", (
        "Graphviz's `dot` is not on the PATH: model graphs fall back to text. Fix: "
        "apt-get install graphviz (or conda install -c conda-forge graphviz, brew install "
        "graphviz); with no system Graphviz, `ln -s graphviz-pure .venv/bin/dot` and put "
        ".venv/bin on the PATH (make does both)."
    )


def main(argv=None):
    """Print the checks and return the exit status: 1 if there is a problem, else 0."""
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else REQUIREMENTS
    problems = python_problems()
    print(f"Python {sys.version.split()[0]} at {sys.executable}")
    pins = read_pins(path.read_text())
    pinned = pin_problems(pins, _installed())
    print(f"{len(pins) - len(pinned)} of {len(pins)} pins in {path} installed as pinned")
    info, jax_problems = jax_report(pins)
    print(info)
    info, note = dot_note()
    print(info)
    problems += pinned + jax_problems
    for line in problems:
        print(f"PROBLEM: {line}")
    if note:
        print(f"note: {note}")
    if problems:
        print(f"{len(problems)} problem(s). To reinstall every pin at once: "
              f"python -m pip install -r {path}")
        return 1
    print("OK: this environment is the one the notebooks expect.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
