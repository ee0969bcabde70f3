# Two entry points for a fresh machine: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SAMPLE ?= corpus/sample/sample.fountain

.PHONY: setup demo test lint bench corpus clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/setup.sh scripts/apt-packages.txt
	PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/setup.sh
	touch $@

demo: setup
	$(BIN)/scenescore segment $(SAMPLE)
	$(BIN)/scenescore score $(SAMPLE) --out runs

test: setup
	$(BIN)/ruff check src tests scripts
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python scripts/bench_segment.py

corpus: setup
	$(BIN)/python scripts/build_corpus.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
