"""The parties and the things the letters name: signatories, delivery of the Release Shares, the Target
Company, the shares, who prepares the documents. Any of these may carry `unconfirmed: {field: why}`, and
a letter prints such a value as an open item until someone confirms it (documents.open_items).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signatory(_Model):
    name: str
    title: str


class Particular(_Model):
    """A particular the letters need and the filing does not give, with where the need comes from: `value` stays
    null until the legal team fills it, and a letter prints an open item meanwhile (never an invented value)."""

    value: str | None = None
    reference: str


DELIVERY_METHODS = ("book_entry", "broker")  # registration at the transfer agent, or a broker's DTC account
LEGENDS = ("retained", "removed")  # the Release Shares keep the restrictive legend they were issued with, or not


class Delivery(_Model):
    method: str | None = None  # one of DELIVERY_METHODS; None: not chosen yet (the letters say so)
    identification: str | None = None  # the recipient's passport or ID number, for the transfer agent's register
    brokerage_account: str | None = None
    account_holder: str | None = None
    broker: str | None = None
    dtc_participant: str | None = None

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str | None) -> str | None:
        if value is not None and value not in DELIVERY_METHODS:
            raise ValueError(f"must be one of {', '.join(DELIVERY_METHODS)} (or null while not chosen)")
        return value


def _unconfirmed_fields(model: BaseModel, unconfirmed: dict[str, str]) -> None:
    """`unconfirmed` marks values a person must still confirm (a working translation, a name taken from a
    filing): field name -> why. The letters print such a value as an open item, never as a fact."""
    unknown = sorted(set(unconfirmed) - set(type(model).model_fields) - {"unconfirmed"})
    if unknown:
        raise ValueError(f"unconfirmed names fields this entry does not have: {', '.join(unknown)}")


class Party(_Model):
    label: str
    role: str
    name: str
    chinese_name: str | None = None
    jurisdiction: str | None = None
    address: str | None = None
    chinese_address: str | None = None  # the address for notices as the Chinese text gives it (the filing gives none)
    signatories: list[Signatory] = []
    uses_chop: bool = False  # a PRC company signs under its company chop
    uses_seal: bool = False  # a common-law company (Cayman, BVI) may affix its common seal, if it has one
    delivery: Delivery | None = None
    email: Particular | None = None  # the e-mail address for notices (the filing gives none)
    unconfirmed: dict[str, str] = {}
    reference: str

    @model_validator(mode="after")
    def _known_unconfirmed(self) -> Party:
        _unconfirmed_fields(self, self.unconfirmed)
        return self


class Parties(_Model):
    party_a: Party
    party_b: Party
    party_c: Party
    party_d: Party


class TargetCompany(_Model):
    name: str
    chinese_name: str | None = None  # as the letters print it; the extractor matches it like an alias
    aliases: list[str] = []
    registered_in: str | None = None
    unconfirmed: dict[str, str] = {}
    reference: str

    @model_validator(mode="after")
    def _known_unconfirmed(self) -> TargetCompany:
        _unconfirmed_fields(self, self.unconfirmed)
        return self


class ShareConsolidation(_Model):
    """A share consolidation the share counts follow: as the English letters state it, and as the Chinese ones do
    (2025年12月1日生效的股份合并（每30股合并为1股）): drafting, not the English inserted as it stands."""

    value: str  # "1-for-30, effective 1 December 2025"
    chinese: str | None = None  # None: the Chinese letters print an open item
    reference: str


class Shares(_Model):
    share_class: str
    issuer: str
    exchange: str
    ticker: str
    cusip: str | None = None
    transfer_agent: str | None = None
    share_consolidation: ShareConsolidation | None = None
    restrictive_legend: str | None = None  # one of LEGENDS; None: not chosen yet (the letters say so)
    transfer_agent_address: Particular | None = None  # where the issuer's letter to the transfer agent goes
    reference: str

    @field_validator("restrictive_legend")
    @classmethod
    def _known_legend(cls, value: str | None) -> str | None:
        if value is not None and value not in LEGENDS:
            raise ValueError(f"must be one of {', '.join(LEGENDS)} (or null while not chosen)")
        return value


POSITION_FORMS = ("certificate", "drs", "book_entry")  # a share certificate, a DRS statement, a book-entry account


class EscrowPosition(_Model):
    """The Escrow Account of EA 1.1: the Consideration Shares issued in the Escrow Agent's name. How they are held
    (certificate, DRS statement or book entry at the transfer agent) and its reference are not in the filing."""

    form: Particular  # value: one of POSITION_FORMS, or null while unknown
    identifier: Particular  # value: the certificate number, DRS statement number or book-entry account reference
    reference: str

    @field_validator("form")
    @classmethod
    def _known_form(cls, term: Particular) -> Particular:
        if term.value is not None and term.value not in POSITION_FORMS:
            raise ValueError(f"value must be one of {', '.join(POSITION_FORMS)} (or null while not known)")
        return term


PARTY_KEYS = ("party_a", "party_b", "party_c", "party_d")


class Preparer(_Model):
    """Who prepares the documents and in what capacity: named by the penalty statement's "Prepared by" and
    as the author of every DOCX."""

    party: str  # one of PARTY_KEYS
    capacity: str
    reference: str

    @field_validator("party")
    @classmethod
    def _known_party(cls, value: str) -> str:
        if value not in PARTY_KEYS:
            raise ValueError(f"must be one of {', '.join(PARTY_KEYS)}")
        return value
