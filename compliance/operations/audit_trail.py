"""The audit trail: who did what and when, in plain sentences, read from the hash-chained event log, with the
chain's own check at its top; and the desk's acts the log did not hold before (a sign-in, a refused sign-in,
an upload), recorded as events of their own (ledger.events.AUDIT_EVENTS).

    record a sign-in, a refused sign-in, an upload      record_sign_in, record_refused_sign_in, record_upload
    the trail, filtered by year and by person           trail -> Trail (entries oldest first)
    one event as the trail tells it                     entry_of -> TrailEntry
    the same as CSV, safe to open in a spreadsheet      trail_csv -> str

The review desk's Trail page and `compliance ledger trail` show the same `Trail`. A refused sign-in records the
name that was tried, never the password. Each sentence is built from the event's own data; a kind this module
does not know yet is still shown, in words made from its name and its short fields.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from compliance.ledger import Event, Ledger

NAME_CHARS = 40  # the longest name a refused sign-in records (the sign-in form's own limit)
WORDS = {
    "contract_id": "contract", "out_dir": "output folder", "prices_path": "share prices file",
    "prices_sha256": None, "needs_review": "needs review", "joint-instruction": "joint instruction",
}
_WHO_KEYS = ("by", "approved_by", "prepared_by")
_WHEN_KEYS = ("at", "approved_at", "signed_at")
SIGN_IN_KINDS = ("signed_in", "sign_in_refused")
_HIDDEN_KEYS = {"record", "rows", "sha256", "report", "input_key", "documents", "revenues", "open_items", "hash"}
_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


# --- recording the desk's acts -------------------------------------------------------------------------------
def _plain_name(text: str) -> str:
    """A name as typed, without control or direction-changing characters, cut to the form's length."""
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text or "") if unicodedata.category(ch)[0] != "C")
    return kept.strip()[:NAME_CHARS]


def _moment(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds")


def record_sign_in(ledger: Ledger, *, name: str, at: dt.datetime, address: str | None = None,
                   record: str | None = None) -> Event:
    """A person signed in at the desk (their password checked). `record`: the desk's id for it, so that a record
    kept on disk while the ledger was busy is never written twice (desk/signins.py)."""
    data = {"by": name, "at": _moment(at), **({"from": address} if address else {}),
            **({"record": record} if record else {})}
    with ledger.transaction():
        return ledger.add_event(SIGN_IN_KINDS[0], year=None, on_date=at.date(), data=data)


def record_refused_sign_in(ledger: Ledger, *, name_tried: str, at: dt.datetime, address: str | None = None,
                           record: str | None = None) -> Event:
    """A sign-in refused: the name that was tried (cleaned, cut to 40 characters), never the password."""
    data = {"name": _plain_name(name_tried), "at": _moment(at), **({"from": address} if address else {}),
            **({"record": record} if record else {})}
    with ledger.transaction():
        return ledger.add_event(SIGN_IN_KINDS[1], year=None, on_date=at.date(), data=data)


def written_records(ledger: Ledger) -> set[str]:
    """The desk's ids of the sign-ins already in the chain."""
    return {event.data["record"] for event in ledger.events(kinds=SIGN_IN_KINDS) if "record" in event.data}


def record_upload(ledger: Ledger, *, by: str, at: dt.datetime, name: str, sha256: str, year: int | None,
                  status: str | None) -> Event:
    """Who uploaded which file at the desk, and when (the `received` event before it, if any, says what was read;
    the same content uploaded again records only this)."""
    data = {"by": by, "at": _moment(at), "name": name, "sha256": sha256,
            **({"status": status} if status else {})}
    with ledger.transaction():
        return ledger.add_event("uploaded", year=year, on_date=at.date(), data=data)


# --- the trail -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrailEntry:
    seq: int
    kind: str
    year: int | None
    when: str  # '20 January 2027, 09:30 UTC', '20 January 2027', or '' when the event recorded no date
    who: str | None  # the person who did it, when the event names one
    sentence: str
    hash: str


@dataclass(frozen=True)
class Trail:
    entries: tuple[TrailEntry, ...]  # oldest first, after the filters
    total: int  # events in the ledger
    chain_ok: bool
    chain_text: str  # "The ledger's chain of N events checks out ..." or what broke it
    people: tuple[str, ...]  # every name the trail could be filtered by
    year: int | None = None
    by: str | None = None


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _when(event: Event) -> str:
    for key in _WHEN_KEYS:
        text = event.data.get(key)
        if isinstance(text, str) and text:
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            moment = moment.astimezone(dt.UTC)
            return f"{_day(moment.date())}, {moment:%H:%M} UTC"
    return _day(event.on_date) if event.on_date else ""


def _who(event: Event) -> str | None:
    if event.kind == "sign_in_refused":
        return event.data.get("name") or None
    if event.kind == "password_changed":
        return event.data.get("name") or None
    for key in _WHO_KEYS:
        if event.data.get(key):
            return str(event.data[key])
    return None


def _kinds(documents: list[dict]) -> str:
    names = []
    for item in documents:
        slot = str(item.get("slot") or item.get("pdf") or item.get("pdf_path") or item.get("kind") or "")
        kind = slot.rsplit("/", 1)[-1].removesuffix(".pdf").replace("-", " ")
        version = item.get("version")
        names.append(kind + (f" (version {version})" if isinstance(version, int) and version > 1 else ""))
    return ", ".join(name for name in names if name) or "none"


def _listed(values: Any) -> str:
    return ", ".join(str(value).replace("_", " ") for value in values) if values else "none"


def _year(event: Event) -> str:
    return f"year {event.year}" if event.year is not None else "a year"


def _generic(event: Event) -> str:
    """A kind this module has no sentence for (added later): its name in words and its short plain fields."""
    words = event.kind.replace("_", " ")
    details = [f"{key.replace('_', ' ')}: {value}" for key, value in sorted(event.data.items())
               if key not in _HIDDEN_KEYS and key not in _WHO_KEYS and key not in _WHEN_KEYS
               and isinstance(value, (str, int)) and not isinstance(value, bool) and len(str(value)) <= 80]
    year = f" ({_year(event)})" if event.year is not None else ""
    return words[:1].upper() + words[1:] + year + (": " + "; ".join(details) if details else "") + "."


def sentence(event: Event) -> str:
    """What the event says happened, in one plain sentence."""
    data, kind, who = event.data, event.kind, _who(event)
    by = f" by {who}" if who else ""
    name = data.get("name") or "a file"
    if kind == "ledger_settings":
        keys = [WORDS.get(key, key.replace("_", " ")) for key in sorted(data.get("settings", {}))]
        return f"The ledger's settings were recorded ({', '.join(k for k in keys if k)})."
    if kind == "received":
        return f"The report file {name} was received and read."
    if kind in ("accepted", "needs_review", "rejected"):
        year = f" as {_year(event)}'s report" if event.year is not None else ""
        problems = data.get("problems") or []
        why = f" (problems: {_listed(problems)})" if problems and kind != "accepted" else ""
        return f"{name} was read{year}: {WORDS.get(kind, kind)}{why}."
    if kind == "uploaded":
        status = data.get("status")
        read = f", read as {_year(event)}'s report" if event.year is not None else ""
        return f"{who} uploaded {name}{read}" + (f" ({WORDS.get(status, status)})" if status else "") + "."
    if kind == "signed_in":
        return f"{who} signed in" + (f" from {data['from']}" if data.get("from") else "") + "."
    if kind == "sign_in_refused":
        return (f"A sign-in as {who or '(no name)'} was refused: the name or the password was not right"
                + (f" (from {data['from']})" if data.get("from") else "") + ".")
    if kind == "conflict":
        return f"{_year(event).capitalize()} has {len(data.get('reports') or [])} accepted reports that disagree."
    if kind == "resolved":
        return f"{who or 'Someone'} chose the report that decides {_year(event)}" + (
            f": {data['reason']}" if data.get("reason") else "") + "."
    if kind in ("instructed", "penalty_assessed", "cancellation_instructed"):
        what = "the cancellation instruction" if kind == "cancellation_instructed" else f"{_year(event)}'s documents"
        return f"{who or 'The main job'} prepared {what}: {_kinds(data.get('documents') or [])}."
    if kind == "superseded":
        count = len(data.get("documents") or [])
        return f"{count} earlier document{'s' if count != 1 else ''} of {_year(event)} gave way to new versions."
    if kind == "documents_approved":
        prepared = f" (prepared by {data['prepared_by']})" if data.get("prepared_by") else ""
        return (f"{data.get('approved_by') or 'Someone'} approved {_year(event)}'s documents{prepared}: "
                f"{_kinds(data.get('documents') or [])}.")
    if kind == "document_signed":
        signer = data.get("signer") or who or "someone"
        uploaded = f"; the signed copy was recorded by {who}" if who and who != signer else ""
        return (f"{signer} signed {data.get('signed_file') or 'a document'}"
                + (f" (signature field {data['field']}{uploaded})" if data.get("field") else "") + ".")
    if kind == "particular_set":
        value = data.get("value")
        shown = f": {value}" if isinstance(value, (str, int)) and len(str(value)) <= 120 else ""
        return f"{who or 'Someone'} set the particular “{data.get('label') or data.get('key')}”{shown}."
    if kind == "particulars_approved":
        keys = data.get("keys") or []
        return (f"{who or 'Someone'} approved {len(keys)} particular{'s' if len(keys) != 1 else ''}: "
                f"{_listed(keys)}.")
    if kind == "trust_roots_set":
        subjects = [root.get("subject") for root in data.get("roots") or [] if isinstance(root, dict)]
        return (f"{who or 'An administrator'} set the trust roots that signatures are checked against: "
                f"{_listed(subjects)}.")
    if kind in ("letter_sent", "letter_received"):
        letter = str(data.get("kind") or "a letter").replace("-", " ")
        if kind == "letter_sent":
            how = f" by {data['how']}" if data.get("how") else ""
            reference = f" (reference {data['reference']})" if data.get("reference") else ""
            return f"{who or 'Someone'} recorded the {letter} of {_year(event)} as sent{how}{reference}."
        return f"{who or 'Someone'} recorded the {letter} of {_year(event)} as received by the agent."
    if kind == "language_chosen":
        language = {"en": "English", "zh": "Chinese"}.get(str(data.get("language")), data.get("language"))
        return f"{who or 'Someone'} chose to read the desk in {language}."
    if kind == "user_added":
        if who == data.get("name"):
            return f"{who}'s own account was made, as {data.get('role')} (the first account of the ledger)."
        return f"{who or 'An administrator'} gave {data.get('name')} an account as {data.get('role')}."
    if kind == "user_revoked":
        return f"{who or 'An administrator'} revoked {data.get('name')}'s account."
    if kind == "password_changed":
        return f"{data.get('name')} changed their password."
    if kind == "confirmed_by_hand":
        return f"{who or 'Someone'} confirmed by hand {_listed(sorted(data.get('fields') or {}))} of {name}."
    if kind == "confirmation_countersigned":
        return f"{who or 'Someone'} countersigned a confirmation by hand{_reason(data)}."
    if kind == "confirmation_sent_back":
        return f"{who or 'Someone'} sent back a confirmation by hand{_reason(data)}."
    if kind == "confirmation_withdrawn":
        return f"{who or 'Someone'} withdrew a confirmation by hand{_reason(data)}."
    if kind == "documents_received_by_agent":
        return f"The escrow agent received {_year(event)}'s documents (recorded{by})."
    if kind == "released":
        shares = data.get("shares")
        count = f"{shares:,} shares" if isinstance(shares, int) else "Shares"
        return f"{count} of {_year(event)} were released to Party C (recorded{by})."
    if kind == "dispute_opened":
        return f"A dispute on {_year(event)} was opened (recorded{by})."
    if kind == "dispute_settled":
        return f"The dispute on {_year(event)} was settled (recorded{by})."
    if kind == "suspension":
        return f"The release of {_year(event)} was suspended (recorded{by})."
    return _generic(event)


def _reason(data: dict) -> str:
    return f": {data['reason']}" if data.get("reason") else ""


def chain_sentence(events: int, rows: int, problem: str | None) -> str:
    if problem is None:
        return (f"The ledger's chain of {events:,} event{'s' if events != 1 else ''} checks out "
                f"({rows:,} records match their hashes).")
    return f"The ledger's chain does not check out: {problem}."


def entry_of(event: Event) -> TrailEntry:
    """One event as the trail tells it: when, who, what happened."""
    return TrailEntry(event.seq, event.kind, event.year, _when(event), _who(event), sentence(event), event.hash)


def trail(ledger: Ledger, *, year: int | None = None, by: str | None = None) -> Trail:
    """Every event as who did what and when, oldest first; only `year`'s, only `by`'s (a name, any case)."""
    report = ledger.verify()
    events = ledger.events()
    entries = [entry_of(event) for event in events]
    people = sorted({entry.who for entry in entries if entry.who}, key=str.lower)
    wanted = by.strip().lower() if by and by.strip() else None
    shown = tuple(entry for entry in entries
                  if (year is None or entry.year == year) and (wanted is None or (entry.who or "").lower() == wanted))
    return Trail(shown, len(events), report.ok, chain_sentence(report.events, report.rows, report.problem),
                 tuple(people), year, by.strip() if wanted else None)


def _cell(value: object) -> str:
    """A spreadsheet never reads a cell as a formula: text starting with = + - @ (or a tab) gets a quote first."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_CSV_RISKY) else text


def trail_csv(shown: Trail) -> str:
    """The trail as CSV (UTF-8 with a byte-order mark, so a spreadsheet reads Chinese names right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Event", "When", "Who", "Year", "What happened", "Kind", "Hash"])
    for entry in shown.entries:
        writer.writerow([_cell(item) for item in (entry.seq, entry.when, entry.who, entry.year, entry.sentence,
                                                  entry.kind, entry.hash)])
    writer.writerow([])
    writer.writerow([_cell(shown.chain_text)])
    return "\ufeff" + buffer.getvalue()
