# make lab          -> set up .venv (first time only) and start JupyterLab on notebooks/
# make test         -> set up .venv, then lint, unit tests, doctests and every notebook
# make learner      -> learner/NN_x.ipynb: copies with exercise solutions replaced by stubs
# make test-learner -> build the learner copies in a temporary folder and run each one
# make test-browser -> run every notebook through JupyterLab in headless Chromium
# make book         -> the executed notebooks as a static site in build/book/
# make bench        -> time the collection against the forum thread's script (benchmarks/results.md)
# make mutate       -> mutation testing of the core helpers (not part of make test)
# make check-env    -> is this environment the one the notebooks expect?
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check
# JupyterLab refuses to start as root without --allow-root (our machines run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# .venv/bin first on PATH, so kernels find the pip-installed `dot` when the system has none.
export PATH := $(CURDIR)/$(BIN):$(PATH)
# JAX's persistent compilation cache: a warm cache skips most of a cold kernel's compile time.
# Results are bit-identical with the cache warm or cold (tests/test_cache.py).
export JAX_COMPILATION_CACHE_DIR ?= $(CURDIR)/build/jax-cache
export JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS ?= 0
export JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES ?= 0

.PHONY: lab test lint learner test-learner test-browser book bench mutate check-env venv clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; v = sys.version_info[:2]; \
	  (v == (3, 11)) or print(f"warning: .venv uses Python {v[0]}.{v[1]}; the pins are for 3.11")'
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps --no-build-isolation -e .
	@# No Graphviz on the system: use graphviz-pure's dot (a pip package) from .venv/bin.
	@PATH=/usr/local/bin:/usr/bin:/bin command -v dot >/dev/null 2>&1 || ln -sf graphviz-pure $(BIN)/dot
	@touch $(STAMP)

lab: venv
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/nbstripout --verify notebooks/*.ipynb

test: lint
	$(BIN)/python -m pytest

learner: venv
	$(BIN)/python tools/learner.py notebooks learner

test-learner: venv
	$(BIN)/python -m pytest -m learner tests/test_learner_copies.py

test-browser: venv
	$(BIN)/python tools/browser_test.py

book: venv
	$(BIN)/python tools/book/build.py

bench: venv
	$(BIN)/python benchmarks/bench.py

mutate: venv
	$(BIN)/mutmut run --max-children 2; $(BIN)/mutmut results

check-env: venv
	$(BIN)/python -m helpers.check_env

clean:
	rm -rf $(VENV) learner build mutants
