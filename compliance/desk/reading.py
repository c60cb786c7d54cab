"""Reports being read after an upload. A text PDF is read in a second or two and the upload answers with the
Inbox at once; a scanned report takes up to a minute of OCR, so the upload answers with a page that shows,
file by file and page by page, where the reading stands, and refreshes itself (no script needed) until every
file is read and recorded. Then the Inbox says what became of each file, as after a quick upload."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from compliance.desk.requests import desk_of, redirect, render, session_of, signed_in_as
from compliance.desk.sessions import Reading
from compliance.operations.facade import LedgerBusy, LedgerError
from compliance.operations.run import Toolkit
from compliance.operations.uploads import UploadError, receive_upload, upload_name

REFRESH_SECONDS = 2  # how often the reading page asks again


def progress_sentence(stage: str, done: int, total: int) -> str:
    """Where OCR stands on a scan, in one sentence (extract.ocr_pages.READING_PROGRESS)."""
    if stage == "finding":
        return (f"This is a scan: looking through the tops of its pages for the report and its statements "
                f"({done} of {total} pages looked through).")
    return f"Reading page {done} in full ({total} {'page' if total == 1 else 'pages'} read in full so far)."


def outcome_sentence(name: str, outcome) -> tuple[str, str]:
    status = str(outcome.status) if outcome.status else "not recorded"
    return ("ok" if status == "accepted" else "problem",
            f"{upload_name(name)}: {status.replace('_', ' ')}"
            + (f" (year {outcome.year})" if outcome.year else "")
            + (f" — {outcome.problems[0].message}" if outcome.problems else ""))


def read_uploads(request: Request, files: list[tuple[str, Path]]) -> Reading:
    """Read and record each uploaded file (kept in the spool until then) in a thread of the desk."""
    desk = desk_of(request)
    session = session_of(request)
    who = signed_in_as(request, "upload")

    def read_one(reading: Reading, name: str, path: Path) -> None:
        def told(_file: str, stage: str, done: int, total: int) -> None:
            reading.step = progress_sentence(stage, done, total)

        extract = partial(Toolkit().extract, page_progress=told)
        try:
            with desk.open_to_write("upload") as ledger:
                outcome = receive_upload(ledger, desk.contract, desk.settings.out_dir, name=name, received=path,
                                         by=who.name, extract=extract, at=desk.settings.clock())
            reading.outcomes.append(outcome_sentence(name, outcome))
        except UploadError as exc:
            reading.outcomes.append(("problem", str(exc)))
        except LedgerBusy as exc:
            print(f"desk: {exc}", file=sys.stderr)
            reading.outcomes.append(("problem", f"{upload_name(name)} was not read: someone else is writing to "
                                                "the ledger just now. Upload it again in a moment."))
        except LedgerError as exc:  # the ledger's sentence names its path: for the console, not the page
            print(f"desk: {exc}", file=sys.stderr)
            reading.outcomes.append(("problem", f"{upload_name(name)} was not read: the ledger cannot be used as "
                                                "it is; the person who runs the desk sees why on its console."))
        finally:
            path.unlink(missing_ok=True)

    return desk.readings.start(session.token, files, read_one)


async def answer(request: Request, reading: Reading) -> Response:
    """The Inbox when the files were read within the desk's wait, else the reading page."""
    wait = desk_of(request).settings.upload_wait_seconds
    if await run_in_threadpool(reading.done.wait, wait):
        return _finished(request, reading)
    return redirect(f"/inbox/reading/{reading.id}")


def _finished(request: Request, reading: Reading) -> Response:
    session = session_of(request)
    session.flash.extend(reading.outcomes)
    desk_of(request).readings.forget(reading.id)
    return redirect("/inbox")


def reading_page(request: Request) -> Response:
    who = signed_in_as(request, "upload")
    reading = desk_of(request).readings.get(request.path_params["reading"], who.session.token)
    if reading is None:  # read and shown already, or another session's
        return redirect("/inbox")
    if reading.done.is_set():
        return _finished(request, reading)
    response = render(request, "reading.html.j2", who=who, reading=reading, page="inbox",
                      refresh=REFRESH_SECONDS)
    response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response
