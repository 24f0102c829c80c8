# Jugendhilfe-Assistent — the single entry point. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# torch is pinned to the CPU build that is installed first; a bare requirement would pull CUDA.
TORCH := torch==2.13.0
# Debian packages the product reads at run time: the German word list (storage filter), OpenThesaurus
# (synonyms), Tesseract with the German model (OCR), antiword (legacy Word .doc). Tests also drive
# Debian's Chromium and draw their scans with the DejaVu fonts.
DEB_RUNTIME := wngerman mythes-de tesseract-ocr tesseract-ocr-deu antiword
DEB_TEST := chromium fonts-dejavu-core
# The PostgreSQL every machine runs; the tests that need it fail (not skip) when it is unreachable.
export JHA_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1/test

.DEFAULT_GOAL := help
.PHONY: help system-deps system-deps-test install install-dev run test test-server lint fmt typecheck eval bench clean

help: ## Diese Hilfe
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet $(TORCH)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[dev]'
	touch $@

# Installs only what is missing; apt-get needs root (or sudo) the first time.
define apt_install
	@missing="$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
	  echo "Installiere Debian-Pakete: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

system-deps: ## Debian-Pakete für den Betrieb (Wörterbuch, Thesaurus, Texterkennung)
	$(call apt_install,$(DEB_RUNTIME))

system-deps-test: system-deps ## Debian-Pakete für die Tests (Chromium)
	$(call apt_install,$(DEB_TEST))

install: system-deps $(VENV)/.installed ## Installieren (Debian-Pakete, CPU-torch, Laufzeitabhängigkeiten)

install-dev: system-deps-test $(VENV)/.installed-dev ## Installieren mit Entwicklungswerkzeugen

run: install ## Installieren, Standard-Wissensbasis indexieren (falls leer), Weboberfläche starten
	$(PY) -m ingest bootstrap
	$(PY) -m web serve

# The second pass of `make test` (alone: `make test-server`) runs the index, answer-log, accounts and web
# tests again on the server stack: one `chroma run` for the session, a PostgreSQL database and a Chroma
# collection per test (tests/stacks.py).
# The topology tests (marker server_stack) start their servers themselves and run in the first pass.
SERVER_STACK_TESTS := tests/knowledge tests/web tests/assistant/test_log_store.py \
	tests/assistant/test_log_filter.py tests/assistant/test_log_export.py

test: install-dev ## Alle Tests: eingebettet, dann Index-, Protokoll-, Konten- und Webtests auf Chroma-Server + PostgreSQL
	$(PY) -m pytest
	$(PY) -m pytest --stack=server -m "not server_stack" $(SERVER_STACK_TESTS)

test-server: install-dev ## Index-, Protokoll-, Konten- und Webtests noch einmal auf Chroma-Server + PostgreSQL
	$(PY) -m pytest --stack=server -m "not server_stack" $(SERVER_STACK_TESTS)

lint: install-dev ## ruff (Lint + Format-Prüfung) und mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: install-dev ## Code formatieren
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

eval: install-dev ## Qualitätsmessung mit Schwellwerten
	$(PY) -m evals run

bench: install-dev ## Geschwindigkeitsmessung (dazu /api/chat mit 1, 2, 4 Workern auf Chroma-Server + PostgreSQL)
	$(PY) -m evals bench
	$(PY) -m evals.bench_workers --json evals/report/bench_workers.json

clean: ## Daten und Berichte löschen (nicht die Wissensbasis-Dateien)
	rm -rf var evals/report test-output
