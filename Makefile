# Two commands: `make run` starts the platform, `make test` runs the tests. Nothing else is needed first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-in-process test-sqlite test-postgresql bench vendor lint clean

# The project itself is installed editable without dependencies (they are the pinned ones above): it puts the
# administrators' command line in .venv/bin/rss (pyproject.toml [project.scripts]).
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet -e . --no-deps
	touch $(STAMP)

run: $(STAMP)
	PYTHONPATH=. $(PY) -m deploy.run

# The whole suite on SQLite, then again on PostgreSQL (127.0.0.1:5432 unless RSS_TEST_POSTGRES_URL says otherwise):
# per backend the in-process tests (services/*/tests, tests/shared), then the cross-service ones, each timed.
test: $(STAMP)
	PYTHONPATH=. $(PY) -m tests.run_all

# The in-process tests alone (rules called directly, each test in a rolled-back transaction), on SQLite: seconds.
test-in-process: $(STAMP)
	RSS_TEST_DATABASE=sqlite PYTHONPATH=. $(PY) -m pytest -q services tests/shared

test-sqlite: $(STAMP)
	RSS_TEST_DATABASE=sqlite PYTHONPATH=. $(PY) -m pytest -q

test-postgresql: $(STAMP)
	RSS_TEST_DATABASE=postgresql PYTHONPATH=. $(PY) -m pytest -q

# Benchmarks, not tests: the gateway's cost (wrk, nginx; installed from Debian's packages if missing), reads
# through the gateway against their raw query and serialisation, the registry under 1x and 10x data, and the
# dashboard's national page against the API calls it makes. Each prints its figures and writes bench/results/*.json.
bench: $(STAMP)
	PYTHONPATH=. $(PY) -m bench.gateway
	PYTHONPATH=. $(PY) -m bench.read_path --database postgresql
	PYTHONPATH=. $(PY) -m bench.registry
	PYTHONPATH=. $(PY) -m bench.registry --database postgresql
	PYTHONPATH=. $(PY) -m bench.imports && PYTHONPATH=. $(PY) -m bench.imports --database postgresql
	PYTHONPATH=. $(PY) -m bench.surveys
	PYTHONPATH=. $(PY) -m bench.funding --database postgresql
	PYTHONPATH=. $(PY) -m bench.reporting --database postgresql
	PYTHONPATH=. $(PY) -m bench.dashboard

# The JavaScript shipped from npm (the dashboard's Apache ECharts, the browser test's axe-core), fetched again at the
# pinned versions with npm and recorded with their licences and checksums (deploy/vendor.py; --upgrade: the latest).
vendor: $(STAMP)
	PYTHONPATH=. $(PY) -m deploy.vendor

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) data .pytest_cache
