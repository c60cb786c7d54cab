"""Shared fixtures: the built-in contract. Shared helpers live in the helpers package (see helpers/__init__.py)."""

from __future__ import annotations

import pytest

from compliance.contract import Contract, load_contract


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract()
