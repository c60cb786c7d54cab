"""The navigation names the Trust roots page for an administrator, the one role that may set them, and for no
one else (the page itself refuses the others in words)."""

from __future__ import annotations

import pytest
from helpers.desk import AS_OF, PASSWORD, desk_app, make_ledger, sign_in
from starlette.testclient import TestClient

from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import add_user

LINK = '<a href="/settings/trust-roots"'


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    out, contract = make_ledger(tmp_path_factory.mktemp("trust-link"), with_report=False)
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        add_user(ledger, name="ada", role="admin", password=PASSWORD, on=AS_OF)
    return desk_app(out, contract)


def _nav(app, name: str, path: str = "/overview") -> str:
    browser = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    assert sign_in(browser, name).status_code == 303
    page = browser.get(path)
    assert page.status_code in (200, 403), path
    return page.text.split('<nav aria-label="Pages">', 1)[1].split("</nav>", 1)[0]


def test_an_administrator_finds_the_trust_roots_page_in_the_navigation(app):
    nav = _nav(app, "ada")
    assert f'{LINK}>Trust roots</a>' in nav
    assert f'{LINK} aria-current="page">Trust roots</a>' in _nav(app, "ada", "/settings/trust-roots")


@pytest.mark.parametrize("name", ["paula", "alice", "victor"])
def test_no_one_else_sees_the_link(app, name):
    assert LINK not in _nav(app, name)
