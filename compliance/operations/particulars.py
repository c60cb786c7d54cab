"""The deal's particulars: what the letters need and the filing does not give (issue 31).

The SPA's terms stay in the contract file. The particulars (addresses and e-mail for notices, signatories,
Chinese names, Party C's delivery details, the escrow position, the legend, the approved accounting firms, the
letters' language, the PRC holiday schedule of a year the `holidays` package does not publish:
operations.schedules) are filled in by a preparer and approved by an approver who is not the person who filled
them (four eyes), each act an event in the hash chain with who and when. Only approved values are used: the
contract the run, the approval and the desk work with is the contract file with the approved particulars
laid over it (`with_particulars`), so a change makes its fingerprint, and the year's determination key,
change, and the documents are prepared again from it.

A value set in the contract file itself still counts (a team that keeps a filled copy of the file loses
nothing); a particular approved in the ledger takes its place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from compliance.contract import Contract
from compliance.ledger import Event, Ledger
from compliance.operations.accounts import AccountError, check_may, proven
from compliance.operations.schedules import ScheduleError, merged, schedule_entries, schedule_words


class ParticularError(ValueError):
    """A particular that cannot be set or approved; str() is one plain sentence."""


@dataclass(frozen=True)
class Particular:
    key: str  # its path in the contract file: "parties.party_b.chinese_name"
    label: str
    group: str
    kind: str = "text"  # text | choice | firms (one per line) | signatory (name and title) | schedule (a PRC year)
    choices: tuple[str, ...] = ()
    confirms: str | None = None  # the `unconfirmed` mark a value given here clears: "parties.party_a:signatories"


CATALOGUE: tuple[Particular, ...] = (
    Particular("parties.party_a.chinese_name", "Party A’s Chinese name", "Party A (Kaixin Holdings)"),
    Particular("parties.party_a.signatories", "Party A’s signatory", "Party A (Kaixin Holdings)", "signatory",
               confirms="parties.party_a:signatories"),
    Particular("parties.party_a.chinese_address", "Party A’s address for notices in Chinese",
               "Party A (Kaixin Holdings)"),
    Particular("parties.party_b.chinese_name", "Party B’s registered Chinese name", "Party B"),
    Particular("parties.party_b.address", "Party B’s address for notices", "Party B"),
    Particular("parties.party_b.signatories", "Party B’s signatory", "Party B", "signatory"),
    Particular("parties.party_b.chinese_address", "Party B’s address for notices in Chinese", "Party B"),
    Particular("parties.party_c.chinese_name", "Party C’s Chinese name", "Party C (Fangle Lai)"),
    Particular("parties.party_c.address", "Party C’s address for notices", "Party C (Fangle Lai)"),
    Particular("parties.party_c.chinese_address", "Party C’s address for notices in Chinese", "Party C (Fangle Lai)"),
    Particular("parties.party_c.delivery.method", "How the Release Shares reach Party C", "Party C (Fangle Lai)",
               "choice", ("book_entry", "broker")),
    Particular("parties.party_c.delivery.identification", "Party C’s passport or ID number",
               "Party C (Fangle Lai)"),
    Particular("parties.party_c.delivery.brokerage_account", "Party C’s brokerage account", "Party C (Fangle Lai)"),
    Particular("parties.party_c.delivery.broker", "Party C’s broker", "Party C (Fangle Lai)"),
    Particular("parties.party_c.delivery.dtc_participant", "The broker’s DTC participant number",
               "Party C (Fangle Lai)"),
    Particular("parties.party_d.address", "The Escrow Agent’s address for notices", "Party D (the Escrow Agent)"),
    Particular("parties.party_d.email.value", "The Escrow Agent’s e-mail for notices", "Party D (the Escrow Agent)"),
    Particular("escrow_position.form.value", "How the escrowed shares are held", "The escrowed shares", "choice",
               ("certificate", "drs", "book_entry")),
    Particular("escrow_position.identifier.value", "Certificate, DRS statement or book-entry reference",
               "The escrowed shares"),
    Particular("shares.transfer_agent_address.value", "The transfer agent’s address", "The escrowed shares"),
    Particular("shares.restrictive_legend", "The Release Shares’ restrictive legend", "The escrowed shares",
               "choice", ("retained", "removed")),
    Particular("target_company.chinese_name", "The Target Company’s Chinese name (as on its business licence)",
               "The Target Company", confirms="target_company:chinese_name"),
    Particular("approved_auditors", "Accounting firms Party A approved (SPA 4.2)", "Accounting firms", "firms"),
    Particular("language", "The letters’ language", "The letters", "choice", ("en", "zh", "bilingual")),
    Particular("prevailing_language", "The text that prevails in a bilingual letter", "The letters", "choice",
               ("en", "zh")),
    Particular("calendar.schedules", "The PRC holiday schedule of a year not yet published", "The PRC calendar",
               "schedule"),
)
BY_KEY = {particular.key: particular for particular in CATALOGUE}
MAX_TEXT = 300
SET, APPROVED = "particular_set", "particulars_approved"
UNCONFIRMED = "contract file, to be confirmed"  # a state's source: the contract file's value, marked unconfirmed


@dataclass(frozen=True)
class ParticularState:
    particular: Particular
    in_force: Any  # the value the letters use now (approved in the ledger, else the contract file's)
    source: str  # "ledger" | "contract file" | UNCONFIRMED | "" (none yet)
    approved_by: str | None
    pending: Any = None  # a value set and not yet approved
    pending_by: str | None = None
    pending_on: str | None = None

    @property
    def awaiting(self) -> bool:
        return self.pending_by is not None


def value_text(value: Any) -> str:
    """A particular's value in words, as the desk and `particulars show` print it: a signatory as "name,
    title", firms one after another, "not given" for none."""
    if value in (None, "", []):
        return "not given"
    if isinstance(value, list) and value and isinstance(value[0], dict) and "year" in value[0]:
        return "; ".join(schedule_words(item) for item in value)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "; ".join(f"{item.get('name')}, {item.get('title')}" for item in value)
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def _get(tree: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(tree, dict) or part not in tree:
            return None
        tree = tree[part]
    return tree


def _exists(tree: dict, key: str) -> bool:
    parent, _, _ = key.rpartition(".")
    node = _get(tree, parent) if parent else tree
    return isinstance(node, dict)


def available(contract: Contract) -> list[Particular]:
    """The catalogue's particulars this contract file has a place for."""
    tree = contract.model_dump(mode="json")
    return [particular for particular in CATALOGUE if _exists(tree, particular.key)]


def _history(ledger: Ledger) -> tuple[dict[str, Event], dict[str, Event]]:
    """(last approved set event, last set event) per key."""
    approved: dict[str, Event] = {}
    latest: dict[str, Event] = {}
    by_seq: dict[int, Event] = {}
    for event in ledger.events(kinds=(SET, APPROVED)):
        if event.kind == SET:
            by_seq[event.seq] = event
            latest[event.data["key"]] = event
        else:
            for seq in event.data["approves"]:
                if seq in by_seq:
                    approved[by_seq[seq].data["key"]] = by_seq[seq]
    return approved, latest


def approved_values(ledger: Ledger) -> dict[str, Any]:
    return {key: event.data["value"] for key, event in _history(ledger)[0].items()}


def states(ledger: Ledger, contract: Contract) -> list[ParticularState]:
    """Every particular the contract file has a place for: the value in force, its source, what awaits approval."""
    approved, latest = _history(ledger)
    approvers = _approvers(ledger)
    tree = contract.model_dump(mode="json")
    found = []
    for particular in available(contract):
        key = particular.key
        done = approved.get(key)
        value, source = (done.data["value"], "ledger") if done else (_get(tree, key), "contract file")
        if value in (None, [], ""):
            source = ""
        elif source == "contract file" and _unconfirmed(tree, particular):
            source = UNCONFIRMED
        last = latest.get(key)
        pending = last if last is not None and last is not done else None
        found.append(ParticularState(particular, value, source, approvers.get(done.seq) if done else None,
                                     pending.data["value"] if pending else None,
                                     pending.data["by"] if pending else None,
                                     pending.on_date.isoformat() if pending and pending.on_date else None))
    return found


def _unconfirmed(tree: dict, particular: Particular) -> bool:
    """The contract file's value carries its `unconfirmed` mark (a working translation, a name to confirm)."""
    if not particular.confirms:
        return False
    where, _, field = particular.confirms.partition(":")
    marks = _get(tree, where + ".unconfirmed")
    return isinstance(marks, dict) and field in marks


def _approvers(ledger: Ledger) -> dict[int, str]:
    return {seq: event.data["by"] for event in ledger.events(kinds=(APPROVED,)) for seq in event.data["approves"]}


def with_particulars(ledger: Ledger, contract: Contract) -> Contract:
    """The contract file with the approved particulars laid over it (the one contract every document uses)."""
    values = approved_values(ledger)
    if not values:
        return contract
    tree = contract.model_dump(mode="json")
    for key, value in values.items():
        if key in BY_KEY and _exists(tree, key):
            _apply(tree, BY_KEY[key], value)
    try:
        return Contract.model_validate(tree)
    except ValueError as exc:  # an approved value the contract file's model refuses (a later model change)
        raise ParticularError(f"the approved particulars no longer fit the contract file: {exc}") from None


def _apply(tree: dict, particular: Particular, value: Any) -> None:
    parent, _, leaf = particular.key.rpartition(".")
    node = _get(tree, parent) if parent else tree
    node[leaf] = value
    if particular.confirms:  # the value given confirms what the contract file marked unconfirmed
        where, _, field = particular.confirms.partition(":")
        marks = _get(tree, where + ".unconfirmed")
        if isinstance(marks, dict):
            marks.pop(field, None)


def _clean(particular: Particular, raw: Any) -> Any:
    """The typed value as stored: one line of text, a choice, a list of firms, a signatory."""
    def line(text: Any, what: str) -> str:
        text = " ".join(str(text or "").split())
        if len(text) > MAX_TEXT or any(ord(char) < 32 for char in text):
            raise ParticularError(f"{what}: type one line of at most {MAX_TEXT} characters")
        return text

    if particular.kind == "signatory":
        name, title = (line(raw.get(part), f"{particular.label}: {part}") for part in ("name", "title")) \
            if isinstance(raw, dict) else ("", "")
        if not name or not title:
            raise ParticularError(f"{particular.label}: give both the name and the title")
        return [{"name": name, "title": title}]
    if particular.kind == "schedule":
        try:
            return schedule_entries(raw)
        except ScheduleError as exc:
            raise ParticularError(f"{particular.label}: {exc}") from None
    if particular.kind == "firms":
        lines = raw.splitlines() if isinstance(raw, str) else list(raw or [])
        firms = [line(item, particular.label) for item in lines if str(item).strip()]
        if not firms:
            raise ParticularError(f"{particular.label}: give at least one firm, one per line")
        return sorted(set(firms))
    text = line(raw, particular.label)
    if not text:
        raise ParticularError(f"{particular.label}: nothing was typed")
    if particular.kind == "choice" and text not in particular.choices:
        raise ParticularError(f"{particular.label}: choose one of {', '.join(particular.choices)}")
    return text


def _person(ledger: Ledger, name: str, password: str | None, action: str) -> str:
    if not ledger.users():
        raise ParticularError("particulars are set and approved by two authenticated people: this ledger has no "
                              "accounts yet (an administrator adds them first)")
    try:
        return (check_may(ledger, name, action) if password is None else proven(ledger, name, password, action)).name
    except AccountError as exc:
        raise ParticularError(str(exc)) from None


def set_particular(ledger: Ledger, contract: Contract, *, key: str, value: Any, by: str, password: str | None,
                   on: dt.date) -> Event:
    """A preparer's (or an approver's) value for one particular, awaiting another person's approval."""
    who = _person(ledger, by, password, "prepare")
    particular = BY_KEY.get(key)
    if particular is None or particular not in available(contract):
        raise ParticularError(f"{key} is not a particular of this contract file; `particulars show` lists them")
    cleaned = _clean(particular, value)
    if particular.kind == "schedule":  # one year's schedule joins the others in force or awaiting approval
        state = next(state for state in states(ledger, contract) if state.particular is particular)
        cleaned = merged(state.pending if state.awaiting else state.in_force, cleaned)
    trial = contract.model_dump(mode="json")
    _apply(trial, particular, cleaned)
    try:
        Contract.model_validate(trial)
    except ValueError as exc:
        raise ParticularError(f"{particular.label}: the contract file's rules refuse it ({_first(exc)})") from None
    with ledger.transaction():
        return ledger.add_event(SET, year=None, on_date=on, data={
            "key": key, "label": particular.label, "value": cleaned, "by": who})


def approve_particulars(ledger: Ledger, contract: Contract, *, by: str, password: str | None, on: dt.date,
                        keys: list[str] | None = None) -> Event:
    """An approver's approval of the values awaiting it (all, or `keys`), each set by someone else."""
    who = _person(ledger, by, password, "approve")
    waiting = [state for state in states(ledger, contract) if state.awaiting
               and (keys is None or state.particular.key in keys)]
    if not waiting:
        raise ParticularError("no particular awaits approval")
    own = [state.particular.label for state in waiting if state.pending_by == who]
    if own:
        raise ParticularError(f"{who} set {', '.join(own)} and cannot also approve it; another approver does "
                              "(four eyes)")
    _, latest = _history(ledger)
    seqs = [latest[state.particular.key].seq for state in waiting]
    with ledger.transaction():
        return ledger.add_event(APPROVED, year=None, on_date=on, data={
            "approves": seqs, "keys": [state.particular.key for state in waiting], "by": who})


def _first(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0] if errors() else None
        if first:
            return str(first.get("msg", exc))
    return str(exc).splitlines()[0]
