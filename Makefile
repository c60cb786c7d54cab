# One command each for a new user: `make demo` and `make test` install first when .venv is missing.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AS_OF ?= 2031-03-31

LOCK := requirements/dev.lock
# pip's "Location ... is ignored" lines come from this machine's pip configuration, not from us.
QUIET_PIP := 2>&1 | { grep -v '^WARNING: Location' || true; }

.PHONY: install lock test faults wheel-check demo bench score-real lint clauses fonts versions clean

install: $(STAMP)

# Exactly the locked versions, every file's hash checked; nothing resolved at install time (--no-deps), and the
# project itself built with the locked setuptools (--no-build-isolation), so no unpinned build tool is fetched.
$(STAMP): pyproject.toml $(LOCK)
	@$(MAKE) --no-print-directory fonts
	rm -rf $(VENV)
	$(PY) -m venv $(VENV)
	set -o pipefail; $(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK) $(QUIET_PIP)
	set -o pipefail; $(BIN)/pip install --quiet --no-deps --no-build-isolation -e . $(QUIET_PIP)
	$(BIN)/pip check
	@touch $(STAMP)

# Refresh the lock on purpose (after changing a dependency in pyproject.toml or requirements/build.in):
# `make lock` keeps every pin it can; `make lock UPGRADE=1` takes the newest release of everything.
# Then run `make test` and commit pyproject.toml and requirements/ together.
lock: install
	for kind in runtime dev; do \
	  extra=""; [ $$kind = dev ] && extra="--extra dev"; \
	  $(BIN)/uv pip compile pyproject.toml requirements/build.in $$extra --generate-hashes --universal \
	    --python-version 3.11 --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) --quiet \
	    -o requirements/$$kind.lock || exit 1; \
	done

# System libraries the documents need, from Debian when missing (CI runs as root and reaches the registries):
# fonts-noto-cjk so Chinese names print as Chinese; libharfbuzz-subset0 so WeasyPrint subsets fonts with
# HarfBuzz (the same bytes as on the machines the fixtures and tests were made on); libreoffice-writer-nogui so
# the tests open each DOCX as a Word user's office suite does (tests/test_docx_as_word_users_see_it.py);
# poppler-utils for `pdfsig`, the second opinion on signed letters, and softhsm2, the software token the
# PKCS#11 signing is tested with (tests/test_signing.py); chromium, the real browser the review desk is tested in
# (tests/test_desk_browser.py).

fonts:
	@missing=""; \
	fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing="$$missing fonts-noto-cjk"; \
	ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0' || missing="$$missing libharfbuzz-subset0"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	command -v pdfsig >/dev/null || missing="$$missing poppler-utils"; \
	command -v softhsm2-util >/dev/null || missing="$$missing softhsm2"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing$$missing (Debian packages the documents need)"; \
	  (apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $$missing >/dev/null 2>&1)) \
	   || echo "warning: could not install$$missing; Chinese text or byte-identical PDFs may suffer"; \
	else echo "warning: missing Debian packages:$$missing; run: sudo apt-get install$$missing"; fi

test: install
	@$(BIN)/python tests/packaging/versions.py
	@started=$$(date +%s); \
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider --ignore=tests/faults && \
	$(MAKE) --no-print-directory wheel-check; status=$$?; \
	echo "make test took $$(( $$(date +%s) - started )) s"; exit $$status

# Slow fault runs kept out of the fast suite (tests/faults/): 20 random kills of the main job, a kill at each of its
# checkpoints, SIGKILL and SIGTERM while workers read. CI runs both `make test` and `make faults`.
faults: install
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider tests/faults

# The package installs whole: the wheel, in a fresh virtualenv outside the tree, renders a joint instruction.
wheel-check: install
	bash tests/packaging/check_wheel.sh $(BIN)/python

DEMO_PASSWORD := fixtures/desk/demo-password.txt

# A new deal's way in: `init` (the administrator ada), the accounts she adds, then paula prepares with her password.
demo: install
	@[ -f output/ledger.sqlite ] || $(BIN)/compliance init --out output --admin ada --password-file $(DEMO_PASSWORD)
	@for account in paula:preparer alice:approver; do \
	  $(BIN)/compliance users list --db output/ledger.sqlite | grep -q "^$${account%%:*}	" || \
	  $(BIN)/compliance users add $${account%%:*} --role $${account#*:} --by ada --by-password-file $(DEMO_PASSWORD) \
	    --password-file $(DEMO_PASSWORD) --db output/ledger.sqlite >/dev/null; done
	$(BIN)/compliance run fixtures/audit-reports --out output --as-of $(AS_OF) --prices fixtures/prices/kxin-sample.csv \
	  --by paula --password-file $(DEMO_PASSWORD); \
	  status=$$?; echo; echo "Documents written:"; find output -name '*.pdf' -o -name '*.docx' | sort; \
	  [ $$status -le 1 ]
	@echo; echo "Review desk: $(BIN)/compliance serve --out output --as-of $(AS_OF)"; \
	  echo "  then open http://127.0.0.1:8000/ and sign in as paula (preparer) or alice (approver)"; \
	  echo "  with the demo password in $(DEMO_PASSWORD) (demo accounts only; ada administers them)."

bench: install
	$(BIN)/python bench/run.py

# Per-field accuracy on the real published reports in ../shared/real-reports/ (exit 1 on any wrong accept).
score-real: install
	$(BIN)/python fixtures/score_real.py

lint: install
	$(BIN)/ruff check compliance tests fixtures bench docs

# docs/clauses.md: each article's verbatim text (from the contract file) beside the code, templates and tests that
# cite it. Run it after changing a citation or a clause; tests/test_clauses.py fails while the file is stale.
clauses: install
	$(BIN)/python docs/make_clauses.py

clean:
	rm -rf $(VENV) output
