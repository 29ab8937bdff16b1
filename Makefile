# make lab   -> set up .venv (first time only) and start JupyterLab on notebooks/
# make test  -> set up .venv, then lint, unit tests, doctests and every notebook
# make learner -> learner/NN_x.ipynb: copies with exercise solutions replaced by stubs
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check
# JupyterLab refuses to start as root without --allow-root (our machines run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lint learner venv clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; v = sys.version_info[:2]; \
	  (v == (3, 11)) or print(f"warning: .venv uses Python {v[0]}.{v[1]}; the pins are for 3.11")'
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps --no-build-isolation -e .
	@touch $(STAMP)

lab: venv
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/nbstripout --verify notebooks/*.ipynb

test: lint
	$(BIN)/python -m pytest

learner: venv
	@mkdir -p learner
	@for nb in notebooks/*.ipynb; do \
	  $(BIN)/python -c 'import sys; from helpers.exercises import write_learner_copy as w; \
	    print(sys.argv[2], w(sys.argv[1], sys.argv[2]), "solutions stubbed")' \
	    "$$nb" "learner/$$(basename $$nb)"; \
	done

clean:
	rm -rf $(VENV) learner
