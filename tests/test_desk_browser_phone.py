"""Issue 31 point 10, in a real browser (Debian's chromium through Playwright): on a phone (390x844) no page of
the desk scrolls sideways (a wide table scrolls inside its own box) and the navigation is a short strip; in
print, no navigation, no buttons or forms, black on white; the text face is a Latin one ahead of the CJK one,
so an apostrophe is not drawn full width. Screenshots of the Trail and Year pages at 390x844 and 1366x768 go
to $COMPLIANCE_SCREENSHOTS (or the test's tmp folder)."""

from __future__ import annotations

import os
from pathlib import Path

from helpers.browser import browser_page, serve_app
from helpers.desk import PASSWORD, desk_app, make_ledger

from compliance.ledger import open_ledger

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def _sign_in(page, name: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_no_page_scrolls_sideways_on_a_phone_and_print_shows_the_content_only(tmp_path):
    out, contract = make_ledger(tmp_path / "desk", with_report=True)
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        sha = ledger.reports()[0]["sha256"]
    pages = ["/overview", "/inbox", f"/reports/{sha}", "/years/1", "/years/2", "/documents", "/documents/1",
             "/trail"]
    shots = Path(os.environ.get("COMPLIANCE_SCREENSHOTS") or tmp_path / "screenshots")
    with serve_app(desk_app(out, contract)) as url, browser_page(screenshots_dir=shots, base_url=url) as bp:
        page = bp.page
        page.set_viewport_size(PHONE)
        page.goto("/login")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "/login"
        _sign_in(page, "alice")
        for path in pages:
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} is {width} px wide on a 390 px phone"
            bar = page.locator("header.bar").bounding_box()
            assert bar is not None and bar["height"] <= 110, f"{path}: the navigation takes {bar} of the screen"
        face = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert face.index("Liberation Sans") < face.index("Noto Sans CJK SC")  # Latin punctuation in a Latin face

        for name, size in (("phone", PHONE), ("laptop", LAPTOP)):
            page.set_viewport_size(size)
            for path, label in (("/trail", "trail"), ("/years/1", "year-1")):
                page.goto(path)
                bp.shot(f"{label}-{name}")

        page.set_viewport_size(LAPTOP)
        page.goto("/trail")
        page.emulate_media(media="print")
        assert not page.locator("header.bar").is_visible()  # no navigation in print
        assert page.locator("main button:visible, main form:visible, main a.button:visible").count() == 0
        assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)",
                                                                                     "rgba(0, 0, 0, 0)")
        assert page.get_by_text("checks out").is_visible()  # the content stays
        bp.shot("trail-print")
        page.emulate_media(media="screen")
        assert bp.console_errors == []
