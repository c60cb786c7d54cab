"""Issue 27's "done when", in a real browser (Debian's chromium through Playwright): the scanned Year 2 report
(its revenue read by OCR alone, its firm not on the approved list) needs review; paula, a preparer, confirms its
revenue and its firm on the report's page, looking at the pictures of their pages; a wrong figure is refused with
both figures shown; paula cannot countersign; alice, an approver, countersigns with the reason the firm needs;
Prepare issues Year 2, and the year's page shows it decided. No page may log a console error. Screenshots go to
$COMPLIANCE_SCREENSHOTS (or the test's tmp folder).

The ledger (a run on the year-1 report and the scanned one) is the one tests/test_desk_confirm.py makes once per
session."""

from __future__ import annotations

import os
from pathlib import Path

from helpers.browser import browser_page, serve_app
from helpers.desk import PASSWORD
from test_desk_confirm import FIGURE, FIRM, PARTY_A_SAID, SCANNED, confirm_app, scanned_desk

SLOW_MS = 120_000  # Prepare renders the year's letters inside the request, on a loaded CI machine


def _sign_in(bp, name: str) -> None:
    page = bp.page
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert f"Signed in as {name}" in page.locator("main").inner_text()


def _sign_out(bp) -> None:
    with bp.page.expect_navigation():
        bp.page.get_by_role("button", name="Sign out").click()


def _click(bp, locator) -> None:
    with bp.page.expect_navigation(timeout=SLOW_MS):
        locator.click(timeout=SLOW_MS)  # a click waits for the navigation it starts: Prepare renders the letters


def _loaded(image) -> bool:
    return image.evaluate("img => img.decode().then(() => img.naturalWidth > 100)")


def test_a_scanned_report_is_confirmed_by_hand_countersigned_and_decides_year_2(tmp_path_factory, tmp_path):
    out, contract, sha = scanned_desk(tmp_path_factory, tmp_path)
    shots = Path(os.environ.get("COMPLIANCE_SCREENSHOTS") or tmp_path / "screenshots")
    with serve_app(confirm_app(out, contract)) as url, browser_page(screenshots_dir=shots, base_url=url) as bp:
        page = bp.page
        _sign_in(bp, "paula")
        page.goto("/years/2")
        assert "needs review" in page.locator(".lead").inner_text()
        _click(bp, page.get_by_role("link", name=SCANNED.name))
        section = page.locator("#confirm")
        assert "Confirm by hand" in section.inner_text()
        assert FIGURE not in page.locator("main").inner_text()  # the product's reading is not on the screen
        revenue = page.get_by_label("Operating revenue (营业收入), as printed")
        firm = page.get_by_label("Accounting firm, as printed")
        assert revenue.input_value() == "" and firm.input_value() == FIRM
        assert page.locator("#page-operating_revenue").input_value() == "5"
        assert page.locator("#page-auditor").input_value() == "3"
        assert _loaded(page.get_by_role("img", name="Page 5 of the report, with the revenue line boxed"))
        assert _loaded(page.get_by_role("img", name="Page 3 of the report, where the accounting firm is printed"))
        bp.shot("c01-report-to-confirm")

        revenue.fill("731,250,000.01")
        _click(bp, page.get_by_role("button", name="Confirm these fields"))
        refusal = page.locator(".flash.problem").inner_text()
        assert "731,250,000.01" in refusal and "731,250,000.00" in refusal, refusal
        assert revenue.input_value() == "" and firm.input_value() == FIRM
        bp.shot("c02-wrong-figure-refused")

        revenue.fill(FIGURE)
        _click(bp, page.get_by_role("button", name="Confirm these fields"))
        main = page.locator("main").inner_text()
        assert "Confirmed by hand by paula" in main
        assert "awaiting countersignature by an approver other than you" in main
        assert page.get_by_role("button", name="Countersign").count() == 0  # paula cannot countersign
        token = page.locator("input[name=csrf]").first.input_value()
        tried = page.request.post(f"/reports/{sha}/countersign", form={"csrf": token, "reason": PARTY_A_SAID})
        assert tried.status == 403 and "only an approver may countersign" in tried.text()
        bp.shot("c03-awaiting-countersignature")
        _sign_out(bp)

        _sign_in(bp, "alice")
        page.goto(f"/reports/{sha}")
        confirmed = page.locator("[data-confirmed=operating_revenue]").inner_text()
        assert f"RMB {FIGURE}" in confirmed and "5" in confirmed
        assert FIRM in page.locator("[data-confirmed=auditor]").inner_text()
        assert "say where Party A approved it" in page.locator("#confirm").inner_text()
        bp.shot("c04-countersign")
        page.get_by_label("Your reason (required)").fill(PARTY_A_SAID)
        _click(bp, page.get_by_role("button", name="Countersign"))
        main = page.locator("main").inner_text()
        assert "Countersigned by alice" in main
        assert "Confirmed by hand by paula on 24 January 2028, countersigned by alice on 24 January 2028" in main
        bp.shot("c05-in-force")

        page.goto("/inbox")
        assert "needs review · confirmed by hand" in page.locator("tbody").inner_text()
        bp.shot("c06-inbox")

        page.goto("/years/2")
        _click(bp, page.get_by_role("button", name="Prepare the documents"))
        main = page.locator("main").inner_text()
        assert "for year 2 as alice" in main
        standing = page.locator("[data-field=standing]").inner_text()  # year 2 is decided: prepared, to approve
        assert standing.endswith(("awaiting approval", "open items")), standing
        assert "confirmed by hand by paula on 24 January 2028, countersigned by alice" in main
        assert page.locator("[data-field=actual]").inner_text() == f"RMB {FIGURE}"
        assert "compliance " not in main
        bp.shot("c07-year-2-decided")
        assert bp.console_errors == []
