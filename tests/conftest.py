"""Shared fixtures: the built-in contract. Shared helpers live in the helpers package (see helpers/__init__.py).

The modules whose tests all read one expensive setup made once per session (helpers/shared.py: the whole fixture
run, the extraction of every fixture, LibreOffice's prints) are collected first: with pytest-xdist they fall in the
first batch of tests one worker is given, so that the other worker never sits waiting for that setup. The order
within each module, and of every other module, is kept; no test depends on the order."""

from __future__ import annotations

import pytest

from compliance.contract import Contract, load_contract

SHARED_SETUP_FIRST = ("test_run_e2e.py", "test_extract_fixtures.py", "test_docx_as_word_users_see_it.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return SHARED_SETUP_FIRST.index(name) if name in SHARED_SETUP_FIRST else len(SHARED_SETUP_FIRST)

    items.sort(key=rank)  # a stable sort: everything else stays in the order pytest collected it


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract()
