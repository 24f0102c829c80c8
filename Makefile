# Jugendhilfe-Assistent — the single entry point. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# torch is pinned to the CPU build that is installed first; a bare requirement would pull CUDA.
TORCH := torch==2.13.0

.DEFAULT_GOAL := help
.PHONY: help install install-dev run test lint fmt typecheck eval bench clean

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

install: $(VENV)/.installed ## Installieren (CPU-torch, Laufzeitabhängigkeiten)

install-dev: $(VENV)/.installed-dev ## Installieren mit Entwicklungswerkzeugen

run: install ## Installieren, Standard-Wissensbasis indexieren (falls leer), Weboberfläche starten
	$(PY) -m ingest bootstrap
	$(PY) -m web serve

test: install-dev ## Alle Tests
	$(PY) -m pytest

lint: install-dev ## ruff (Lint + Format-Prüfung) und mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: install-dev ## Code formatieren
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

eval: install-dev ## Qualitätsmessung mit Schwellwerten
	$(PY) -m evals run

bench: install-dev ## Geschwindigkeitsmessung
	$(PY) -m evals bench

clean: ## Daten und Berichte löschen (nicht die Wissensbasis-Dateien)
	rm -rf var evals/report test-output
