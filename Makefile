# The one entry point for people and CI. `make run` and `make test` set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The web app's CSS, JS and images come from npm (package.json) and are copied into
# static/vendor/, which is never committed; this stamp stops them being rebuilt every time.
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
VENDOR := static/vendor
ASSETS_STAMP := $(VENDOR)/.built-stamp
# The demo runs over plain http on this machine only: MUTUALITY_DEMO=1 allows the public
# development key, and turns off the HTTPS redirect and Secure cookies (docs/security.md).
# Debugging stays off, so an error shows the service's own page and never a traceback.
DEMO := MUTUALITY_DEMO=1
# PDF reports draw their text with Pango and subset fonts with HarfBuzz (Debian keeps each
# package's copyright file, which is how `scripts/need` sees that a library is installed).
PDF_LIBS := $(foreach lib,libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0,$(lib):/usr/share/doc/$(lib)/copyright)
# `make run`'s server is gunicorn with mutuality/web/gunicorn_conf.py (127.0.0.1:8000, two
# workers a core plus one); add gunicorn options here, e.g. GUNICORN_ARGS="--workers 2".
GUNICORN_ARGS ?=
# `make bench`'s sizes: the web benchmark's organisation and the load benchmark's.
BENCH_RELATIONSHIPS ?= 10000
BENCH_LOAD_RELATIONSHIPS ?= 2000
BENCH_STAMP := $(VENV)/.bench-stamp
# The Nu HTML checker (npm's vnu-jar) checks every page in tests/integration/test_valid_html.py;
# it runs on Java.
JAVA := default-jre-headless:java
# The message tests run the outbox on RQ against a private Redis server too.
REDIS := redis-server:redis-server
# makemessages (a test, and `make messages`) runs GNU gettext's xgettext.
GETTEXT := gettext:xgettext
# `make messages` makes or updates this language's catalogue under locale/.
MESSAGES_LOCALE ?= cy
# The two test runs: every test but the browser ones on every core, and the browser tests (a
# Chromium and a live server for each of up to four processes). `make test` runs both, lint and
# the browser tests beside the others (scripts/beside).
NOT_BROWSER_TESTS := $(BIN)/pytest -q -m "not browser" -n auto tests/unit tests/integration
BROWSER_TESTS := $(BIN)/pytest -q -m browser -n auto --maxprocesses 4 tests/browser
# `make test-browser` keeps a screenshot of every page it checks (1), or only of a failing one.
SCREENSHOTS ?= 1

.PHONY: setup assets prepare run serve dev examples test test-fast test-browser messages test-postgres check-deploy lint format bench clean lock sbom audit

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Mutuality needs Python 3.11 or newer: install python3 and run make again."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Mutuality needs Python 3.11 or newer: install it and run make again."; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || { echo "Mutuality needs Python's venv module: install python3-venv and run make again."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# Every package at the version and with the hashes the lock file names (`make lock`),
	@# then the project itself, editable, with nothing more.
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

$(ASSETS_STAMP): package.json $(wildcard package-lock.json)
	@scripts/need nodejs:node npm:npm
	@# No package's install script runs: none is needed (vnu-jar's would download a Java
	@# runtime when there is none; `make test` installs Debian's instead).
	@if [ -f package-lock.json ]; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; else npm install --ignore-scripts --no-audit --no-fund --loglevel=error; fi
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/nhsuk $(VENDOR)/htmx
	@# The NHS.UK font (Frutiger) is licensed to NHS services only, and the CSS points its
	@# images at /assets/: drop the @font-face rules (Arial is the fallback) and make the
	@# image paths relative to the stylesheet (its source map no longer matches, so it goes).
	sed -e 's#@font-face{[^}]*}##g' -e 's#url(/assets/#url(assets/#g' -e '/sourceMappingURL/d' \
		$(NHSUK)/nhsuk-frontend.min.css > $(VENDOR)/nhsuk/nhsuk-frontend.min.css
	cp $(NHSUK)/nhsuk-frontend.min.js $(NHSUK)/nhsuk-frontend.min.js.map $(VENDOR)/nhsuk/
	cp -R $(NHSUK)/assets $(VENDOR)/nhsuk/assets
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	@touch $@

assets: $(ASSETS_STAMP)  ## Install the front-end packages with npm and copy them into static/vendor/.

setup: $(STAMP) $(ASSETS_STAMP)  ## Create .venv with the project (editable) and its test tools; build the web assets.

prepare: setup
	@scripts/need $(PDF_LIBS)
	$(DEMO) $(BIN)/python manage.py migrate --no-input
	@# A database from before the stored assessment rows (ADR 0007) gets them once; cheap after.
	$(DEMO) $(BIN)/mutuality reassess --missing
	$(DEMO) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(DEMO) $(BIN)/python manage.py seed_demo

# `make run` and `make dev` start the task worker and the scheduler beside the web server and
# stop them together (scripts/serve; docs/messages.md).
run: prepare  ## The web app with a demo organisation, served by gunicorn on http://127.0.0.1:8000 (demo logins printed), with its task worker and scheduler.
	$(DEMO) PYTHON=$(BIN)/python scripts/serve $(BIN)/gunicorn -c python:mutuality.web.gunicorn_conf $(GUNICORN_ARGS)

serve: run  ## The same as `make run`.

dev: prepare  ## The same, but on Django's development server (one process; shows each request).
	$(DEMO) PYTHON=$(BIN)/python scripts/serve $(BIN)/python manage.py runserver --noreload 127.0.0.1:8000

examples: setup  ## Assess the example cases on the command line and print their reports.
	$(BIN)/mutuality assess examples/

test: setup  ## Lint, type-check, check the architecture, and run every test (lint and the browser tests beside the rest).
	@scripts/need chromium:/usr/bin/chromium poppler-utils:pdftoppm $(PDF_LIBS) $(JAVA) $(REDIS) $(GETTEXT)
	scripts/beside '$(MAKE) --no-print-directory lint && MUTUALITY_SCREENSHOTS=0 $(BROWSER_TESTS)' '$(NOT_BROWSER_TESTS)'

test-fast: setup  ## The quick loop while you work: every test but the browser ones, no lint, on every core.
	@scripts/need poppler-utils:pdftoppm $(PDF_LIBS) $(JAVA) $(REDIS) $(GETTEXT)
	$(NOT_BROWSER_TESTS)

test-browser: setup  ## Only the browser tests (Chromium, axe); a screenshot of every page checked goes to var/screenshots/ (SCREENSHOTS=0: only of a failing page).
	@scripts/need chromium:/usr/bin/chromium
	MUTUALITY_SCREENSHOTS=$(SCREENSHOTS) $(BROWSER_TESTS)

messages: setup  ## Gather every string marked for translation into locale/$(MESSAGES_LOCALE)/LC_MESSAGES/django.po (MESSAGES_LOCALE=cy by default).
	@scripts/need $(GETTEXT)
	$(DEMO) $(BIN)/python manage.py makemessages --locale $(MESSAGES_LOCALE)

test-postgres: setup  ## The integration tests whose checks could differ on another database (tests/integration/databases.py), again on a throwaway PostgreSQL (installed if missing, as root on Debian).
	@scripts/need $(JAVA) $(REDIS)
	scripts/with-postgres $(BIN)/pytest -q -m "not browser and needs_every_database" -n auto tests/integration

check-deploy: setup  ## Django's deployment checks on the production settings (a throwaway key and host); any warning fails.
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	env -u MUTUALITY_DEMO -u MUTUALITY_DEBUG -u MUTUALITY_SECRET_KEY_FILE \
		MUTUALITY_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		MUTUALITY_ALLOWED_HOSTS=mutuality.example.org MUTUALITY_VAR_DIR="$$tmp" \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

lock:  ## Write requirements.lock again from pyproject.toml (uv; every package pinned, with its hashes).
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --no-header --annotation-style line \
		-o requirements.lock

sbom: setup  ## The software bill of materials of .venv, as CycloneDX JSON, in var/sbom.cdx.json.
	@mkdir -p var
	$(BIN)/cyclonedx-py environment --of JSON -o var/sbom.cdx.json $(BIN)/python
	@echo "var/sbom.cdx.json: the CycloneDX bill of materials of .venv"

audit: setup  ## Check every locked package (Python and npm) against the published security advisories (needs them reachable).
	$(BIN)/pip-audit --requirement requirements.lock --disable-pip --require-hashes --strict --progress-spinner off
	npm audit --omit=dev

lint: setup  ## ruff, mypy --strict (cores, command line and web app), import-linter, migrations check.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(DEMO) $(BIN)/python manage.py makemigrations --check --dry-run

format: setup  ## Rewrite the code in the project's style.
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

bench: setup $(BENCH_STAMP)  ## Run the benchmarks and print their ratios to a floor (sizes: BENCH_RELATIONSHIPS, BENCH_LOAD_RELATIONSHIPS).
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/engine_cli.py
	$(BIN)/python bench/hostile.py
	$(BIN)/python bench/outcomes.py
	$(DEMO) $(BIN)/python bench/service_report.py
	$(DEMO) $(BIN)/python bench/web.py --relationships $(BENCH_RELATIONSHIPS) --double
	$(DEMO) scripts/with-postgres $(BIN)/python bench/web.py --postgres --relationships $(BENCH_RELATIONSHIPS) --double
	$(DEMO) $(BIN)/python bench/load.py --relationships $(BENCH_LOAD_RELATIONSHIPS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis node_modules $(VENDOR)
