# The project's commands. `make setup` then `make test` on a fresh machine; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLKIT := $(BIN)/toolkit
PYTEST_WORKERS ?= auto

.PHONY: setup system-packages test test-live build check lint bench env up down clean

setup: system-packages $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

# Prometheus, promtool, Alertmanager and amtool from Debian; skipped where already installed or no apt.
system-packages:
	@if command -v promtool >/dev/null && command -v amtool >/dev/null \
	    && command -v prometheus-alertmanager >/dev/null; then \
	  echo "prometheus and alertmanager: installed"; \
	elif command -v apt-get >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq prometheus prometheus-alertmanager >/dev/null; \
	else \
	  echo "warning: no apt-get; install prometheus and alertmanager yourself" >&2; \
	fi

test: $(BIN)/.installed
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-live: $(BIN)/.installed
	@test -n "$$GRAFANA_URL" || { echo "set GRAFANA_URL (and GRAFANA_TOKEN or GRAFANA_USER/GRAFANA_PASSWORD); see 'make up'" >&2; exit 2; }
	$(BIN)/pytest -q -m live

build: $(BIN)/.installed
	$(TOOLKIT) build

check: $(BIN)/.installed
	$(TOOLKIT) build --check

lint: $(BIN)/.installed
	$(BIN)/ruff check toolkit dashboards alerts tests bench
	$(BIN)/ruff format --check toolkit dashboards alerts tests bench
	$(TOOLKIT) lint

# BENCH="--quick" or BENCH="--full" (default: 1x, 4x, 16x, 3 rounds), or benchmark names: BENCH="build sync"
bench: $(BIN)/.installed
	$(BIN)/python -m bench $(BENCH)

# The monitoring/ stack (needs Docker): `make env` once, then `make up`; Grafana on 127.0.0.1:3000.
COMPOSE := docker compose -f monitoring/docker-compose.yml --env-file .env

# Exit 1 of make_env.py (.env exists and is kept) is fine; 2 (cannot read or write) fails make.
env:
	@$(PYTHON) monitoring/make_env.py .env.example .env; status=$$?; test $$status -le 1

up: build
	@test -f .env || { echo "no .env: run 'make env' first" >&2; exit 2; }
	$(COMPOSE) up -d
	@echo "Grafana: http://127.0.0.1:$$(grep ^GRAFANA_PORT= .env | cut -d= -f2) (admin / GRAFANA_ADMIN_PASSWORD in .env)"

down:
	$(COMPOSE) down

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
