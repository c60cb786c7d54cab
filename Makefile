# One command each for a new user: `make demo` and `make test` install first when .venv is missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AS_OF ?= 2031-03-31

.PHONY: install test demo bench lint fonts clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory fonts
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Chinese text in the letters needs a CJK font (Debian's fonts-noto-cjk); install it when missing.
fonts:
	@if fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing fonts-noto-cjk (Chinese text in documents)"; \
	  (apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1)) \
	   || echo "warning: could not install fonts-noto-cjk; Chinese text will not render"; \
	else echo "warning: no CJK font; run: sudo apt-get install fonts-noto-cjk"; fi

test: install
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

demo: install
	$(BIN)/compliance run fixtures/audit-reports --out output --as-of $(AS_OF) --prices fixtures/prices/kxin-sample.csv; \
	  status=$$?; echo; echo "Documents written:"; find output -name '*.pdf' -o -name '*.docx' | sort; \
	  [ $$status -le 1 ]

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check compliance tests fixtures bench

clean:
	rm -rf $(VENV) output
