"""The Particulars page: the deal's particulars the filing does not give (operations.particulars), filled in by
a preparer and approved by another person, an approver, who types their password again (as for approving
documents). Each act is the operation the CLI's `particulars set|approve` calls, under the ledger's writer
lock, as the signed-in user; a refusal is its one sentence on the page (post, redirect, get)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from compliance.desk.actions import with_password
from compliance.desk.requests import (
    DeskError,
    as_of_date,
    check_csrf,
    desk_of,
    ledger_as,
    redirect,
    render,
    session_of,
    signed_in_as,
)
from compliance.operations.particulars import (
    BY_KEY,
    ParticularError,
    approve_particulars,
    set_particular,
    states,
    value_text,
)

MAX_FIELDS = 8
FIELD_CHARS = 2000  # several firms, one per line


CHOICE_WORDS = {"book_entry": "book entry", "drs": "DRS statement", "en": "English", "zh": "Chinese",
                "bilingual": "bilingual (English and Chinese)"}


def particular_text(value) -> str:
    """A particular's value in words (operations.particulars.value_text), choices as words: "book entry"."""
    return CHOICE_WORDS[value] if isinstance(value, str) and value in CHOICE_WORDS else value_text(value)


def particulars_page(request: Request) -> Response:
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, who):
        found = states(ledger, desk.contract)
    groups: dict[str, list] = {}
    for state in found:
        groups.setdefault(state.particular.group, []).append(state)
    awaiting = [state for state in found if state.awaiting]
    return render(request, "particulars.html.j2", who=who, groups=groups, awaiting=awaiting, page="particulars",
                  not_needed=_not_needed(found))


BROKER_ONLY = ("parties.party_c.delivery.brokerage_account", "parties.party_c.delivery.broker",
               "parties.party_c.delivery.dtc_participant")
BOOK_ENTRY_ONLY = ("parties.party_c.delivery.identification",)


def _not_needed(found) -> dict[str, str]:
    """The delivery details the way chosen for Party C does not use (the letters never print them), with why:
    shown as such rather than as open items."""
    method = next((state.in_force for state in found if state.particular.key == "parties.party_c.delivery.method"),
                  None)
    if method == "book_entry":
        return {key: "not needed: the shares reach Party C by book entry" for key in BROKER_ONLY}
    if method == "broker":
        return {key: "not needed: the shares reach Party C through a broker" for key in BOOK_ENTRY_ONLY}
    return {}


async def _form(request: Request):
    session = session_of(request)
    form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=16 * 1024)
    check_csrf(session, form)
    return session, form


def _field(form, name: str) -> str:
    return str(form.get(name) or "")[:FIELD_CHARS]


async def set_value(request: Request) -> Response:
    desk = desk_of(request)
    session, form = await _form(request)
    who = signed_in_as(request, "prepare")
    key = _field(form, "key")
    particular = BY_KEY.get(key)
    if particular is None:
        raise DeskError(400, "The form does not say which particular it sets; reload the page.")
    if particular.kind == "signatory":
        value = {"name": _field(form, "name"), "title": _field(form, "title")}
    elif particular.kind == "schedule":  # one year's: its days one a line (operations.schedules reads them)
        value = {part: _field(form, part) for part in ("year", "source", "holidays", "working_days")}
    else:
        value = _field(form, "value")

    def record():
        with desk.open_to_write("particulars") as ledger:
            return set_particular(ledger, desk.contract, key=key, value=value, by=who.name, password=None,
                                  on=as_of_date(request))

    try:
        await run_in_threadpool(record)
    except ParticularError as exc:
        session.flash.append(("problem", f"Not recorded: {exc}."))
        return redirect(f"/particulars#{key}")
    session.flash.append(("ok", f"{particular.label}: recorded by {who.name}; an approver other than {who.name} "
                                "approves it before the letters use it."))
    return redirect(f"/particulars#{key}")


async def approve(request: Request) -> Response:
    desk = desk_of(request)
    session, form = await _form(request)
    who = signed_in_as(request, "approve")
    password = _field(form, "password")[:1024]
    address = request.client.host if request.client else "unknown"
    if not desk.throttle.attempt(who.name, address):  # the same limit as signing in and approving a year
        session.flash.append(("problem", f"Not approved: too many wrong passwords; wait "
                                         f"{desk.throttle.window_minutes} minutes."))
        return redirect("/particulars")

    def give(ledger):
        return approve_particulars(ledger, desk.contract, by=who.name, password=None, on=as_of_date(request))

    try:
        event = await run_in_threadpool(with_password, desk, request, who.name, password, "particulars",
                                        ParticularError("the password is not right; nothing was approved"), give)
    except ParticularError as exc:
        session.flash.append(("problem", f"Not approved: {exc}."))
        return redirect("/particulars")
    labels = [BY_KEY[key].label for key in event.data["keys"] if key in BY_KEY]
    session.flash.append(("ok", f"Approved by {who.name}: {'; '.join(labels)}. Prepare the years whose letters "
                                "they change again (the Prepare button on each Year page)."))
    return redirect("/particulars")
