"""Issue 32, every state of every page: "the desk's pages show no English label when Chinese is chosen" holds not
only for the pages test_desk_chinese.py visits on its one approved ledger, but in each state the desk reaches: an
empty ledger; after uploads of every outcome (accepted, each problem the extractor names, rejected and non-PDF
files, a duplicate, a scan still being read); a year with open items; the approval screen before and after its
letters are opened, refused and approved; signing and sending (trust roots, each letter state, each refusal);
particulars set, awaiting approval, approved and refused; the audit trail with every kind of event; the due banner
in each of its states; the error pages; and the flash messages and refusals the desk gives. The rule for what is
an English label left is test_desk_chinese.py's (english_left): user data (file names, people, firms, document IDs,
figures) is allowed."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
import yaml
from helpers.cli import REPO
from helpers.contracts import TEST_CALENDAR, filled_contract
from helpers.desk import ACCOUNTS, AS_OF, NOW, PASSWORD, YEAR_1_REPORT, FakeMonotonic, csrf_of, desk_app, make_ledger
from starlette.testclient import TestClient
from test_desk_chinese import _particulars_values, choose, client, english_left, signed_in, users_data
from test_desk_confirm import confirm_app, entries, scanned_desk
from test_desk_reading import SlowToolkit
from test_desk_signing_sending import _instruction_id, _trust, world  # noqa: F401 (world: the signing fixture)

from compliance.desk import DeskSettings, create_app
from compliance.desk import reading as desk_reading
from compliance.desk.chinese import translate
from compliance.extract.problems import CATALOGUE, WHAT_TO_DO, WHAT_TO_DO_BY_SEVERITY
from compliance.ledger import Event, open_ledger, writer_lock
from compliance.operations.accounts import add_user
from compliance.operations.audit_trail import sentence
from compliance.operations.run import RunOptions, run

REPORTS = REPO / "fixtures" / "audit-reports"


# --- the rule, over many pages -------------------------------------------------------------------------------
def data_of(app, *more: str) -> list[str]:
    """users_data and the particulars' values, as test_desk_chinese.py counts them, what the reports in the ledger
    were read to say (their firms, companies, report numbers: the reports' own words), and names a test adds."""
    values = _particulars_values(signed_in(app, "victor").get("/particulars").text)
    read = set()
    with open_ledger(app.state.desk.settings.out_dir / "ledger.sqlite", create=False) as ledger:
        for report in ledger.reports():
            found = ledger.extraction(report["sha256"]) or {}
            read |= {str(found[key]) for key in ("auditor", "entity", "report_number") if found.get(key)}
    return sorted({*users_data(app), *values, *read, *more}, key=len, reverse=True)


def assert_no_english(pages: dict[str, str], data: list[str]) -> None:
    """Every page in Chinese (<html lang="zh-CN">) with no English label left; the failure lists all of them. What a
    page quotes from a report (<q>, or “ ” in a Chinese sentence: the line read as the revenue, a unit's caption)
    is the report's own text: data."""
    left = {}
    for state, html in pages.items():
        assert '<html lang="zh-CN"' in html or "<svg" in html[:200], state
        quoted = [" ".join(unescape(text).split())
                  for found in re.findall(r"<q>([^<]*)</q>|“([^”<]*)”", html) for text in found if text]
        found = english_left(html, sorted({*data, *quoted}, key=len, reverse=True))
        if found:
            left[state] = found
    if left:
        pytest.fail("English left:\n" + "\n".join(f"{state}:\n  " + "\n  ".join(texts)
                                                  for state, texts in left.items()))


def flash_texts(html: str) -> list[str]:
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", text)).split())
            for text in re.findall(r'<p class="flash [a-z]+"[^>]*>(.*?)</p>', html, re.S)]


def zh(app, name: str) -> TestClient:
    browser = signed_in(app, name)
    choose(browser, "zh")
    return browser


def post_upload(browser: TestClient, name: str, content: bytes):
    token = csrf_of(browser.get("/inbox").text)
    return browser.post(f"/inbox/upload?csrf={token}", data={"csrf": token}, follow_redirects=True,
                        files={"reports": (name, content, "application/pdf")})


def crawl(browser: TestClient, paths) -> dict[str, str]:
    pages = {}
    for path in paths:
        response = browser.get(path)
        assert response.status_code in (200, 403, 404), (path, response.status_code)
        pages[path] = response.text
    return pages


YEARS = [f"/years/{year}" for year in range(1, 6)]
FRAME = ["/overview", "/inbox", *YEARS, "/documents", "/particulars", "/trail"]


def upload_signed(browser: TestClient, document: int, path: Path):
    """test_desk_signing_sending's upload of a signed copy, answered with the page it leads to."""
    token = csrf_of(browser.get(f"/documents/{document}/signing").text)
    return browser.post(f"/letters/signed?document={document}&csrf={token}", data={"csrf": token},
                        files={"signed": (path.name, path.read_bytes(), "application/pdf")}, follow_redirects=True)


def reports_of(html: str) -> list[str]:
    return sorted(set(re.findall(r"/reports/([0-9a-f]{64})", html)))


# --- an empty ledger ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("zh-empty"), with_report=False)


def _copy(base, tmp_path: Path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(base[0], copy)
    return copy


def test_an_empty_ledger_in_chinese(empty, tmp_path):
    app = desk_app(_copy(empty, tmp_path), empty[1])
    browser = zh(app, "alice")
    pages = crawl(browser, FRAME + ["/charts/tranches.svg", "/charts/plan/1.svg"])
    assert_no_english(pages, data_of(app))


# --- uploads of every outcome ---------------------------------------------------------------------------------
UPLOADS = sorted(REPORTS.glob("*.pdf"))


@pytest.fixture(scope="module")
def uploaded(empty, tmp_path_factory):
    """The empty ledger after alice, reading Chinese, uploads every fixture report one by one (accepted, each
    needs-review kind, rejected: empty, encrypted, truncated, a Word file), a non-PDF, a junk PDF and a duplicate;
    (output folder, contract, {upload: the page it answered with})."""
    out = tmp_path_factory.mktemp("zh-uploads") / "out"
    shutil.copytree(empty[0], out)
    app = desk_app(out, empty[1])
    browser = zh(app, "alice")
    answers = {}
    for path in UPLOADS:
        if path.name in ("bad-scanned-image-only.pdf", "y3-zh-long-150-pages.pdf"):  # OCR: test_desk_confirm's run
            continue
        answers[path.name] = post_upload(browser, path.name, path.read_bytes()).text
    answers["copy of the year-1 report"] = post_upload(browser, "copy.pdf", YEAR_1_REPORT.read_bytes()).text
    answers["a Word file"] = post_upload(browser, "report.pdf", b"PK\x03\x04 a Word file").text
    answers["a junk PDF"] = post_upload(browser, "junk.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 400).text
    answers["an empty file"] = post_upload(browser, "nothing.pdf", b"").text
    return out, empty[1], answers


def test_every_upload_outcome_and_its_message_in_chinese(uploaded):
    out, contract, answers = uploaded
    app = desk_app(out, contract)
    pages = {f"after uploading {name}": html for name, html in answers.items()}
    assert all(flash_texts(html) for html in answers.values())
    assert_no_english(pages, data_of(app))


def test_the_inbox_every_report_and_the_years_after_every_outcome_in_chinese(uploaded):
    out, contract, _ = uploaded
    app = desk_app(out, contract)
    browser = zh(app, "alice")
    pages = crawl(browser, FRAME)
    shas = reports_of(pages["/inbox"])
    assert len(shas) >= 15
    pages.update(crawl(browser, [f"/reports/{sha}" for sha in shas]))
    viewer = zh(app, "victor")
    pages.update({f"viewer {path}": html for path, html in crawl(viewer, ["/inbox", *YEARS]).items()})
    pages.update({f"viewer /reports/{sha}": viewer.get(f"/reports/{sha}").text for sha in shas[:3]})
    assert_no_english(pages, data_of(app))


def test_every_problem_the_extractor_names_has_its_chinese():
    """The catalogue's sentences (with sample details) and each code's advice: a desk page shows them."""
    samples = {"reason": "EOF marker not found", "size_mb": "120", "limit_mb": "100", "pages": "2,000",
               "limit": "1,500", "seconds": "120", "opinion": "qualified", "found": "USD", "expected": "RMB",
               "date": "15 January 2027", "end": "30 November 2026", "period": "1 January 2026 to 31 December 2026",
               "days": "365", "field": "accounting firm", "signed": "天健会计师事务所", "summary_page": "2",
               "summary": "天健会计师事务所（特殊普通合伙）", "page": "5", "figure": "702,345,678.90",
               "confidence": "81%", "why": "the second reading found nothing", "first": "2027年1月15日",
               "second": "2027年1月16日", "firm": "天健会计师事务所", "folder": "evidence",
               "auditor": "天健会计师事务所",
               "count": "2", "codes": "U+202E", "detail": None}
    missing = []
    for _, template in CATALOGUE.values():
        if template == "{detail}":
            continue
        text = template.format(**samples)
        if translate(text) is None:
            missing.append(text)
    for text in [*WHAT_TO_DO.values(), *WHAT_TO_DO_BY_SEVERITY.values()]:
        if translate(text) is None:
            missing.append(text)
    assert missing == []
    left = []
    for text in DETAILS:  # the sentences the extractor writes into `{detail}`: in Chinese, but what they quote
        chinese = translate(text) or text
        rest = re.sub(r"“[^”]*”|Zhejiang Ordinary Smile Auto Sales Co\., Ltd\.|（\w+Error）", "", chinese)
        if re.search(r"[A-Za-z]{3,}", rest.replace("OCR", "").replace("PDF", "")):
            left.append(chinese)
    assert left == []


DETAILS = [
    "The report covers 'Zhejiang Kaixin Auto Co., Ltd.', which is not the target company (Zhejiang Ordinary Smile "
    "Auto Sales Co., Ltd. or its aliases).",
    "The period the report covers could not be found in the opinion paragraph or the statement header.",
    "The opinion covers 2026-12-01 to 2027-11-30 but the income statement is for 2027-01-01 to 2027-11-30.",
    "The report covers 2026-01-01 to 2026-12-31, which is not an Assessment Year of the contract (each runs 1 "
    "December to 30 November, SPA 4.1).",
    "The report is signed by 'Kestrel Bay Certified Public Accountants', which is not on the contract's list of "
    "approved accounting firms.",
    "The audit text states revenue of 70,234.57万元 (702,345,700.00 yuan), which disagrees with the income "
    "statement's 702,345,678.90 yuan.",
    "The income statement on page 5 has a revenue line (营业收入 / Revenue), but its current-period figure could not "
    "be read.",
    "Page 5 prints more than one revenue line with different figures (702,345,678.90, 702,000,000.00); which one is "
    "the operating revenue needs a person to decide.",
    "On page 5 the revenue line was found, but the column headers do not say which column is the current period.",
    "No income statement (利润表 / statement of profit or loss) with a revenue line was found.",
    "The income statement on page 4 was found, but no revenue line (营业收入 / Revenue) with a figure could be read "
    "on it. Page(s) 2, 3 have no text layer (images only) and could not be read.",
    "The special audit report was found, but no commitment table (项目 / 承诺数 / 实际数) with a metric row could be "
    "read in it.",
    "The special audit report is on a commitment of 净利润 (table on page 3), not on Operating Revenue (营业收入), "
    "which the contract measures (SPA 4.1); a revenue figure printed elsewhere in it is not what the firm reports on.",
    "The commitment table on page 3 has a 营业收入 row, but its actual figure (实际数) could not be read.",
    "The 营业收入 row of the commitment table on page 3 gives its actual figure (73,125.00) but no committed one "
    "beside it, so which printed column is 实际数 is not proven.",
    "In the commitment table on page 3 the actual figure 73,125.00 less the committed 73,200.00 is not the "
    "difference printed (-70.00).",
    "The actual 营业收入 of the commitment table on page 3 (73,125.00万元) is stated nowhere else in the special "
    "audit report: it cites no figure of the audited financial statements (经审计的营业收入 / 实现营业收入 …) to agree "
    "with it, so it was read once only.",
    "The report prints more than one income statement for the period, and they give different revenue: "
    "612,004,000.00 yuan on page 5 (the one read); 731,250,000.00 yuan on page 6. A person must decide which "
    "statement is the audited one.",
    "The report declares different units for the revenue printed as 731,250: '(Expressed in thousands of "
    "Renminbi)' (statement, page 4) and 'RMB million' (statement, page 4) mean 百万元. It is [hidden] yuan or "
    "[hidden] yuan depending on which is meant.",
    "The income statement's revenue (731,250,000.00 yuan, page 5) is not confirmed anywhere else in the report: "
    "page 2 prints 'Revenue 731.3 702.3' (731,300,000.00 yuan). A person must check which is right.",
    "The income statement's revenue (731,250,000.00 yuan, page 5) is printed nowhere else in the report: no revenue "
    "note, key-figures table or audit text gives the same figure, so it rests on one reading; a person must confirm "
    "it against the page.",
    "The PDF is password-protected; upload a copy of the report without a password.",
    "The PDF is password-protected and the password given does not open it.",
    "The PDF uses an encryption scheme that cannot be opened.",
    "The PDF is damaged and cannot be read reliably: it lacks the end-of-file marker, so it is probably truncated.",
    "The PDF is damaged and cannot be read reliably: a parser failed on it (KeyError).",
    "The revenue figure 731,250,000.00 on page 5 was read by OCR (confidence 0.981) and could not be confirmed by a "
    "second, independent reading (the second reading found nothing); a person must check it against the picture of "
    "the line.",
    "The file is 120 MB, over the limit of 100 MB (the person who runs the desk can raise the limit).",
]


# --- a scan: read by OCR, its progress page, confirmed by hand ------------------------------------------------
@pytest.fixture
def slow_desk(empty, tmp_path, monkeypatch):
    out = _copy(empty, tmp_path)
    SlowToolkit.let_go.clear()
    SlowToolkit.told.clear()
    monkeypatch.setattr(desk_reading, "Toolkit", SlowToolkit)
    app = create_app(DeskSettings(out_dir=out, contract_path=empty[1], upload_wait_seconds=0.2, as_of=AS_OF,
                                  clock=lambda: NOW, monotonic=FakeMonotonic()))
    yield out, app
    SlowToolkit.let_go.set()


def test_a_scan_still_being_read_and_one_waiting_its_turn_in_chinese(slow_desk):
    out, app = slow_desk
    first, second = zh(app, "paula"), zh(app, "alice")
    pages = {}
    for browser, name in ((first, "scan.pdf"), (second, "copy.pdf")):
        token = csrf_of(browser.get("/inbox").text)
        answered = browser.post(f"/inbox/upload?csrf={token}", data={"csrf": token},
                                files={"reports": (name, YEAR_1_REPORT.read_bytes(), "application/pdf")})
        assert answered.status_code == 303 and answered.headers["location"].startswith("/inbox/reading/")
        assert SlowToolkit.told.wait(10)
        pages[f"reading {name}"] = browser.get(answered.headers["location"]).text
    assert "scan.pdf" in pages["reading scan.pdf"]
    SlowToolkit.let_go.set()
    assert_no_english(pages, data_of(app))


def test_a_scanned_report_confirmed_by_hand_in_every_step_in_chinese(tmp_path_factory, tmp_path):
    out, contract, sha = scanned_desk(tmp_path_factory, tmp_path)
    app = confirm_app(out, contract)
    paula, alice, bob = zh(app, "paula"), zh(app, "alice"), zh(app, "bob")
    pages = {"to confirm": paula.get(f"/reports/{sha}").text, "inbox": paula.get("/inbox").text,
             "year 2": paula.get("/years/2").text, "viewer": zh(app, "victor").get(f"/reports/{sha}").text}
    token = csrf_of(pages["to confirm"])
    pages["refused: differs"] = paula.post(f"/reports/{sha}/confirm", data=entries(token, figure="731,250,000.01"),
                                           follow_redirects=True).text
    pages["confirmed"] = paula.post(f"/reports/{sha}/confirm", data=entries(token), follow_redirects=True).text
    pages["own countersignature"] = paula.get(f"/reports/{sha}").text
    token = csrf_of(alice.get(f"/reports/{sha}").text)
    pages["awaiting countersignature"] = alice.get(f"/reports/{sha}").text
    pages["sent back"] = alice.post(f"/reports/{sha}/send-back", data={"csrf": token, "reason": "页码不对"},
                                    follow_redirects=True).text
    token = csrf_of(paula.get(f"/reports/{sha}").text)
    pages["confirmed again"] = paula.post(f"/reports/{sha}/confirm", data=entries(token), follow_redirects=True).text
    token = csrf_of(alice.get(f"/reports/{sha}").text)
    pages["countersigned without a reason"] = alice.post(f"/reports/{sha}/countersign", data={"csrf": token},
                                                         follow_redirects=True).text
    pages["countersigned"] = alice.post(f"/reports/{sha}/countersign",
                                        data={"csrf": token, "reason": "甲方已于2028年1月5日书面认可"},
                                        follow_redirects=True).text
    pages["year 2 confirmed"] = bob.get("/years/2").text
    token = csrf_of(bob.get(f"/reports/{sha}").text)
    pages["withdrawn"] = bob.post(f"/reports/{sha}/withdraw", data={"csrf": token, "reason": "数字有误"},
                                  follow_redirects=True).text
    token = csrf_of(alice.get(f"/reports/{sha}").text)
    for state, typed in (("refused: no such page", entries(token, revenue="99")),
                         ("refused: a page that is not a number", entries(token, auditor="third")),
                         ("refused: a field not typed", entries(token, firm=""))):
        pages[state] = alice.post(f"/reports/{sha}/confirm", data=typed, follow_redirects=True).text
        assert any(text.startswith("未能确认：") for text in flash_texts(pages[state])), state
    pages["confirmed by an approver"] = alice.post(f"/reports/{sha}/confirm", data=entries(token),
                                                   follow_redirects=True).text
    pages["own confirmation: countersigning refused"] = alice.post(f"/reports/{sha}/countersign", data={
        "csrf": token, "reason": "甲方已于2028年1月5日书面认可"}, follow_redirects=True).text
    pages["trail"] = bob.get("/trail").text
    pages["overview"] = bob.get("/overview").text
    assert_no_english(pages, data_of(app, "页码不对", "甲方已于2028年1月5日书面认可", "数字有误"))


# --- a year with open items -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def open_items(tmp_path_factory):
    """The built-in contract (its open items not filled) with the test calendar: year 1 prepared by paula."""
    folder = tmp_path_factory.mktemp("zh-open-items")
    terms = yaml.safe_load((REPO / "compliance" / "contract" / "kaixin-spa-2025.yaml").read_text(encoding="utf-8"))
    terms["calendar"]["schedule_files"] = [str(TEST_CALENDAR)]
    contract = folder / "open.yaml"
    contract.write_text(yaml.safe_dump(terms, allow_unicode=True, sort_keys=False), encoding="utf-8")
    inbox = folder / "inbox"
    inbox.mkdir()
    shutil.copy(YEAR_1_REPORT, inbox)
    out = folder / "out"
    run(RunOptions(inbox=inbox, out_dir=out, as_of=AS_OF, contract_path=contract, prepared_by="paula", workers=1))
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        for name, role in ACCOUNTS:
            add_user(ledger, name=name, role=role, password=PASSWORD, on=AS_OF)
    return out, contract


def test_a_year_with_open_items_in_chinese(open_items, tmp_path):
    app = desk_app(_copy(open_items, tmp_path), open_items[1])
    bob = zh(app, "bob")
    pages = crawl(bob, FRAME + ["/documents/1"])
    assert "待补事项" in pages["/years/1"]
    html = pages["/years/1"]
    for number in re.findall(r'<details class="letter" id="letter-([0-9]+)"', html):
        bob.get(f"/documents/{number}")
    html = bob.get("/years/1").text
    found = re.search(r'name="determination" value="([0-9]+)"', html)
    if found:
        pages["approve with open items"] = bob.post("/years/1/approve", data={
            "csrf": csrf_of(html), "determination": found.group(1), "password": PASSWORD}, follow_redirects=True).text
    pages["prepare again"] = bob.post("/years/1/prepare", data={"csrf": csrf_of(html)}, follow_redirects=True).text
    assert_no_english(pages, data_of(app))


# --- the approval screen: before and after opening the letters, refusals, approved -------------------------------
@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("zh-prepared"), with_report=True, prepared_by="paula")


@pytest.fixture(scope="module")
def prepared_by_alice(tmp_path_factory):
    return make_ledger(tmp_path_factory.mktemp("zh-prepared-alice"), with_report=True, prepared_by="alice")


def _approve(browser: TestClient, html: str, password: str = PASSWORD, determination: str | None = None):
    found = re.search(r'name="determination" value="([0-9]+)"', html)
    return browser.post("/years/1/approve", data={"csrf": csrf_of(html), "password": password,
                                                  "determination": determination or found.group(1)},
                        follow_redirects=True).text


def test_the_approval_screen_in_every_state_in_chinese(prepared, prepared_by_alice, tmp_path):
    app = desk_app(_copy(prepared, tmp_path), prepared[1])
    bob = zh(app, "bob")
    pages = {"before opening": bob.get("/years/1").text}
    pages["approve before opening"] = _approve(bob, pages["before opening"])
    number = re.search(r'<details class="letter" id="letter-([0-9]+)"', pages["before opening"]).group(1)
    pages["a letter's page"] = bob.get(f"/documents/{number}").text
    pages["one letter opened"] = bob.get("/years/1").text
    for number in re.findall(r'<details class="letter" id="letter-([0-9]+)"', pages["before opening"]):
        bob.get(f"/documents/{number}")
    pages["every letter opened"] = bob.get("/years/1").text
    pages["wrong password"] = _approve(bob, pages["every letter opened"], password="not the password")
    pages["stale determination"] = _approve(bob, pages["every letter opened"], determination="999")
    paula = zh(app, "paula")
    pages["the preparer's year page"] = paula.get("/years/1").text
    pages["a preparer may not approve"] = paula.post("/years/1/approve", data={
        "csrf": csrf_of(pages["the preparer's year page"]), "password": PASSWORD}).text
    pages["approved"] = _approve(bob, pages["every letter opened"])
    pages["already approved"] = _approve(bob, pages["every letter opened"])
    pages.update(crawl(bob, ["/overview", "/documents", "/documents/1", "/trail"]))
    pages["nothing new to prepare"] = bob.post("/years/1/prepare", data={"csrf": csrf_of(pages["approved"])},
                                               follow_redirects=True).text
    for _ in range(5):
        _approve(bob, pages["every letter opened"], password="wrong password!")
    pages["too many wrong passwords"] = _approve(bob, pages["every letter opened"])
    own = desk_app(_copy(prepared_by_alice, tmp_path / "alice"), prepared_by_alice[1])
    alice = zh(own, "alice")
    pages["own documents: the year page"] = alice.get("/years/1").text
    form = re.search(r'name="determination" value="([0-9]+)"', zh(own, "bob").get("/years/1").text).group(1)
    pages["four eyes: own approval refused"] = _approve(alice, pages["own documents: the year page"],
                                                        determination=form)
    assert_no_english(pages, data_of(app))


# --- signing and sending: trust roots, each letter state, each refusal --------------------------------------------
def test_signing_and_sending_in_every_state_in_chinese(world, tmp_path):  # noqa: F811 (the fixture)
    draft = desk_app(_copy((world.unapproved,), tmp_path / "draft"), world.contract)
    pages = {"draft: documents": zh(draft, "paula").get("/documents").text,
             "draft: signing page": zh(draft, "paula").get("/documents/1/signing").text}
    out = _copy((world.out,), tmp_path)
    app = desk_app(out, world.contract)
    ada = zh(app, "ada")
    pages["trust roots: none"] = ada.get("/settings/trust-roots").text
    paula = zh(app, "paula")
    document = _instruction_id(out)
    pages["approved, no trust roots"] = paula.get(f"/documents/{document}/signing").text
    pages["refused: no trust roots"] = upload_signed(paula, document, world.party_a).text
    pages["trust roots set"] = ada.post("/settings/trust-roots", data={"csrf": csrf_of(pages["trust roots: none"])},
                                       files={"roots": ("root.pem", world.root_pem.read_bytes(),
                                                        "application/x-pem-file")}, follow_redirects=True).text
    pages["trust roots: a preparer"] = paula.get("/settings/trust-roots").text
    pages["approved, to sign"] = paula.get(f"/documents/{document}/signing").text
    for name in ("tampered", "changed_then_signed", "other_root"):
        pages[f"refused: {name}"] = upload_signed(paula, document, getattr(world, name)).text
    with open_ledger(out / "ledger.sqlite", create=False) as ledger:
        notice = next(d.id for d in ledger.documents(current_only=True) if d.kind == "release-notice")
    pages["refused: another letter"] = upload_signed(paula, notice, world.party_a).text
    pages["signed by A"] = upload_signed(paula, document, world.party_a).text
    pages["year 1 signed by A"] = paula.get("/years/1").text
    token = csrf_of(pages["signed by A"])
    pages["refused: send before signed"] = paula.post(f"/documents/{document}/sent", data={
        "csrf": token, "how": "courier", "on": "2027-01-21"}, follow_redirects=True).text
    pages["signed by A and B"] = upload_signed(paula, document, world.both).text
    pages["refused: nothing new"] = upload_signed(paula, document, world.both).text
    pages["refused: received before sent"] = paula.post(f"/documents/{document}/received", data={
        "csrf": token, "on": "2027-01-22"}, follow_redirects=True).text
    pages["refused: reference too long"] = paula.post(f"/documents/{document}/sent", data={
        "csrf": token, "how": "courier", "on": "2027-01-21", "reference": "x" * 300}, follow_redirects=True).text
    pages["sent"] = paula.post(f"/documents/{document}/sent", data={
        "csrf": token, "how": "courier", "on": "2027-01-21", "reference": "SF 1234 5678"}, follow_redirects=True).text
    pages["refused: sent again"] = paula.post(f"/documents/{document}/sent", data={
        "csrf": token, "how": "email", "on": "2027-01-21"}, follow_redirects=True).text
    pages["documents, sent"] = paula.get("/documents").text
    pages["refused: received before it was sent"] = paula.post(f"/documents/{document}/received", data={
        "csrf": token, "on": "2027-01-20"}, follow_redirects=True).text
    pages["received"] = paula.post(f"/documents/{document}/received", data={"csrf": token, "on": "2027-01-22"},
                                   follow_redirects=True).text
    pages["refused: received again"] = paula.post(f"/documents/{document}/received", data={
        "csrf": token, "on": "2027-01-23"}, follow_redirects=True).text
    pages.update(crawl(paula, ["/overview", "/years/1", "/documents", "/trail"]))
    victor = zh(app, "victor")
    pages["viewer: signing page"] = victor.get(f"/documents/{document}/signing").text
    pages["viewer may not record"] = victor.post(f"/documents/{document}/sent", data={
        "csrf": csrf_of(victor.get("/documents").text), "how": "hand", "on": "2027-01-21"}, follow_redirects=True).text
    assert_no_english(pages, data_of(app, "SF 1234 5678", "Yi Yang", "王小明", "Test Root CA", "Test PKI", "Mallory",
                                      "Nobody's Root CA", "ada"))


# --- particulars: set, awaiting approval, approved, refused ------------------------------------------------------
def test_particulars_in_every_state_in_chinese(prepared, tmp_path):
    app = desk_app(_copy(prepared, tmp_path), prepared[1])
    paula, alice = zh(app, "paula"), zh(app, "alice")
    pages = {"as filed": paula.get("/particulars").text}
    token = csrf_of(pages["as filed"])
    pages["refused: nothing typed"] = paula.post("/particulars/set", data={
        "csrf": token, "key": "parties.party_b.chinese_name", "value": ""}, follow_redirects=True).text
    pages["refused: a choice not offered"] = paula.post("/particulars/set", data={
        "csrf": token, "key": "letters.language", "value": "fr"}, follow_redirects=True).text
    pages["refused: no particular named"] = paula.post("/particulars/set", data={"csrf": token},
                                                       follow_redirects=True).text
    pages["set"] = paula.post("/particulars/set", data={"csrf": token, "key": "parties.party_b.chinese_name",
                                                        "value": "浙江开心汽车销售有限公司"},
                              follow_redirects=True).text
    pages["awaiting approval"] = alice.get("/particulars").text
    pages["own approval refused"] = paula.post("/particulars/approve", data={"csrf": token, "password": PASSWORD},
                                               follow_redirects=True).text
    token = csrf_of(pages["awaiting approval"])
    pages["wrong password"] = alice.post("/particulars/approve", data={"csrf": token, "password": "nope"},
                                         follow_redirects=True).text
    pages["approved"] = alice.post("/particulars/approve", data={"csrf": token, "password": PASSWORD},
                                   follow_redirects=True).text
    pages["nothing awaits approval"] = alice.post("/particulars/approve", data={"csrf": token, "password": PASSWORD},
                                                  follow_redirects=True).text
    pages["viewer"] = zh(app, "victor").get("/particulars").text
    pages["year 1 after"] = alice.get("/years/1").text
    pages["trail"] = alice.get("/trail").text
    assert_no_english(pages, data_of(app, "浙江开心汽车销售有限公司"))


# --- the audit trail: every kind of event --------------------------------------------------------------------------
AT = "2027-01-20T09:30:00+00:00"
EVENTS = [
    ("ledger_settings", 1, {"settings": {"contract_id": "x", "out_dir": "out", "prices_path": "p"}}),
    ("received", None, {"name": "y1.pdf"}),
    ("accepted", 1, {"name": "y1.pdf"}),
    ("needs_review", 1, {"name": "y1.pdf", "problems": ["revenue_crosscheck_mismatch", "unit_not_found"]}),
    ("rejected", None, {"name": "junk.pdf", "problems": ["corrupt"]}),
    ("uploaded", 1, {"by": "paula", "at": AT, "name": "y1.pdf", "status": "needs_review"}),
    ("uploaded", None, {"by": "paula", "at": AT, "name": "junk.pdf", "status": "rejected"}),
    ("signed_in", None, {"by": "paula", "at": AT, "from": "127.0.0.1"}),
    ("sign_in_refused", None, {"name": "paula", "at": AT, "from": "127.0.0.1"}),
    ("conflict", 1, {"reports": ["a", "b"]}),
    ("resolved", 1, {"by": "alice", "reason": "经审计师确认", "at": AT}),
    ("instructed", 1, {"by": "paula", "documents": [{"slot": "year-1/joint-instruction.pdf", "version": 2}]}),
    ("penalty_assessed", 1, {"by": "paula", "documents": [{"slot": "year-1/penalty-statement.pdf"}]}),
    ("cancellation_instructed", 1, {"documents": [{"slot": "year-1/cancellation-instruction.pdf"}]}),
    ("superseded", 1, {"documents": [1, 2]}),
    ("documents_approved", 1, {"approved_by": "bob", "prepared_by": "paula", "at": AT,
                               "documents": [{"slot": "year-1/joint-instruction.pdf"},
                                             {"slot": "year-1/release-notice.pdf"}]}),
    ("document_signed", 1, {"signer": "Yi Yang", "by": "paula", "at": AT, "field": "PartyA_Signature",
                            "signed_file": "year-1/signed/joint-instruction.signed.pdf"}),
    ("particular_set", None, {"by": "paula", "at": AT, "label": "Party B’s registered Chinese name",
                              "value": "浙江开心汽车有限公司"}),
    ("particulars_approved", None, {"by": "alice", "at": AT, "keys": ["parties.party_b.chinese_name"]}),
    ("trust_roots_set", None, {"by": "ada", "at": AT, "roots": [{"subject": "Common Name: Test Root CA"}]}),
    ("letter_sent", 1, {"by": "paula", "at": AT, "kind": "joint-instruction", "how": "courier",
                        "reference": "SF 1"}),
    ("letter_sent", 1, {"by": "paula", "at": AT, "kind": "joint-instruction", "how": "email"}),
    ("letter_sent", 1, {"by": "paula", "at": AT, "kind": "release-notice", "how": "hand"}),
    ("letter_received", 1, {"by": "alice", "at": AT, "kind": "joint-instruction"}),
    ("language_chosen", None, {"by": "alice", "at": AT, "language": "zh"}),
    ("language_chosen", None, {"by": "alice", "at": AT, "language": "en"}),
    ("user_added", None, {"by": "ada", "name": "ada", "role": "admin"}),
    ("user_added", None, {"by": "ada", "name": "paula", "role": "preparer"}),
    ("user_added", None, {"name": "bob", "role": "approver"}),
    ("user_revoked", None, {"by": "ada", "name": "paula"}),
    ("user_revoked", None, {"name": "paula"}),
    ("password_changed", None, {"name": "paula"}),
    ("confirmed_by_hand", 2, {"by": "paula", "name": "scan.pdf", "fields": {"operating_revenue": 1, "auditor": 2}}),
    ("confirmation_countersigned", 2, {"by": "alice", "reason": "甲方已书面认可"}),
    ("confirmation_countersigned", 2, {"by": "alice"}),
    ("confirmation_sent_back", 2, {"by": "alice", "reason": "页码不对"}),
    ("confirmation_withdrawn", 2, {"by": "bob", "reason": "数字有误"}),
    ("documents_received_by_agent", 1, {"by": "alice"}),
    ("documents_received_by_agent", 1, {}),
    ("released", 1, {"shares": 1_000_000, "by": "alice"}),
    ("released", 1, {}),
    ("dispute_opened", 1, {"by": "alice"}),
    ("dispute_settled", 1, {}),
    ("suspension", 1, {"by": "alice"}),
]


def test_every_kind_of_event_the_trail_tells_in_chinese():
    """Each event kind's sentence (operations.audit_trail.sentence), as the Trail and the Overview show it."""
    names = ["Yi Yang", "Test Root CA", "Common Name"]
    missing = []
    for seq, (kind, year, data) in enumerate(EVENTS, start=1):
        event = Event(seq, kind, year, dt.date(2027, 1, 20), data, "0" * 64)
        text = sentence(event)
        chinese = translate(text)
        rest = chinese or ""
        for name in names:
            rest = rest.replace(name, "")
        rest = re.sub(r"[\w./-]+\.pdf|paula|alice|bob|ada|victor|PartyA_Signature|SF 1|127\.0\.0\.1", "", rest)
        if chinese is None or re.search(r"[A-Za-z]{3,}", rest):
            missing.append((kind, text, chinese))
    assert missing == []


# --- the due banner in each of its states --------------------------------------------------------------------
@pytest.mark.parametrize(("as_of", "which"), [
    (dt.date(2026, 12, 10), "on time, weeks ahead"),
    (dt.date(2027, 1, 10), "pending: the sending days ahead"),
    (dt.date(2027, 1, 15), "too late for the courier"),
    (dt.date(2027, 1, 27), "late to send"),
    (dt.date(2027, 1, 29), "due today"),
    (dt.date(2027, 1, 30), "a day overdue"),
    (dt.date(2031, 3, 15), "years overdue, later years due"),
])
def test_the_due_banner_in_each_state_in_chinese(prepared, empty, tmp_path, as_of, which):
    pages = {}
    for name, base in (("prepared", prepared), ("empty", empty)):
        out = _copy(base, tmp_path / name)
        app = create_app(DeskSettings(out_dir=out, as_of=as_of, contract_path=base[1], upload_wait_seconds=None,
                                      clock=lambda: NOW, monotonic=FakeMonotonic()))
        browser = zh(app, "alice")
        pages.update({f"{which}, {name}: {path}": html
                      for path, html in crawl(browser, ["/overview", "/years/1", "/years/2", "/years/5",
                                                        "/documents"]).items()})
        pages[f"{which}, {name}: plan chart"] = browser.get("/charts/plan/2.svg").text
        pages[f"{which}, {name}: penalty chart"] = browser.get("/charts/penalty/1.svg").text
    assert any('class="due' in html for html in pages.values())
    assert_no_english(pages, data_of(app))


def test_the_due_banner_without_the_prc_schedule_in_chinese(empty, tmp_path):
    out = _copy(empty, tmp_path)
    app = create_app(DeskSettings(out_dir=out, as_of=dt.date(2027, 1, 20), upload_wait_seconds=None,
                                  clock=lambda: NOW, monotonic=FakeMonotonic()))  # the built-in contract
    browser = zh(app, "alice")
    pages = crawl(browser, ["/overview", "/inbox", "/years/1", "/years/2", "/particulars"])
    assert "中国法定节假日安排" in pages["/overview"]
    assert_no_english(pages, data_of(app))


def test_the_due_banner_once_the_agent_holds_the_documents_in_chinese(world, tmp_path):  # noqa: F811
    out = _copy((world.out,), tmp_path)
    _trust(out, world.root_pem)
    app = desk_app(out, world.contract)
    paula = zh(app, "paula")
    document = _instruction_id(out)
    upload_signed(paula, document, world.both)
    token = csrf_of(paula.get(f"/documents/{document}/signing").text)
    paula.post(f"/documents/{document}/sent", data={"csrf": token, "how": "email", "on": "2027-01-20"},
               follow_redirects=True)
    paula.post(f"/documents/{document}/received", data={"csrf": token, "on": "2027-01-20"}, follow_redirects=True)
    pages = crawl(paula, ["/overview", "/years/1", "/years/2"])
    assert "托管代理人已于" in pages["/overview"]
    assert_no_english(pages, data_of(app))


# --- a late release with share prices: the penalty accrued, the penalty statement ------------------------------
LATE = dt.date(2027, 3, 15)


@pytest.fixture(scope="module")
def late_with_prices(tmp_path_factory):
    """Year 1 prepared by paula on 15 March 2027, six weeks after its release date, with the sample share prices:
    the penalty accrues and a penalty statement is prepared."""
    folder = tmp_path_factory.mktemp("zh-penalty")
    inbox = folder / "inbox"
    inbox.mkdir()
    shutil.copy(YEAR_1_REPORT, inbox)
    contract = filled_contract(folder / "filled.yaml")
    out = folder / "out"
    run(RunOptions(inbox=inbox, out_dir=out, as_of=LATE, contract_path=contract, prepared_by="paula", workers=1,
                   prices_path=REPO / "fixtures" / "prices" / "kxin-sample.csv"))
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        for name, role in ACCOUNTS:
            add_user(ledger, name=name, role=role, password=PASSWORD, on=LATE)
    return out, contract


def test_a_late_release_its_penalty_and_the_penalty_statement_in_chinese(late_with_prices, tmp_path):
    out = _copy(late_with_prices, tmp_path)
    app = create_app(DeskSettings(out_dir=out, as_of=LATE, contract_path=late_with_prices[1],
                                  upload_wait_seconds=None, clock=lambda: NOW, monotonic=FakeMonotonic()))
    bob = zh(app, "bob")
    pages = crawl(bob, ["/overview", "/years/1", "/years/2", "/documents", "/trail"])
    for number in sorted(set(re.findall(r'href="/documents/([0-9]+)"', pages["/documents"]))):
        pages[f"/documents/{number}"] = bob.get(f"/documents/{number}").text
    pages["penalty chart"] = bob.get("/charts/penalty/1.svg").text
    assert "违约金" in pages["/years/1"]
    assert_no_english(pages, data_of(app))


# --- error pages and refusals ----------------------------------------------------------------------------------
def test_error_pages_in_chinese(prepared, tmp_path, monkeypatch):
    out = _copy(prepared, tmp_path)
    app = desk_app(out, prepared[1], max_upload_mb=1)
    alice, victor, paula = zh(app, "alice"), zh(app, "victor"), zh(app, "paula")
    token = csrf_of(alice.get("/inbox").text)
    pages = {
        "404 a page": alice.get("/no-such-page").text,
        "404 a year": alice.get("/years/9").text,
        "404 a report": alice.get("/reports/" + "0" * 64).text,
        "404 a file": alice.get("/files/documents/999.pdf").text,
        "403 a viewer uploads": victor.post(f"/inbox/upload?csrf={csrf_of(victor.get('/inbox').text)}",
                                            data={"csrf": csrf_of(victor.get("/inbox").text)},
                                            files={"reports": ("a.pdf", b"%PDF-1.7", "application/pdf")}).text,
        "403 a viewer prepares": victor.post("/years/1/prepare",
                                             data={"csrf": csrf_of(victor.get("/inbox").text)}).text,
        "403 a preparer sets trust roots": paula.get("/settings/trust-roots").text,
        "403 no security token": alice.post("/years/1/prepare", data={"csrf": "forged"}).text,
        "400 a language the desk does not speak": alice.post("/language", data={
            "csrf": token, "language": "fr", "next": "/overview"}).text,
        "400 no file chosen": alice.post(f"/inbox/upload?csrf={token}", data={"csrf": token}).text,
        "400 a reason too long": alice.post("/inbox/resolve", data={"csrf": token, "year": "1",
                                                                   "report": "0" * 64, "reason": "x" * 3068}).text,
        "400 no year to resolve": alice.post("/inbox/resolve", data={"csrf": token}).text,
        "400 approve without a determination": alice.post("/years/1/approve", data={
            "csrf": token, "password": PASSWORD}).text,
    }
    # Over the limit by its Content-Length: answered before the app (and its sessions) is reached, in plain text
    # in both languages.
    too_large = alice.post(f"/inbox/upload?csrf={token}", data={"csrf": token}, files={
        "reports": ("big.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024), "application/pdf")})
    assert too_large.status_code == 413 and "上传文件超过1 MB 的限制；请仅上传审计报告。" in too_large.text
    (out / "year-1" / "joint-instruction.pdf").write_bytes(b"%PDF-1.7 forged")
    pages["409 a document changed on disk"] = alice.get("/files/documents/1.pdf").text
    from compliance.desk import requests as desk_requests

    opened = desk_requests.open_to_write
    monkeypatch.setattr(desk_requests, "open_to_write", lambda *a, **k: opened(*a, **{**k, "wait": 0.2}))
    with writer_lock(out / "ledger.sqlite", what="another run"):
        pages["503 busy"] = alice.post("/particulars/set", data={
            "csrf": token, "key": "parties.party_b.chinese_name", "value": "浙江开心汽车销售有限公司"}).text
        assert "其他人正在写入台账" in pages["503 busy"]
    login = client(app)
    choose_login = login.get("/login").text
    login.post("/language", data={"csrf": csrf_of(choose_login), "language": "zh", "next": "/login"})
    pages["sign in page"] = login.get("/login").text
    pages["wrong password"] = login.post("/login", data={"csrf": csrf_of(pages["sign in page"]), "name": "alice",
                                                         "password": "wrong", "next": "/overview"}).text
    for _ in range(6):
        last = login.post("/login", data={"csrf": csrf_of(pages["sign in page"]), "name": "alice",
                                          "password": "wrong", "next": "/overview"})
    pages["too many sign-ins"] = last.text
    assert_no_english(pages, data_of(app))


def test_refusals_and_flash_messages_of_the_inbox_in_chinese(uploaded, tmp_path):
    out, contract, _ = uploaded
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    app = desk_app(copy, contract)
    alice = zh(app, "alice")
    inbox = alice.get("/inbox").text
    pages = {"inbox": inbox}
    found = re.search(r'<form[^>]*action="/inbox/resolve".*?</form>', inbox, re.S)
    if found:
        year = re.search(r'name="year" value="([0-9]+)"', found.group(0)).group(1)
        report = re.search(r'name="report" value="([0-9a-f]{64})"', found.group(0)).group(1)
        token = csrf_of(inbox)
        pages["resolve without a reason"] = alice.post("/inbox/resolve", data={
            "csrf": token, "year": year, "report": report}, follow_redirects=True).text
        pages["resolved"] = alice.post("/inbox/resolve", data={"csrf": token, "year": year, "report": report,
                                                               "reason": "审计师书面确认此版本为定稿"},
                                       follow_redirects=True).text
        pages[f"year {year} resolved"] = alice.get(f"/years/{year}").text
        pages["prepared"] = alice.post(f"/years/{year}/prepare", data={"csrf": token}, follow_redirects=True).text
        pages["trail"] = alice.get("/trail").text
        pages["trail by alice"] = alice.get("/trail?by=alice&year=1").text
        pages["trail, nobody"] = alice.get("/trail?by=nobody").text
    assert_no_english(pages, data_of(app, "审计师书面确认此版本为定稿"))

