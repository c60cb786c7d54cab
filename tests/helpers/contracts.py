"""Contract files for tests: the built-in contract with every open item filled (filled_contract)."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.cli import REPO

TRUTH = {entry["file"]: entry for entry in yaml.safe_load((REPO / "fixtures" / "truth.yaml").read_text())}


def filled_contract(path: Path) -> Path:
    """The built-in contract with every value the legal team must still supply filled in (issue 13's open
    items): Party B's signatory, Party C's and Party D's addresses, book-entry delivery with Party C's
    identification, the restrictive legend, the confirmed names and the firms Party A approved."""
    terms = yaml.safe_load((REPO / "compliance" / "contract" / "kaixin-spa-2025.yaml").read_text(encoding="utf-8"))
    parties = terms["parties"]
    parties["party_a"]["unconfirmed"] = {}
    parties["party_b"]["signatories"] = [{"name": "Wang Fang", "title": "Legal Representative"}]
    parties["party_c"]["address"] = "Room 1, 1 Example Road, Wenzhou"
    parties["party_c"]["delivery"].update(method="book_entry", identification="E12345678")
    parties["party_d"]["address"] = "Road Town, Tortola, British Virgin Islands"
    terms["target_company"]["unconfirmed"] = {}
    terms["shares"]["restrictive_legend"] = "retained"
    terms["approved_auditors"] = sorted({entry["auditor"] for entry in TRUTH.values() if entry["status"] == "accepted"})
    path.write_text(yaml.safe_dump(terms, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
