# Two commands do everything on a fresh machine: `make leaderboard` and `make test`.
# Each creates .venv inside the checkout when missing and installs the pinned versions
# from requirements.lock before running.
#
# GPU users who want to keep their own CUDA build of torch: `make test KEEP_TORCH=1`
# creates the venv with --system-site-packages and installs everything except torch.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KEEP_TORCH ?=
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: setup leaderboard test bench clean-venv

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(if $(KEEP_TORCH),--system-site-packages) $(VENV)
ifeq ($(KEEP_TORCH),)
	$(PIP) -r requirements.lock
else
	grep -v '^torch==' requirements.lock > $(VENV)/requirements-no-torch.txt
	$(PIP) -r $(VENV)/requirements-no-torch.txt
endif
	$(PIP) --no-deps --no-build-isolation -e . || $(PIP) --no-deps -e .
	@touch $(STAMP)

leaderboard: $(STAMP)
	$(VENV)/bin/interp-puzzles leaderboard

test: $(STAMP)
	$(PY) -m pytest tests puzzles

bench: $(STAMP)
	$(PY) -m pytest tests/benchmarks --benchmark-enable

clean-venv:
	rm -rf $(VENV)
