"""The review desk in a real browser (Debian's chromium through Playwright), the keyboard only: a preparer
signs in, uploads the year-1 audit report, sees its figure and its evidence picture, and prepares the
documents; an approver signs in, opens each letter on the Year page and approves; the final PDF is downloaded
and read. No page may log a console error. Screenshots of every page go to $COMPLIANCE_SCREENSHOTS (or the
test's tmp folder)."""

from __future__ import annotations

import os
from pathlib import Path

from helpers.browser import browser_page, serve_app
from helpers.desk import PASSWORD, YEAR_1_REPORT, YEAR_1_REVENUE, desk_app, make_ledger
from helpers.document_text import pdf_text, squash

SLOW_MS = 120_000  # reading a report or rendering letters inside a request, on a loaded CI machine


def base(page) -> str:
    return "/".join(page.url.split("/")[:3])


def _sign_in(bp, name: str) -> None:
    page = bp.page
    page.goto("/overview")
    assert page.url.endswith("/login?next=/overview")  # no session: the sign-in page
    page.get_by_label("User name").focus()  # where autofocus puts it; said again so a slow load cannot race it
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base(page)}/overview"
    assert f"Signed in as {name}" in page.locator("main").inner_text()


def _sign_out(bp) -> None:
    page = bp.page
    page.get_by_role("button", name="Sign out").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base(page)}/login"


def _press(bp, locator) -> None:
    """Reach a control by keyboard focus and press Enter, waiting for the page it leads to."""
    locator.focus()
    with bp.page.expect_navigation(timeout=SLOW_MS):
        bp.page.keyboard.press("Enter")


def test_prepare_then_approve_in_a_real_browser_keyboard_only(tmp_path):
    out, contract = make_ledger(tmp_path / "desk", with_report=False)
    shots = Path(os.environ.get("COMPLIANCE_SCREENSHOTS") or tmp_path / "screenshots")
    with serve_app(desk_app(out, contract)) as url, browser_page(screenshots_dir=shots, base_url=url) as bp:
        page = bp.page
        page.set_default_timeout(SLOW_MS)
        page.goto("/overview")
        bp.shot("01-sign-in")
        _sign_in(bp, "paula")
        bp.shot("02-overview-empty")

        page.goto("/inbox")
        page.locator("#reports").set_input_files(str(YEAR_1_REPORT))
        assert "y1-zh-yuan-two-columns.pdf" in page.locator("[data-dropzone-list]").inner_text()  # desk.js ran
        _press(bp, page.get_by_role("button", name="Upload and read"))
        main = page.locator("main").inner_text()
        assert "y1-zh-yuan-two-columns.pdf: accepted (year 1)" in main
        bp.shot("03-inbox")

        _press(bp, page.get_by_role("link", name="y1-zh-yuan-two-columns.pdf"))
        assert page.locator("[data-field=revenue]").inner_text() == f"RMB {YEAR_1_REVENUE}"
        evidence = page.get_by_role("img", name="Page")
        assert evidence.evaluate("img => img.complete && img.naturalWidth > 100")  # the picture loaded
        bp.shot("04-report")

        page.goto("/years/1")
        _press(bp, page.get_by_role("button", name="Prepare the documents"))
        main = page.locator("main").inner_text()
        assert "for year 1 as paula" in main and "awaiting approval" in main
        assert page.locator("[data-field=release]").inner_text() == "3,000,000"
        assert page.get_by_role("button", name="Approve the documents").count() == 0  # a preparer cannot
        bp.shot("05-year-prepared")
        _sign_out(bp)

        _sign_in(bp, "alice")
        page.goto("/years/1")
        page.set_viewport_size({"width": 1366, "height": 768})
        assert "Year 1: release due 29 January 2027" in page.locator("[data-field=due]").inner_text()
        bp.shot("06-year-to-approve")
        main = page.locator("main").inner_text()
        assert "before approving" in main  # the letters are to be opened first
        page.reload()  # the letters' pages are fetched only when a letter is opened: loading the page opens none
        letters = page.locator("details.letter")
        assert letters.count() == 5 and page.locator("[data-opened=no]").count() == 5
        for index in range(letters.count()):  # open each letter with the keyboard and let its first page load
            letter = letters.nth(index)
            letter.locator("summary").focus()
            page.keyboard.press("Enter")
            first = letter.locator("img").first
            first.scroll_into_view_if_needed()
            assert first.evaluate("img => img.decode().then(() => img.naturalWidth > 100)")
        bp.shot("06b-year-letters-open")
        page.reload()
        assert page.locator("[data-opened=yes]").count() == 5
        page.get_by_label("Your password, to approve as alice").focus()
        page.keyboard.type(PASSWORD)
        with page.expect_navigation(timeout=SLOW_MS):
            page.keyboard.press("Enter")
        main = page.locator("main").inner_text()
        assert "Year 1 approved by alice (prepared by paula)" in main
        bp.shot("06c-year-approved")

        page.goto("/documents")
        bp.shot("07-documents")
        _press(bp, page.get_by_role("link", name="joint instruction"))
        assert page.get_by_role("img", name="Page 1 of").first.evaluate(
            "img => img.decode().then(() => img.naturalWidth > 100)")
        bp.shot("08-document")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the final PDF").focus()
            page.keyboard.press("Enter")
        final = tmp_path / "final.pdf"
        download.value.save_as(final)

        page.goto("/overview")
        assert "intact" in page.locator("main").inner_text()
        bp.shot("09-overview")
        for path in ("/overview", "/inbox", "/years/1", "/documents", "/documents/1"):
            page.goto(path)
            page.keyboard.press("Tab")  # the first stop on every page skips to its content
            assert page.evaluate("document.activeElement.textContent") == "Skip to the content", path
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main", path
        assert bp.console_errors == []

    text = squash(pdf_text(final))
    assert "DRAFT" not in text and "Wang Fang" in text and "3,000,000" in text
