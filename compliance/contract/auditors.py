"""Whether an accounting firm is approved under the contract: one rule for the extractor and the letters."""

from __future__ import annotations

from compliance.contract.model import Contract
from compliance.values.text import name_key


def firm_approved(contract: Contract, firm: str | None) -> bool:
    """SPA 4.2, 5.1; EA 3.1(a): the firm, Chinese or English name, is on the contract's list of the firms Party A
    approved (`approved_auditors`, compared by `values.text.name_key`: full-width forms, brackets, dashes, quotes
    and whitespace normalised away, case ignored). No name, or no list, approves nothing."""
    return bool(firm) and name_key(firm) in {name_key(name) for name in contract.approved_auditors}
