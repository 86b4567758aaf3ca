# Two commands do everything (see README):
#   make demo   install, build the demo site and serve it on http://127.0.0.1:8000
#   make test   install (also Chromium for the browser tests) and run every test
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo demo-utrecht site test install browser pdf-libs lint bench

ENGINE ?=
ENGINE_ARG := $(if $(ENGINE),--engine $(ENGINE))

# `make demo ENGINE=zensical` builds and serves with Zensical instead of MkDocs (Material).
demo: install
	$(VENV)/bin/rijk build $(ENGINE_ARG)
	@echo "Site gebouwd in site/. Bekijk hem op http://127.0.0.1:8000 (Ctrl-C stopt)."
	$(VENV)/bin/rijk serve $(ENGINE_ARG) --dev-addr 127.0.0.1:8000

# The second demo: a project for Utrecht made by `rijk init` from CBS's kwb files (see demos/utrecht).
UTRECHT := .cache/demo-utrecht
demo-utrecht: install
	rm -rf $(UTRECHT)
	$(VENV)/bin/rijk init $(UTRECHT) --municipality GM0344 \
	  --figures demos/utrecht/bron/CBS-Utrecht-kwb-2023.xlsx \
	  --figures demos/utrecht/bron/CBS-Utrecht-kwb-2024.xlsx
	cd $(UTRECHT) && ../../$(VENV)/bin/rijk build $(ENGINE_ARG)
	cd $(UTRECHT) && ../../$(VENV)/bin/rijk serve $(ENGINE_ARG) --dev-addr 127.0.0.1:8000

site: install
	$(VENV)/bin/rijk build $(ENGINE_ARG)

test: install browser
	$(PY) -m pytest -q --durations=15

install: pdf-libs $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# System packages, from Debian (never `playwright install`: no downloads).
APT = if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(1) >/dev/null; \
      else sudo apt-get update -qq && sudo apt-get install -y -qq $(1) >/dev/null; fi

# WeasyPrint (the annual report as PDF) needs Pango and a font.
pdf-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi dejavu || { \
	  $(call APT,libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core); }

# Chromium for the Playwright tests; poppler-utils (pdftotext, pdfinfo) for the PDF tests.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || { \
	  $(call APT,chromium poppler-utils); }

lint: install
	$(VENV)/bin/ruff check generator tests scripts

bench: install
	$(VENV)/bin/rijk bench
