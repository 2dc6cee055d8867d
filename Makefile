# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: run install migrate demo serve test test-postgres test-browser pdf-check es es-stop test-es lint format messages ci clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=python3"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

run: demo
	@echo "Background worker (restarted if it dies) and web server; Ctrl-C stops both."
	@$(MANAGE) run_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver 127.0.0.1:8000

test: install
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0
	$(VENV)/bin/pytest -n 2 -m "not browser and not pdfua" $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(VENV)/bin/pytest -n 2 -m "not browser and not pdfua" $(PYTEST_ARGS)

# The browser tests on SQLite, or on PostgreSQL with DATABASE_URL set (as `make test-postgres`);
# the journeys alone: PYTEST_ARGS="tests/browser/test_journeys.py".
test-browser: install
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0
	$(VENV)/bin/pytest -m browser -p no:xdist $(PYTEST_ARGS)

# veraPDF from Maven Central (tools/verapdf/pom.xml); the classpath is resolved once into var/.
VERAPDF_CLASSPATH := var/verapdf/classpath.txt

$(VERAPDF_CLASSPATH): tools/verapdf/pom.xml
	mkdir -p $(dir $@)
	mvn -q -B -f tools/verapdf/pom.xml dependency:build-classpath -Dmdep.outputFile=$(CURDIR)/$@

# The documents handed to applicants (receipt, reminders, certificate, instruction sheet, access
# report) rendered and checked against PDF/UA-1; the PDFs stay in test-artifacts/pdf/.
pdf-check: install $(VERAPDF_CLASSPATH)
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0
	VERAPDF_CLASSPATH=$(CURDIR)/$(VERAPDF_CLASSPATH) $(VENV)/bin/pytest -p no:xdist -m pdfua $(PYTEST_ARGS)

# A three-node Elasticsearch test cluster on loopback (ports 9250-9252), fetched with Maven
# into a cache outside the repository; see .ci/elasticsearch.
es:
	bash .ci/elasticsearch start

es-stop:
	bash .ci/elasticsearch stop

# The Elasticsearch tests against the cluster of `make es` (or ELASTICSEARCH_URL), then the
# fault tests (they stop and start its nodes) on their own.
test-es: install
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0
	ELASTICSEARCH_URL=$${ELASTICSEARCH_URL:-$$(bash .ci/elasticsearch url)} \
	  $(VENV)/bin/pytest -n 2 -m "elasticsearch and not elasticsearch_faults" $(PYTEST_ARGS)
	ELASTICSEARCH_URL=$${ELASTICSEARCH_URL:-$$(bash .ci/elasticsearch url)} \
	  ABH_ES_CONTROL=.ci/elasticsearch \
	  $(VENV)/bin/pytest -p no:xdist -m elasticsearch_faults $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m tests.factory_guard

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(MANAGE) makemessages -l de -l en -l uk -l ru --add-location=never --no-obsolete --ignore=.venv --ignore=var --ignore=test-artifacts
	@# The creation date would change every catalogue on every run (and collide between branches).
	find . -path ./.venv -prune -o -name django.po -path '*/locale/*' -print | xargs sed -i '/^"POT-Creation-Date:/d'
	$(MANAGE) compilemessages --ignore=.venv

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var db.sqlite3
