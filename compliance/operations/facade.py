"""The one door through which the CLI and the review desk reach the layers below operations: the names they
need from the contract, the extractor, the ledger, the documents and the rules (types to annotate with, errors
to catch, constants to offer as choices, the contract's loader, the letters' Jinja environment and number
words, the ledger's read-only checks), re-exported as they are. Names only, no logic: what the CLI or the desk
*does* with the layers below is an operation, in its own module beside this one (tests/test_architecture.py
keeps cli/ and desk/ to operations/ and values/).

Each name loads its module when first asked for (PEP 562), so `compliance --help` does not load the PDF
stack, and `verify` does not load the extractor.
"""

from __future__ import annotations

import importlib

_HOME = {
    "compliance.contract": ("READINGS", "VALUATIONS", "Contract", "ContractError", "load_contract"),
    "compliance.contract.model": ("LANGUAGES",),
    "compliance.documents.environment": ("make_environment",),
    "compliance.documents.registry": ("DETERMINATION_KINDS",),
    "compliance.documents.pades": ("SignRequest",),
    "compliance.documents.signing_keys": ("Pkcs11Key", "Pkcs12Key"),
    "compliance.documents.words": ("exact_shares", "long_date", "percent"),
    "compliance.extract": ("Limits", "extract_batch"),
    "compliance.ledger": ("DEFAULT_WAIT_SECONDS", "AnchorError", "Ledger", "LedgerBusy", "LedgerError", "chain_head",
                          "check_anchor", "open_for_checking", "open_ledger", "read_anchor"),
    "compliance.rules.business_days": ("ScheduleNotPublished",),
    "compliance.rules.deadlines": ("DeadlineRow",),
    "compliance.rules.earnout": ("Assessment",),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
