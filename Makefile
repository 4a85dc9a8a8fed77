# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv and install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test warm-cache lint validate bench brian2-venv numbalsoda clean-cache gallery figures explorer

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,interop]"
	touch $(STAMP)

# numba compiles each kernel on first use and caches it on disk: one short run compiles what a `sim run`
# needs (the solver kernel and the default model) once, with a notice, before the demo or the tests
warm-cache: $(STAMP)
	mkdir -p results
	$(BIN)/sim run experiments/single_dose.toml -o results/.warm-cache.h5 --force

demo: $(STAMP) warm-cache
	mkdir -p results
	$(BIN)/sim run experiments/demo.toml -o results/demo.h5 --force
	$(BIN)/sim plot results/demo.h5 --kind cascade -o results/demo.png --force
	$(BIN)/sim plot results/demo.h5 --kind amygdala -o results/demo_amygdala.png --force

test: $(STAMP) warm-cache
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

validate: $(STAMP)
	$(BIN)/sim validate

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Brian2 for the COBA comparison, in its own venv (Brian2 2.9 does not import with numpy >= 2.4);
# benchmarks/coba_vs_brian2.py finds .venv-brian2 by itself (or set BRIAN2_PYTHON)
brian2-venv:
	$(PYTHON) -m venv .venv-brian2
	.venv-brian2/bin/python -m pip install --quiet "brian2" "numpy<2.4" cython

# optional benchmark baseline: LSODA callable from numba (builds from source: gfortran and cmake)
numbalsoda: $(STAMP)
	command -v gfortran >/dev/null || (apt-get update -q && apt-get install -y -q gfortran cmake)
	$(BIN)/python -m pip install --quiet numbalsoda

# every guided demonstration in experiments/: figures, HTML reports and an index in results/gallery/
gallery: $(STAMP)
	$(BIN)/python tools/gallery.py --out results/gallery

# the offline teaching page: sliders over a grid of runs precomputed by the engine (a few minutes on two cores)
explorer: $(STAMP)
	mkdir -p results
	$(BIN)/sim explore -o results/explorer.html --force

# the three small figures embedded in README.md ("For teaching")
figures: $(STAMP)
	$(BIN)/python tools/gallery.py --readme-figures --out docs/figures

# numba keys its on-disk cache on each file's own timestamp: after editing a kernel that another
# cached kernel calls, clear the caches.
clean-cache:
	find sim benchmarks tests -name '*.nbi' -delete -o -name '*.nbc' -delete
	rm -rf $${XDG_CACHE_HOME:-$$HOME/.cache}/neuropharm-sim
