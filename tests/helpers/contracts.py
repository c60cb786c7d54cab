"""Contract files for tests: the built-in contract with every open item filled (filled_contract)."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.cli import REPO

TRUTH = {entry["file"]: entry for entry in yaml.safe_load((REPO / "fixtures" / "truth.yaml").read_text())}


# The PRC holiday schedules of 2027-2031 for tests (a test calendar, not the State Council's): the years of the
# release dates, which the latest sending date (EA 3.2) counts business days in.
TEST_CALENDAR = Path(__file__).with_name("calendar-2027-2031.yaml")

# The transfer package's particulars the filing does not give (issue 30), as the legal team will fill them.
PARTY_B_CHINESE_NAME = "浙江开心汽车有限公司"
AGENT_EMAIL = "escrow.notices@autoa2a.example"
POSITION = {"form": "drs", "identifier": "DRS-KXIN-000118"}
TRANSFER_AGENT_ADDRESS = "1 Example Plaza, Example City, United States"


def filled_contract(path: Path) -> Path:
    """The built-in contract with every value the legal team must still supply filled in (issue 13's open
    items): Party B's signatory, Party C's and Party D's addresses, book-entry delivery with Party C's
    identification, the restrictive legend, the confirmed names and the firms Party A approved; and issue 30's:
    Party B's registered Chinese name, the Escrow Agent's e-mail, the escrow position, the transfer agent's address
    and the PRC holiday schedules of the release years (TEST_CALENDAR)."""
    terms = yaml.safe_load((REPO / "compliance" / "contract" / "kaixin-spa-2025.yaml").read_text(encoding="utf-8"))
    parties = terms["parties"]
    parties["party_a"]["unconfirmed"] = {}
    parties["party_b"]["signatories"] = [{"name": "Wang Fang", "title": "Legal Representative"}]
    parties["party_b"]["chinese_name"] = PARTY_B_CHINESE_NAME
    parties["party_d"]["email"]["value"] = AGENT_EMAIL
    terms["escrow_position"]["form"]["value"] = POSITION["form"]
    terms["escrow_position"]["identifier"]["value"] = POSITION["identifier"]
    terms["shares"]["transfer_agent_address"]["value"] = TRANSFER_AGENT_ADDRESS
    terms["calendar"]["schedule_files"] = [str(TEST_CALENDAR)]
    parties["party_c"]["address"] = "Room 1, 1 Example Road, Wenzhou"
    parties["party_c"]["delivery"].update(method="book_entry", identification="E12345678")
    parties["party_d"]["address"] = "Road Town, Tortola, British Virgin Islands"
    terms["target_company"]["unconfirmed"] = {}
    terms["shares"]["restrictive_legend"] = "retained"
    terms["approved_auditors"] = sorted({entry["auditor"] for entry in TRUTH.values() if entry["status"] == "accepted"})
    path.write_text(yaml.safe_dump(terms, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
