# GCM Hub — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test install messages check clean

demo: $(STAMP) messages
	$(BIN)/gcmhub demo

test: $(STAMP) messages
	$(BIN)/pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "GCM Hub needs Python 3.11 or newer (found %s); run make PYTHON=python3.11" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# Translations are compiled from the committed .po files (pure Python, no gettext needed).
messages: $(STAMP)
	$(BIN)/python -m gcmhub.translations

check: $(STAMP) messages
	GCMHUB_DEBUG=0 $(BIN)/gcmhub manage check

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
