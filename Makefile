# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow install lint score clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=python3 ...'"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kg build seeds -o exports

# the suite but the tests marked slow (kills during publication, 10k-article scale runs…): minutes
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -m "not slow"

# the slow tests alone (CI runs them after `make test`)
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check kg tests
	$(BIN)/lint-imports

score: $(STAMP)
	$(BIN)/kg build seeds -o exports
	$(BIN)/python ../shared/tools/score.py --graph exports/graph.ttl --gold ../shared/gold/dev \
		--catalog ../shared/gold/entities.json --texts seeds

clean:
	rm -rf $(VENV) exports/*.ttl exports/*.trig exports/*.csv exports/*.html exports/*.json
