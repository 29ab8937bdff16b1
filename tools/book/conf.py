"""Sphinx configuration for `make book` (tools/book/build.py passes this folder with -c).

The source tree is generated under build/book-src/; the site goes to build/book/. Offline by
design: no intersphinx, MathJax served from the site itself (sphinx-mathjax-offline), no
widget JavaScript from a CDN.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

project = "Likelihoods in NumPyro"
author = "Likelihoods in NumPyro contributors"
copyright = f"2026, {author}"
root_doc = "index"
language = "en"

extensions = ["myst_nb", "sphinx-mathjax-offline"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute"]

# MyST: $...$ and $$...$$ math in markdown cells, anchors for in-page links.
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# Execute each notebook once; jupyter-cache keeps the result until the notebook's code changes
# (build.py overrides the path with one keyed by a hash of helpers/ and requirements.txt).
nb_execution_mode = "cache"
nb_execution_cache_path = str(ROOT / "build" / "book-cache" / "default")
nb_execution_timeout = 900
# A failing notebook is a warning (an error under -W) and the build goes on to the next one.
nb_execution_raise_on_error = False
nb_execution_show_tb = True
# build.py tags exercise solutions "hide-input": a fold the reader opens after trying.
nb_code_prompt_show = "Show the solution"
nb_code_prompt_hide = "Hide the solution"
# No require.js / widget manager from a CDN: widgets show their static fallback.
nb_ipywidgets_js = {}

html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "navigation_with_keys": False,
}
html_last_updated_fmt = None
html_show_sourcelink = False
