"""The browser harness itself (helpers/browser.py), on a tiny Starlette app with the desk's Content-Security-Policy:
a page served by uvicorn opens in Debian's chromium, a form works from the keyboard alone, a screenshot is saved,
and the errors the browser reports reach console_errors (so a desk test asserting it empty means something)."""

from __future__ import annotations

from html import escape

import pytest
from helpers.browser import browser_page, require_chromium, serve_app
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

CSP = "default-src 'self'; script-src 'self'; frame-ancestors 'none'"


def _page(title: str, body: str) -> HTMLResponse:
    html = f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title></head>' \
           f"<body>{body}</body></html>"
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP})


def _script(source: str) -> Response:
    return Response(source, media_type="text/javascript", headers={"Content-Security-Policy": CSP})


async def home(request: Request) -> HTMLResponse:
    return _page("Harness", '<h1>Browser harness</h1><form method="post" action="/echo">'
                 '<label for="name">Name</label> <input id="name" name="name" autocomplete="off">'
                 '<button type="submit">Send</button></form><script src="/app.js"></script>')


async def echo(request: Request) -> HTMLResponse:
    form = await request.form()
    return _page("Echo", f'<h1>Received</h1><p id="value">{escape(str(form["name"]))}</p>')


async def app_js(request: Request) -> Response:
    # Harmless, and visible: the page's <html> says the external script ran under the CSP.
    return _script('document.documentElement.dataset.script = "ran";')


async def inline(request: Request) -> HTMLResponse:
    # script-src 'self' blocks this inline script: chromium reports it as a console error.
    return _page("Inline", '<h1>Inline</h1><script>document.title = "inline ran";</script>'
                 '<script src="/throws.js"></script>')


async def throws_js(request: Request) -> Response:
    return _script('throw new Error("deliberately uncaught");')


async def favicon(request: Request) -> Response:
    # Chromium asks every origin for /favicon.ico; a 404 there would be a console error on the first page.
    return Response(status_code=204)


APP = Starlette(routes=[
    Route("/", home), Route("/echo", echo, methods=["POST"]), Route("/app.js", app_js),
    Route("/inline", inline), Route("/throws.js", throws_js), Route("/favicon.ico", favicon),
])


@pytest.fixture
def base_url() -> str:
    require_chromium()
    with serve_app(APP) as url:
        yield url


def test_a_page_opens_and_its_form_submits_from_the_keyboard(base_url, tmp_path):
    with browser_page(screenshots_dir=tmp_path, base_url=base_url) as browser:
        page = browser.page
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Browser harness")
        expect(page.locator("html")).to_have_attribute("data-script", "ran")

        page.keyboard.press("Tab")
        expect(page.get_by_label("Name")).to_be_focused()
        page.keyboard.type("Wang Wei 王伟 <b>")
        page.keyboard.press("Enter")

        expect(page.get_by_role("heading", level=1)).to_have_text("Received")
        expect(page.locator("#value")).to_have_text("Wang Wei 王伟 <b>")
        assert page.url == f"{base_url}/echo"
        assert browser.shot("echo").stat().st_size > 0
        assert browser.console_errors == []


def test_console_errors_and_uncaught_exceptions_are_recorded(base_url):
    with browser_page(base_url=base_url) as browser:
        with browser.page.expect_event("pageerror"), browser.page.expect_console_message(lambda m: m.type == "error"):
            browser.page.goto("/inline")
        assert browser.page.title() == "Inline"  # the CSP held: the inline script did not run
        assert browser.shot("never") is None  # no screenshots_dir: nothing is saved

    errors = browser.console_errors
    assert len(errors) == 2, errors
    blocked = next(error for error in errors if error.startswith("console error"))
    assert blocked.startswith(f"console error on {base_url}/inline: ")
    assert "violates the following Content Security Policy directive 'script-src 'self''" in blocked
    assert f"uncaught exception on {base_url}/inline: deliberately uncaught" in errors
