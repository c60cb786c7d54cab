"""A real browser on a real server, for the review desk's browser tests: the ASGI app served by uvicorn in a
thread of the test process, and Debian's chromium driven by Playwright (never a downloaded browser: the test
machines reach no browser CDN, and `make fonts` installs chromium from Debian)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import ConsoleMessage, Error, Page, sync_playwright

CHROMIUM_MISSING = "Debian's chromium is not installed; `make fonts` installs it as root"

# The binary itself, ahead of Debian's /usr/bin/chromium launcher script: the launcher sources /etc/chromium.d/,
# which adds its own flags (remote extensions, GPU rasterisation) to Playwright's and, where /dev/shm is mounted
# twice, prints "[: ...: unexpected operator" on every start.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")

# Root cannot use chromium's sandbox; /dev/shm is small in containers; there is no GPU on the test machines.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]

SERVER_START_SECONDS = 10
# Long enough for a page of the desk on a loaded CI machine, short enough that a wrong selector fails quickly.
PAGE_TIMEOUT_MS = 10_000


def chromium_executable() -> str | None:
    """The system chromium, or None when Debian's package is not installed."""
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """The system chromium; without it the test skips on a workstation and fails on CI (CI never silently skips)."""
    executable = chromium_executable()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM_MISSING} (CI is set, so the browser tests must run)")
        pytest.skip(CHROMIUM_MISSING)
    return executable


@contextmanager
def serve_app(app) -> Iterator[str]:
    """Serve the ASGI app on a free port of 127.0.0.1 until the block ends; yields the base URL (no slash)."""
    # Port 0: the kernel picks a free port when uvicorn binds, so parallel xdist workers never collide.
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if not thread.is_alive():  # uvicorn exits its thread with SystemExit when it cannot start
            raise RuntimeError("uvicorn did not start; its log above says why")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start within {SERVER_START_SECONDS} s")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_SECONDS)


@dataclass
class BrowserPage:
    """A Playwright page with what a test asserts besides the page itself: the errors the browser reported
    (`console_errors`, empty on a healthy page) and screenshots for a human to look at (`shot`)."""

    page: Page
    screenshots_dir: Path | None = None
    console_errors: list[str] = field(default_factory=list)

    def shot(self, name: str) -> Path | None:
        """Save a full-page PNG as screenshots_dir/name.png (nothing without a screenshots_dir); returns it."""
        if self.screenshots_dir is None:
            return None
        self.screenshots_dir.mkdir(parents=True, exist_ok=True)
        path = self.screenshots_dir / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # "Failed to load resource: ... 404" names no resource; the message's location does (e.g. /favicon.ico,
        # which chromium asks every origin for: an app without one gets this error on its first page).
        source = message.location.get("url")
        where = f" [{source}]" if source and source != self.page.url else ""
        self.console_errors.append(f"console error on {self.page.url}: {message.text}{where}")

    def _page_error(self, error: Error) -> None:
        self.console_errors.append(f"uncaught exception on {self.page.url}: {error.message}")


@contextmanager
def browser_page(*, screenshots_dir: Path | None = None, base_url: str | None = None) -> Iterator[BrowserPage]:
    """A fresh headless chromium page (en-GB, 1280x900, downloads accepted) recording its errors; with base_url,
    page.goto("/path") is relative to it. Without chromium the test skips, or fails on CI (require_chromium)."""
    executable = require_chromium()  # never Playwright's own download, which `playwright install` would fetch
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900},
                                          locale="en-GB", base_url=base_url)
            try:
                context.set_default_timeout(PAGE_TIMEOUT_MS)
                recorded = BrowserPage(page=context.new_page(), screenshots_dir=screenshots_dir)
                recorded.page.on("console", recorded._console)
                recorded.page.on("pageerror", recorded._page_error)
                yield recorded
            finally:
                context.close()
        finally:
            browser.close()
