# The two commands of the README, and the checks CI makes.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test coverage lint check clean lock hooks bench

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Exact versions with their hashes from the lock file, then the portal itself without
# resolving anything (its build backend, setuptools, is in the lock too). pip installs
# only the installer, uv, at the lock's version and hashes (requirements/installer.txt);
# uv installs the rest, as strictly and in a tenth of pip's time (CI makes a new
# environment on every run). Modules are compiled to bytecode when first imported.
$(STAMP): $(BIN)/python requirements/installer.txt requirements/dev.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/installer.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements/dev.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	@$(BIN)/uv pip check --quiet --python $(BIN)/python || { echo "The lock misses a dependency of pyproject.toml: run make lock."; exit 1; }
	@touch $(STAMP)

# The lock: requirements/base.txt (what production runs; the Dockerfile installs it) and
# requirements/dev.txt (that plus the test tools, pinned to the same versions), with the
# hashes of every file for every platform. Run after changing dependencies in
# pyproject.toml; pins already in the lock are kept. To move every pin to the newest
# allowed release: make lock LOCK_ARGS=--upgrade
LOCK_ARGS ?=
UV_COMPILE = $(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" --quiet $(LOCK_ARGS)

## Regenerate the lock files after a dependency change in pyproject.toml
# (Not on $(STAMP): its check fails while a new dependency is not yet in the lock.)
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/installer.txt
	$(UV_COMPILE) pyproject.toml requirements/build.in -o requirements/base.txt
	$(UV_COMPILE) pyproject.toml requirements/build.in --extra dev -c requirements/base.txt \
		-o requirements/dev.txt
	$(UV_COMPILE) requirements/installer.in -c requirements/dev.txt -o requirements/installer.txt

## Serve the portal with the real data on SQLite at http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_portal_data
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the whole test suite: on SQLite, then on PostgreSQL with Redis where they answer
test: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/test.sh

## The whole suite with line coverage of the apps, failing below the floor in pyproject.toml
coverage: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" COVERAGE=1 bash scripts/test.sh

## Lint, format, layering, type and migration checks
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

## Run make lint's checks before each commit (pre-commit, local hooks)
hooks: $(STAMP)
	$(BIN)/pre-commit install

## Measure the portal with wrk against the static-file limit (SCALE=1 national, 0.1 quick)
SCALE ?= 1
bench: $(STAMP)
	$(BIN)/python bench/run.py --scale $(SCALE)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
