# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test lint format bench-http bench-media bench-lighthouse clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

# Development server on the embedded SQLite database, with the 2021 content.
run: export DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_content
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Site:   http://$(HOST):$(PORT)/"
	@echo "  Report: http://$(HOST):$(PORT)/campaigns/2021-dang-shi-xue-xi-jiao-yu/"
	@echo "  Admin:  http://$(HOST):$(PORT)/admin/"
	@echo "  Create an editor account first with:"
	@echo "    DEBUG=1 $(BIN)/python manage.py createsuperuser"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# One app server as in production (deploy/gunicorn.conf.py) on PostgreSQL and
# Redis; SECRET_KEY/ALLOWED_HOSTS (or DEBUG=1) come from the environment.
serve: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hzcms
serve: export REDIS_URL ?= redis://127.0.0.1:6379/0
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py config.wsgi

# The whole suite: SQLite by default, PostgreSQL when DATABASE_URL points at one.
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djhtml --check --tabwidth 2 templates
	$(BIN)/pre-commit run template-line-length --all-files

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml --tabwidth 2 templates

# HTTP throughput under wrk: gunicorn (DEBUG off) on a scratch PostgreSQL database
# and its own Redis, each page against a bare Django view (bench/http_bench.py).
bench-http: install
	$(BIN)/python bench/http_bench.py $(BENCH_ARGS)

# The image library: upload + renditions time and bytes per photo, AVIF, and
# the SQL queries of pages as photos are added (bench/media.py).
bench-media: install
	$(BIN)/python bench/media.py $(BENCH_ARGS)

# Lighthouse (pinned in bench/package.json, installed by npm ci) on the seed
# article without and with a 题图 + 10 photos, gunicorn behind deploy/nginx.conf
# (bench/lighthouse.py).
bench-lighthouse: install
	$(BIN)/python bench/lighthouse.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
