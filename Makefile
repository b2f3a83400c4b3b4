# Two entry points for a newcomer: `make run` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= runs/default

.PHONY: run test venv clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all,test]"
	touch $(STAMP)

venv: $(STAMP)

# The main job: NALSM on the embedded default dataset (scikit-learn's 8x8 digits: no files needed).
run: $(STAMP)
	$(BIN)/snn nalsm --out $(OUT)

# The full test suite. pytest's exit code 5 ("no tests collected") is reported as a failure, not hidden.
test: $(STAMP)
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

clean:
	rm -rf $(VENV) build *.egg-info
