"""Issue 31, "Done when": the whole Year-1 cycle in the review desk, in a real browser (Debian's chromium through
Playwright), as the people a new team has. From `compliance init` (an empty ledger) and the accounts its
administrator adds, as the README says a new team starts, everything else is done in the desk:

- ada, the administrator, sets the trust roots (the parties' certification authority, a test root);
- paula, the preparer, fills in every particular on the Particulars page (Chinese names, addresses, signatories,
  Party C's delivery, the escrow position, the legend, the approved accounting firms, the letters' language, the
  PRC holiday schedule of 2027); alice, the approver, approves them with her password;
- paula uploads the Year-1 audit report (synthetic, helpers/reports.py, dated 4 January 2027), sees its figure,
  and prepares Year 1; alice opens each letter and approves it with her password;
- paula downloads the approved FINAL of the joint instruction; Party A and Party B sign it with their own
  software (here pyHanko with test certificates, helpers/certificates); paula uploads the signed copies, records
  the sending (courier, date, waybill); alice records the escrow agent's receipt; the letter reads received and
  the agent's EA 3.2 date shows.

On every page: what a user checks (figures, dates, the letter's state words), no command or flag in the HTML
(tests/test_desk_no_shell_words.py), no console error. A full-page screenshot of each step goes to the folder
$CYCLE_SHOTS names (e.g. /tmp/cycle-shots), else to the test's tmp folder."""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from helpers.browser import browser_page, require_chromium, serve_app
from helpers.certificates import PASSPHRASE, make_test_pki
from helpers.cli import invoke
from helpers.contracts import TEST_CALENDAR
from helpers.desk import FakeMonotonic
from helpers.document_text import pdf_text, squash
from helpers.reports import FIRM_CN, ChineseReport, write_chinese
from test_desk_no_shell_words import shell_words

from compliance.desk import DeskSettings, create_app

PASSWORD = "correct horse battery"
AS_OF = dt.date(2027, 1, 5)  # Year 1 ended 30 November 2026; its release is due 29 January 2027
RECEIPT_DAY = dt.date(2027, 1, 8)  # the desk opened again the day the escrow agent has the instruction
# 4 January 2027: before the as-of date (the committed fixture y1-zh-yuan-two-columns.pdf is dated 15 January 2027,
# and a report dated after the as-of date prepares nothing)
REPORT_DATE = "二〇二七年一月四日"
REVENUE = "702,345,678.90"
FIRM = FIRM_CN  # the firm that signs the synthetic report, approved on the Particulars page
SENT_ON, RECEIVED_ON = "2027-01-05", "2027-01-08"
AGENT_DEADLINE = "22 January 2027"  # ten PRC business days after 8 January 2027 (no holiday between)
LETTERS = ("Joint instruction", "Release notice", "Stock power", "Transfer agent letter", "Assessment report")
SCHEDULE_2027 = yaml.safe_load(TEST_CALENDAR.read_text(encoding="utf-8"))[0]
SLOW_MS = 120_000  # reading a report or rendering letters inside a request, on a loaded CI machine

# Every particular the desk asks for, as the legal team fills it in: (key, value); a signatory is (name, title).
PARTICULARS = (
    ("parties.party_a.chinese_name", "开心控股"),
    ("parties.party_a.signatories", ("Yi Yang", "Chief Financial Officer")),
    ("parties.party_b.chinese_name", "浙江开心汽车有限公司"),
    ("parties.party_b.address", "8 Example Avenue, Wenzhou, Zhejiang, China"),
    ("parties.party_b.signatories", ("Wang Fang", "Legal Representative")),
    ("parties.party_c.chinese_name", "赖方乐"),
    ("parties.party_c.address", "Room 1, 1 Example Road, Wenzhou"),
    ("parties.party_c.delivery.method", "book_entry"),
    ("parties.party_c.delivery.identification", "E12345678"),
    ("parties.party_d.address", "Road Town, Tortola, British Virgin Islands"),
    ("parties.party_d.email.value", "escrow.notices@autoa2a.example"),
    ("escrow_position.form.value", "drs"),
    ("escrow_position.identifier.value", "DRS-KXIN-000118"),
    ("shares.transfer_agent_address.value", "1 Example Plaza, Example City, United States"),
    ("shares.restrictive_legend", "retained"),
    ("target_company.chinese_name", "浙江平凡微笑汽车销售有限公司"),
    ("approved_auditors", FIRM),
    ("language", "bilingual"),
    ("prevailing_language", "en"),
    ("parties.party_b.chinese_address", "中国浙江省温州市示例大道8号"),
    ("parties.party_a.chinese_address", "开曼群岛大开曼岛示例大厦211室"),
    ("parties.party_c.chinese_address", "中国浙江省温州市示例路1号1室"),
    # The PRC holiday schedule of 2027 (a test calendar), its form's fields by name: without it the desk never
    # guesses the latest day to send the instruction nor the escrow agent's EA 3.2 date.
    ("calendar.schedules", {"year": "2027", "source": SCHEDULE_2027["source"],
                            "holidays": "\n".join(str(day) for day in SCHEDULE_2027["holidays"]),
                            "working_days": "\n".join(str(day) for day in SCHEDULE_2027["working_days"])}),
)


class Cycle:
    """The browser, the screenshots (numbered in order) and the checks every page gets."""

    def __init__(self, bp, shots: Path):
        self.bp, self.page, self.shots, self.count = bp, bp.page, shots, 0

    def shot(self, name: str) -> None:
        """Check the page as a user would (no command or flag in its HTML), then a numbered full-page PNG."""
        found = shell_words(self.page.content())
        assert not found, f"{self.page.url} tells a person to type a command: {found}"
        self.count += 1
        self.bp.screenshots_dir = self.shots
        self.bp.shot(f"{self.count:02d}-{name}")

    def main(self) -> str:
        return self.page.locator("main").inner_text()

    def submit(self, locator) -> None:
        with self.page.expect_navigation(timeout=SLOW_MS):
            locator.click()

    def sign_in(self, name: str, base: str = "") -> None:
        page = self.page
        page.goto(f"{base}/overview")
        page.get_by_label("User name").fill(name)
        page.get_by_label("Password").fill(PASSWORD)
        self.submit(page.get_by_role("button", name="Sign in"))
        assert f"Signed in as {name}" in self.main()

    def sign_out(self) -> None:
        self.submit(self.page.get_by_role("button", name="Sign out"))
        assert self.page.url.endswith("/login")


def _start_the_deal(out: Path, folder: Path) -> None:
    """What the README says a new team does before the desk: `compliance init`, then its administrator adds the
    preparer and the approver (the passwords from files, as a script gives them)."""
    secret = folder / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    done = invoke("init", "--out", str(out), "--admin", "ada", "--password-file", str(secret))
    assert done.returncode == 0, done.stderr
    for name, role in (("paula", "preparer"), ("alice", "approver")):
        done = invoke("users", "add", name, "--role", role, "--by", "ada", "--by-password-file", str(secret),
                      "--password-file", str(secret), "--db", str(out / "ledger.sqlite"))
        assert done.returncode == 0, done.stderr


def _sign(source: Path, target: Path, p12: Path, field: str) -> Path:
    """A party signs its field with its own software (pyHanko, a test certificate), outside the desk."""
    from compliance.documents.pades import SignRequest
    from compliance.documents.signing_keys import Pkcs12Key
    from compliance.operations.signing import sign_document

    # In a thread of its own: pyHanko runs its own event loop, and Playwright's is running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(sign_document, source, Pkcs12Key(p12, PASSPHRASE), SignRequest(field=field), out=target).result()
    return target


def _fill(cycle: Cycle, key: str, value) -> None:
    page = cycle.page
    row = page.locator(f"tr[id='{key}']")
    if isinstance(value, dict):  # a year's holiday schedule: its form's fields by name
        for name, text in value.items():
            row.locator(f"[name={name}]").fill(text)
    elif isinstance(value, tuple):
        row.get_by_label("Name").fill(value[0])
        row.get_by_label("Title").fill(value[1])
    elif row.locator("select").count():
        row.locator("select").select_option(value)
    else:
        row.locator("input[name=value], textarea[name=value]").fill(value)
    cycle.submit(row.get_by_role("button", name="Set"))
    assert "recorded by paula" in page.locator("p.flash.ok").inner_text(), key


def _desk(out: Path, day: dt.date):
    """The desk `compliance serve --out DEAL --as-of DAY` opens, its clock at 09:30 UTC that day."""
    now = dt.datetime.combine(day, dt.time(9, 30), tzinfo=dt.UTC)
    return create_app(DeskSettings(out_dir=out, as_of=day, upload_wait_seconds=None, clock=lambda: now,
                                   monotonic=FakeMonotonic()))


def _state(page) -> str:
    """The letter's state words, as its badge says them."""
    return page.locator("[data-letter-state]").first.inner_text()


def test_the_year_1_cycle_from_an_empty_ledger_to_the_received_letter(tmp_path):
    require_chromium()  # skipped without Debian's chromium (failed on CI), before anything is set up
    out, work = tmp_path / "deal", tmp_path / "work"
    work.mkdir()
    _start_the_deal(out, work)
    report = write_chinese(work / "year-1-audit-report.pdf", ChineseReport(report_date=REPORT_DATE))
    pki = make_test_pki(work / "pki")
    shots = Path(os.environ.get("CYCLE_SHOTS") or tmp_path / "cycle-shots")
    with serve_app(_desk(out, AS_OF)) as url, browser_page(base_url=url) as bp:
        cycle = Cycle(bp, shots)
        page = cycle.page
        page.set_default_timeout(SLOW_MS)
        due = page.locator("[data-field=due]")

        # ada, the administrator, sets the trust roots: the parties' certification authority.
        page.goto("/overview")
        assert page.url.endswith("/login?next=/overview")
        cycle.shot("sign-in")
        cycle.sign_in("ada")
        assert page.url.endswith("/settings/trust-roots")  # an administrator's page, not a refusal
        assert page.get_by_role("navigation").inner_text().split() == ["Trust", "roots"]  # no page she may not open
        assert "No trust roots are set yet" in cycle.main()
        page.get_by_label("Root certificates").set_input_files(str(pki.root_pem))
        cycle.submit(page.get_by_role("button", name="Set the trust roots"))
        assert "1 trust root set by ada on 5 January 2027" in cycle.main()
        assert "Common Name: Test Root CA" in cycle.main()
        cycle.shot("trust-roots-set")
        cycle.sign_out()

        # paula, the preparer: the empty ledger, then every particular.
        cycle.sign_in("paula")
        assert due.inner_text().startswith("Year 1: release due 29 January 2027 (24 days left)")
        assert "cannot be computed until the 2027 PRC holiday schedule is given" in due.inner_text()
        assert "no audit report received" in cycle.main()
        cycle.shot("overview-empty")
        page.goto("/particulars")
        assert page.locator(".badge.warning", has_text="open item").count() >= 15
        cycle.shot("particulars-empty")
        for key, value in PARTICULARS:
            _fill(cycle, key, value)
        assert f"Awaiting approval ({len(PARTICULARS)})" in cycle.main()
        assert page.get_by_label("Your password, to approve them").count() == 0  # a preparer cannot approve
        cycle.shot("particulars-set")
        cycle.sign_out()

        # alice, the approver, approves them with her password.
        cycle.sign_in("alice")
        page.goto("/particulars")
        page.get_by_label("Your password, to approve them").fill(PASSWORD)
        cycle.submit(page.get_by_role("button", name="Approve them"))
        assert "Approved by alice" in page.locator("p.flash.ok").inner_text()
        for key, _ in PARTICULARS:
            assert "approved by alice" in page.locator(f"tr[id='{key}']").inner_text(), key
        assert page.locator(".badge.warning", has_text="open item").count() == 0
        assert "not needed: the shares reach Party C by book entry" in \
            page.locator("tr[id='parties.party_c.delivery.broker']").inner_text()
        assert page.locator("select[id='v-language']").input_value() == "bilingual"  # the value in force
        # the 2027 schedule now gives the latest days to send the joint instruction
        assert "send the instruction by courier by 14 January or by e-mail by 15 January" in due.inner_text()
        cycle.shot("particulars-approved")
        cycle.sign_out()

        # paula uploads the Year-1 audit report, reads its figure, prepares the year.
        cycle.sign_in("paula")
        page.goto("/inbox")
        page.locator("#reports").set_input_files(str(report))
        cycle.submit(page.get_by_role("button", name="Upload and read"))
        assert "year-1-audit-report.pdf: accepted (year 1)" in cycle.main()
        assert "approved-auditor" not in cycle.main()  # the firm is on the list approved on the Particulars page
        cycle.shot("inbox-accepted")
        cycle.submit(page.get_by_role("link", name="year-1-audit-report.pdf"))
        assert page.locator("[data-field=revenue]").inner_text() == f"RMB {REVENUE}"
        assert "2027-01-04" in cycle.main() and FIRM in cycle.main()
        cycle.shot("report")
        page.goto("/years/1")
        cycle.submit(page.get_by_role("button", name="Prepare the documents"))
        main = cycle.main()
        assert "Prepared" in main and "for year 1 as paula" in main and "awaiting approval" in main
        assert "inputs changed" not in main and "Open items" not in main
        assert page.locator("[data-field=actual]").inner_text() == f"RMB {REVENUE}"
        assert page.locator("[data-field=release]").inner_text() == "3,000,000"
        assert page.get_by_role("button", name="Approve the documents").count() == 0  # not the preparer's
        assert "awaiting an approver" in due.inner_text()
        cycle.shot("year-prepared")
        cycle.sign_out()

        # alice opens each letter, then approves with her password.
        cycle.sign_in("alice")
        page.goto("/years/1")
        letters = page.locator("details.letter")
        assert [letters.nth(i).locator("summary strong, summary b").first.inner_text()
                for i in range(letters.count())] == list(LETTERS)
        for index in range(letters.count()):
            letter = letters.nth(index)
            letter.locator("summary").click()
            first = letter.locator("img").first
            first.scroll_into_view_if_needed()
            assert first.evaluate("img => img.decode().then(() => img.naturalWidth > 100)")
        cycle.shot("year-letters-opened")
        page.reload()
        assert page.locator("[data-opened=yes]").count() == len(LETTERS)
        page.get_by_label("Your password, to approve as alice").fill(PASSWORD)
        cycle.submit(page.get_by_role("button", name="Approve the documents"))
        assert "Year 1 approved by alice (prepared by paula)" in cycle.main()
        cycle.shot("year-approved")
        cycle.sign_out()

        # paula downloads the FINAL for signature; each party signs it with its own certificate.
        cycle.sign_in("paula")
        page.goto("/documents")
        row = page.locator("tr", has=page.get_by_role("link", name="joint instruction")).first
        assert row.locator("[data-letter-state]").inner_text() == "approved"
        cycle.shot("documents-approved")
        cycle.submit(row.get_by_role("link", name="sign"))
        assert _state(page) == "approved"
        cycle.shot("sign-and-send")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the approved FINAL for signature").click()
        assert download.value.suggested_filename == "year-1-joint-instruction-FINAL-v1.pdf"
        final = work / download.value.suggested_filename
        download.value.save_as(final)
        party_a = _sign(final, work / "signed-a.pdf", pki.party_a_p12, "PartyA_Signature")
        both = _sign(party_a, work / "signed-ab.pdf", pki.party_b_p12, "PartyB_Signature")

        page.get_by_label("The signed PDF").set_input_files(str(party_a))
        cycle.submit(page.get_by_role("button", name="Check and record the signed copy"))
        assert "Recorded the signed copy (PartyA_Signature by Yi Yang), uploaded by paula" in cycle.main()
        assert _state(page) == "signed by Party A"
        assert page.get_by_role("button", name="Record as sent").count() == 0  # not before both have signed
        cycle.shot("signed-by-party-a")
        page.get_by_label("The signed PDF").set_input_files(str(both))
        cycle.submit(page.get_by_role("button", name="Check and record the signed copy"))
        assert "PartyB_Signature by 王小明" in cycle.main()
        assert _state(page) == "signed by Party A and Party B"
        cycle.shot("signed-by-both")

        page.get_by_label("By courier").check()
        page.get_by_label("On", exact=True).fill(SENT_ON)
        page.get_by_label("Reference").fill("SF 1234 5678")
        cycle.submit(page.get_by_role("button", name="Record as sent"))
        assert "Recorded as sent by courier on 5 January 2027, by paula." in cycle.main()
        assert "Sent by courier on 5 January 2027 (reference SF 1234 5678)" in cycle.main()
        assert _state(page) == "sent"
        cycle.shot("sent")
        cycle.sign_out()

        # Three days later the desk is opened again; alice records the escrow agent's receipt, which starts its
        # ten PRC business days (EA 3.2).
        with serve_app(_desk(out, RECEIPT_DAY)) as later:
            cycle.sign_in("alice", base=later)
            assert "(21 days left)" in due.inner_text()
            page.goto(f"{later}/documents")
            row = page.locator("tr", has=page.get_by_role("link", name="joint instruction")).first
            assert row.locator("[data-letter-state]").inner_text() == "sent"
            cycle.submit(row.get_by_role("link", name="record receipt"))
            page.get_by_label("Received by the escrow agent on").fill(RECEIVED_ON)
            cycle.submit(page.get_by_role("button", name="Record as received"))
            assert "Recorded as received on 8 January 2027, by alice." in cycle.main()
            assert "Received on 8 January 2027; recorded by alice" in cycle.main()
            assert _state(page) == "received"
            assert f"must transfer the shares by {AGENT_DEADLINE}" in \
                page.locator("[data-field=agent-deadline]").inner_text()
            assert f"its ten business days end on {AGENT_DEADLINE}" in due.inner_text()
            cycle.shot("received")
            page.goto(f"{later}/years/1")
            assert _state(page) == "received"
            cycle.shot("year-received")
            page.goto(f"{later}/trail?year=1")
            trail = cycle.main()
            for done in ("paula uploaded year-1-audit-report.pdf, read as year 1's report (accepted)",
                         "paula prepared year 1's documents: joint instruction, release notice",
                         "alice approved year 1's documents (prepared by paula): joint instruction, release notice",
                         "Yi Yang signed year-1/signed/joint-instruction.signed.pdf",
                         "paula recorded the joint instruction of year 1 as sent by courier (reference SF 1234 5678)",
                         "The escrow agent received year 1's documents (recorded by alice)"):
                assert done in trail, done
            cycle.shot("trail")
        assert bp.console_errors == []

    text = squash(pdf_text(final))
    assert "DRAFT" not in text and "3,000,000" in text
    for filled in ("Wang Fang", "浙江开心汽车有限公司", "DRS-KXIN-000118", "escrow.notices@autoa2a.example"):
        assert filled in text, filled
