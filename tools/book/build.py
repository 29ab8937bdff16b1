"""Build the course as a static site with Sphinx, MyST-NB and sphinx-book-theme: make book.

1. Copies the notebooks into build/book-src/ in their numbered order, folding each exercise
   solution (cells tagged ``solution``) behind a "show" toggle.
2. Writes the landing page, build/book-src/index.md, from README.md: its introduction and
   every section that links to the notebooks (the notebook map), links pointed at the pages.
3. Runs Sphinx with tools/book/conf.py, warnings as errors. MyST-NB executes each notebook
   once and keeps the result in build/book-cache/<key>/ (jupyter-cache), so a second build only
   re-executes notebooks whose code changed. The key is a hash of helpers/ and
   requirements.txt: a changed helper or pin executes every notebook again. Nothing is
   downloaded.

    .venv/bin/python tools/book/build.py     # then open build/book/index.html
"""

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOTEBOOKS = ROOT / "notebooks"
SRC, OUT = ROOT / "build" / "book-src", ROOT / "build" / "book"
NOTEBOOK_LINK = re.compile(r"\[([^\]]+)\]\((?:\./)?notebooks/(\d\d[a-z]?_[\w-]+)\.ipynb\)")
LOCAL_LINK = re.compile(r"\[([^\]]+)\]\((?!https?:|mailto:|#|\d\d[a-z]?_[\w-]+\.ipynb\))[^)]*\)")


def _page_link(match):
    text, stem = match.groups()
    text = stem if text.strip("`") == f"notebooks/{stem}.ipynb" else text
    return f"[{text}]({stem}.ipynb)"


def landing_page(readme, names):
    """Markdown for index.md: README's introduction and its sections that link to notebooks."""
    title, _, rest = readme.partition("\n")
    parts = re.split(r"(?m)^(?=## )", rest)
    kept = [parts[0]] + [p for p in parts[1:] if NOTEBOOK_LINK.search(p)]
    body = NOTEBOOK_LINK.sub(_page_link, "".join(kept))
    body = LOCAL_LINK.sub(r"\1", body)  # README links to repository files: keep the words
    toctree = "\n".join(["```{toctree}", ":hidden:", ":maxdepth: 1", "", *names, "```"])
    return f"{title}\n{body.rstrip()}\n\n{toctree}\n"


def book_notebook(text):
    """The notebook's JSON with solution cells tagged ``hide-input`` (a fold in the page)."""
    nb = json.loads(text)
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags and "hide-input" not in tags:
            cell["metadata"]["tags"] = [*tags, "hide-input"]
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def cache_key():
    """Hash of what a notebook's outputs depend on besides its own code: helpers and pins."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "helpers").rglob("*.py")) + [ROOT / "requirements.txt"]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def write_if_changed(path, text):
    """Write only new content, so Sphinx does not re-read pages that did not change."""
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def main():
    if importlib.util.find_spec("sphinx-mathjax-offline") is None:  # its module name has dashes
        sys.exit("make book needs sphinx-mathjax-offline (MathJax served from the site itself): "
                 "python -m pip install -r requirements.txt")
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]*.ipynb"))
    SRC.mkdir(parents=True, exist_ok=True)
    for stale in set(SRC.glob("*.ipynb")) - {SRC / p.name for p in paths}:
        stale.unlink()
    for path in paths:
        write_if_changed(SRC / path.name, book_notebook(path.read_text()))
    readme = (ROOT / "README.md").read_text()
    write_if_changed(SRC / "index.md", landing_page(readme, [p.stem for p in paths]))
    cache = ROOT / "build" / "book-cache" / cache_key()
    for old in cache.parent.glob("*"):
        if old != cache:  # executed against other helpers or pins: never valid again
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    # A static page has no use for live progress bars: tqdm (numpyro's bars) stays silent.
    env = {**os.environ, "TQDM_DISABLE": "1"}
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
           "-D", f"nb_execution_cache_path={cache}", "-c", str(HERE),
           "-d", str(ROOT / "build" / "book-doctrees"), str(SRC), str(OUT)]
    shutil.rmtree(OUT / "reports", ignore_errors=True)  # tracebacks of an earlier failed run
    start = time.monotonic()
    status = subprocess.run(cmd, env=env, cwd=ROOT).returncode
    verdict = "built" if status == 0 else "FAILED (see the warnings above)"
    print(f"book {verdict} in {time.monotonic() - start:.0f} s: {OUT / 'index.html'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
