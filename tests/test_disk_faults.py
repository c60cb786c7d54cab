"""Disk faults, lost finals and links (issue 28, points 6, 8 and 9).

6. A full disk, a read-only file system or a folder we may not write, at any step of `run` and `approve`: one
   plain sentence naming the path, the cause and what to do; no temporary file and no staging folder left; the
   next run (or approval), once the disk has room, ends as an uninterrupted one would.
8. Finals lost from disk, and `approve` asked again with a contract file edited under the same id: refused,
   naming the finals that are missing and why they cannot be put back.
9. Recovery (a recorded document whose file is missing) obeys issuing's rules: no link is followed, nothing is
   written outside the output folder.

The disk faults are injected in this process (`FaultyDisk`: the calls our code writes files with fail for paths
under one folder, as the operating system fails them), so the tests need no privileges; SQLite's own writes are
left alone (tests/test_ledger.py covers a full disk inside the ledger). One test also fills a real, tiny file
system (tmpfs in a private mount namespace, where `unshare` allows it) for a brand-new ledger.
"""

from __future__ import annotations

import builtins
import datetime as dt
import errno
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers.cli import REPO, invoke
from helpers.fakes import FakeToolkit, end_state, run_fake, write_report

from compliance.contract import load_contract
from compliance.ledger import open_ledger, writer_lock
from compliance.operations.accounts import add_user
from compliance.operations.approval import ApprovalError, approve_year
from compliance.operations.run import RunError

AS_OF = "2031-03-31"
AT = dt.datetime(2031, 4, 1, 9, 30, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"
CAUSES = {errno.ENOSPC: "is full", errno.EROFS: "read-only", errno.EACCES: "permission denied"}


class FaultyDisk:
    """Writes under `root` fail with `code` from the (after+1)-th on, and keep failing (a full disk stays full).

    A write is: opening a file to write, os.open to create or write, mkdir of a new folder, link, rename and
    replace onto a name. Like the operating system, a full disk fails a file's `write` (no file name in the
    error), and a read-only or forbidden folder fails the open (with the name); mkdir, link and rename name
    their paths."""

    def __init__(self, monkeypatch, root: Path, code: int = errno.ENOSPC, after: int = 0, *,
                 spare: str | None = None) -> None:
        self.root, self.code, self.after, self.writes = os.path.realpath(root), code, after, 0
        self.spare = spare  # a file name ending never failed (the writer lock, taken before the step under test)
        self.failed: list[str] = []
        real_open, real_os_open = builtins.open, os.open
        real_mkdir, real_link, real_replace, real_rename = os.mkdir, os.link, os.replace, os.rename

        def opened(file, mode="r", *args, **kwargs):
            if isinstance(file, int) or not set(mode) & set("wax+") or not self._fails(file):
                return real_open(file, mode, *args, **kwargs)
            if self.code != errno.ENOSPC:
                raise self._error(file)
            return _FullFile(real_open(file, mode, *args, **kwargs), self._error())

        def os_open(path, flags, mode=0o777, *, dir_fd=None):
            writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            if writing and self._fails(_where(path, dir_fd)):
                raise self._error(path)
            return real_os_open(path, flags, mode, dir_fd=dir_fd)

        def mkdir(path, mode=0o777, *, dir_fd=None):
            where = _where(path, dir_fd)
            if not os.path.lexists(where) and self._fails(where):
                raise self._error(path)
            return real_mkdir(path, mode, dir_fd=dir_fd)

        def two_names(real):
            def call(src, dst, *args, **kwargs):
                if self._fails(_where(dst, kwargs.get("dst_dir_fd"))):
                    raise self._error(src, None, dst)
                return real(src, dst, *args, **kwargs)
            return call

        monkeypatch.setattr(builtins, "open", opened)
        monkeypatch.setattr(io, "open", opened)
        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(os, "mkdir", mkdir)
        monkeypatch.setattr(os, "link", two_names(real_link))
        monkeypatch.setattr(os, "replace", two_names(real_replace))
        monkeypatch.setattr(os, "rename", two_names(real_rename))

    def _fails(self, path) -> bool:
        where = os.path.abspath(os.fspath(path))
        if where != self.root and not where.startswith(self.root + os.sep):
            return False
        if self.spare is not None and where.endswith(self.spare):
            return False
        self.writes += 1
        if self.writes <= self.after:
            return False
        self.failed.append(where)
        return True

    def _error(self, *names) -> OSError:
        return OSError(self.code, os.strerror(self.code), *[os.fspath(n) if n is not None else None for n in names])


class _FullFile:
    """A file opened on a full disk: opening worked, writing does not."""

    def __init__(self, handle, error: OSError) -> None:
        self._handle, self._error = handle, error

    def write(self, data):
        raise self._error

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()


def _where(path, dir_fd) -> str:
    path = os.fspath(path)
    if dir_fd is None or os.path.isabs(path):
        return os.path.abspath(path)
    return os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)


def _leftovers(out: Path) -> list[str]:
    """Temporary files and staging folders: none may outlive a failure."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if ".tmp-" in p.name or p.name == ".staging")


def _one_sentence(message: str, out: Path, cause: str) -> None:
    assert "\n" not in message.strip() and "unexpected" not in message and "Errno" not in message, message
    assert str(out) in message and cause in message, message
    assert "try again" in message or "run again" in message or "approve again" in message, message


def _inbox(folder: Path) -> Path:
    for year in (1, 2):
        write_report(folder, f"year{year}.pdf", year)
    return folder


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run on the two-year inbox, and how many writes under DIR it makes."""
    base = tmp_path_factory.mktemp("reference")
    inbox, out = _inbox(base / "inbox"), base / "out"
    patch = pytest.MonkeyPatch()
    try:
        disk = FaultyDisk(patch, out, after=10**6)
        run_fake(inbox, out, AS_OF)
    finally:
        patch.undo()
    return inbox, end_state(out), disk.writes


# --- 6. `run` on a full disk ------------------------------------------------------------------------------------
def test_a_disk_filling_up_at_any_write_of_a_run_is_one_sentence_and_the_rerun_ends_as_an_uninterrupted_one(
        reference, tmp_path, monkeypatch):
    inbox, expected, writes = reference
    assert writes > 20
    for after in range(writes):
        out = tmp_path / f"full-after-{after}"
        with monkeypatch.context() as patch:
            FaultyDisk(patch, out, after=after)
            with pytest.raises(RunError) as caught:
                run_fake(inbox, out, AS_OF)
        _one_sentence(str(caught.value), out, "is full")
        assert _leftovers(out) == [], after
        run_fake(inbox, out, AS_OF)  # space freed
        assert end_state(out) == expected, after


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_a_read_only_or_forbidden_output_folder_is_one_sentence(reference, tmp_path, monkeypatch, code):
    inbox = shutil.copytree(reference[0], tmp_path / "inbox")
    out = tmp_path / "out"
    run_fake(inbox, out, AS_OF)
    write_report(inbox, "year3.pdf", 3)
    with monkeypatch.context() as patch:
        FaultyDisk(patch, out, code=code)
        with pytest.raises(RunError) as caught:
            run_fake(inbox, out, AS_OF)
    _one_sentence(str(caught.value), out, CAUSES[code])
    assert _leftovers(out) == []


def test_a_year_folder_we_may_not_write_stops_the_run_in_one_sentence_and_the_rerun_puts_it_right(
        reference, tmp_path, monkeypatch):
    inbox, expected, _ = reference
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        FaultyDisk(patch, out / "year-2", code=errno.EACCES)
        with pytest.raises(RunError) as caught:
            run_fake(inbox, out, AS_OF)
    _one_sentence(str(caught.value), out / "year-2", "permission denied")
    assert _leftovers(out) == []
    run_fake(inbox, out, AS_OF)
    assert end_state(out) == expected


def test_the_command_line_says_a_full_disk_in_one_line_with_exit_2(reference, tmp_path, monkeypatch):
    import compliance.operations.run

    inbox, _, writes = reference
    out = tmp_path / "out"
    monkeypatch.setattr(compliance.operations.run, "Toolkit", FakeToolkit)
    with monkeypatch.context() as patch:
        FaultyDisk(patch, out, after=writes // 2)
        done = invoke("run", str(inbox), "--out", str(out), "--as-of", AS_OF)
    assert done.returncode == 2 and done.stderr.startswith("error: "), done.stderr
    _one_sentence(done.stderr, out, "is full")
    assert _leftovers(out) == []


# --- 6. `approve` on a full disk, a read-only folder --------------------------------------------------------------
def _prepared(tmp_path: Path, inbox: Path) -> Path:
    out = tmp_path / "out"
    run_fake(inbox, out, AS_OF, prepared_by="paula")
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        for name, role in (("paula", "preparer"), ("alice", "approver"), ("ada", "admin")):
            add_user(ledger, name=name, role=role, password=PASSWORD, on=AT.date())
    return out


def _approve(out: Path, year: int = 1, contract=None, toolkit=None):
    with writer_lock(out / "ledger.sqlite", what="test"), open_ledger(out / "ledger.sqlite") as ledger:
        return approve_year(ledger, contract or load_contract(), year=year, by="alice", at=AT,
                            toolkit=toolkit or FakeToolkit())


def _finals(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("approved/*") if p.is_file())


def test_approving_on_a_disk_filling_up_at_any_write_is_one_sentence_and_leaves_nothing_behind(
        reference, tmp_path, monkeypatch):
    inbox, _, _ = reference
    out = _prepared(tmp_path, inbox)
    saved = tmp_path / "saved"
    shutil.copytree(out, saved)
    with monkeypatch.context() as patch:
        count = FaultyDisk(patch, out, after=10**6, spare=".lock")
        _approve(out)
    expected, writes = _finals(out), count.writes
    # year 1's joint instruction, release notice, stock power, transfer agent letter and assessment report
    assert len(expected) == 10 and writes >= 10
    for after in range(writes):
        shutil.rmtree(out)
        shutil.copytree(saved, out)
        with monkeypatch.context() as patch:
            FaultyDisk(patch, out, after=after, spare=".lock")
            with pytest.raises(ApprovalError) as caught:
                _approve(out)
        _one_sentence(str(caught.value), out, "is full")
        assert _leftovers(out) == [], after
        try:  # space freed: approved once, whatever the moment of the fault
            _approve(out)
        except ApprovalError as exc:
            assert "already approved by alice" in str(exc), after
        assert _finals(out) == expected, after


def test_a_successful_approval_leaves_no_staging_folder(reference, tmp_path):
    inbox, _, _ = reference
    out = _prepared(tmp_path, inbox)
    _approve(out)
    assert _leftovers(out) == [] and len(_finals(out)) == 10


def test_the_approve_command_on_a_read_only_folder_is_one_line(reference, tmp_path, monkeypatch):
    import compliance.operations.approval

    inbox, _, _ = reference
    out = _prepared(tmp_path, inbox)
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n")
    monkeypatch.setattr(compliance.operations.approval, "Toolkit", FakeToolkit)
    for code in (errno.EROFS, errno.ENOSPC):
        with monkeypatch.context() as patch:
            FaultyDisk(patch, out, code=code)
            done = invoke("approve", "--year", "1", "--by", "alice", "--password-file", str(secret),
                          "--db", str(out / "ledger.sqlite"))
        assert done.returncode == 2 and done.stderr.startswith("error: "), done.stderr
        _one_sentence(done.stderr, out, CAUSES[code])
        assert _leftovers(out) == [] and _finals(out) == []


# --- 8. lost finals and an edited contract ---------------------------------------------------------------------
class ContractWordsToolkit(FakeToolkit):
    """The fake renderer, printing one of the contract's words in each letter as the real one does; the document
    ID stays derived from the figures (the real renderer's IDs come from the contract id, not its text)."""

    def render_year(self, contract, determined, *, as_of, out_dir, report, released=None, awaiting_approval=False,
                    versions=None, earlier_reports=None):
        rendered = super().render_year(contract, determined, as_of=as_of, out_dir=out_dir, report=report,
                                       released=released, awaiting_approval=awaiting_approval,
                                       versions=versions, earlier_reports=earlier_reports)
        for doc in rendered:
            for path in (doc.pdf_path, doc.docx_path):
                path.write_bytes(path.read_bytes() + f"{contract.parties.party_c.address}\n".encode())
        return [type(doc)(doc.kind, doc.slot, doc.pdf_path, doc.docx_path, _sha(doc.pdf_path), _sha(doc.docx_path),
                          doc.document_id) for doc in rendered]


def _sha(path: Path) -> str:
    from compliance.values.digest import sha256_file

    return sha256_file(path)


def test_lost_finals_and_an_edited_contract_with_the_same_id_are_refused_naming_the_missing_finals(
        reference, tmp_path, monkeypatch):
    import compliance.operations.approval

    inbox, _, _ = reference
    out = tmp_path / "out"
    run_fake(inbox, out, AS_OF, prepared_by="paula", toolkit=ContractWordsToolkit())
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n")
    db = str(out / "ledger.sqlite")
    with writer_lock(db, what="test"), open_ledger(db) as ledger:
        add_user(ledger, name="alice", role="approver", password=PASSWORD, on=AT.date())
    monkeypatch.setattr(compliance.operations.approval, "Toolkit", ContractWordsToolkit)
    approved = invoke("approve", "--year", "1", "--by", "alice", "--password-file", str(secret), "--db", db)
    assert approved.returncode == 0, approved.stderr
    finals = _finals(out)
    for final in finals:
        (out / final).unlink()
    terms = yaml.safe_load((REPO / "compliance" / "contract" / "kaixin-spa-2025.yaml").read_text(encoding="utf-8"))
    terms["parties"]["party_c"]["address"] = "Somewhere else entirely"
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(terms, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = invoke("approve", "--year", "1", "--by", "alice", "--password-file", str(secret), "--db", db,
                  "--contract", str(edited))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "unexpected" not in done.stderr
    assert "missing" in done.stderr and "contract" in done.stderr
    for final in finals:
        assert final in done.stderr
    assert _finals(out) == [] and _leftovers(out) == []
    again = invoke("approve", "--year", "1", "--by", "alice", "--password-file", str(secret), "--db", db)
    assert again.returncode == 0 and _finals(out) == finals  # with the contract they were approved with


# --- 9. recovery obeys issuing's link rules ----------------------------------------------------------------------
def test_recovery_does_not_follow_a_linked_year_folder_out_of_the_output_folder(reference, tmp_path):
    inbox, _, _ = reference
    out = tmp_path / "out"
    run_fake(inbox, out, AS_OF)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(out / "year-1", tmp_path / "year-1-moved")
    (out / "year-1").symlink_to(elsewhere, target_is_directory=True)
    result, _ = run_fake(inbox, out, AS_OF)
    assert list(elsewhere.iterdir()) == []  # nothing written through the link
    assert any(f"{out / 'year-1'}" in note and "link" in note for note in result.notes), result.notes
    assert not any(path.startswith("year-1/") for path in result.written)


def test_recovery_does_not_write_through_a_link_at_a_documents_name(reference, tmp_path):
    inbox, _, _ = reference
    out = tmp_path / "out"
    run_fake(inbox, out, AS_OF)
    target = out / "year-2" / "release-notice.pdf"
    target.unlink()
    target.symlink_to(tmp_path / "nowhere.pdf")
    result, _ = run_fake(inbox, out, AS_OF)
    assert not (tmp_path / "nowhere.pdf").exists() and target.is_symlink()
    assert any(str(target) in note and "link" in note for note in result.notes), result.notes


def test_an_approval_is_not_written_through_a_linked_approved_folder_nor_recorded(reference, tmp_path):
    inbox, _, _ = reference
    out = _prepared(tmp_path, inbox)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "year-1" / "approved").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ApprovalError, match=r"approved is a file or a link where the documents' folder must be; "
                                            r"move it away and approve again"):
        _approve(out)
    assert list(elsewhere.iterdir()) == [] and _leftovers(out) == []
    with open_ledger(out / "ledger.sqlite") as ledger:
        assert ledger.approvals() == []


# --- 6. a brand-new ledger on a real, nearly full disk ---------------------------------------------------------------
def _unshare(folder: Path) -> list[str] | None:
    """A private mount namespace where a tmpfs may be mounted on `folder` (as root, or in a user namespace)."""
    if shutil.which("unshare") is None:
        return None
    for command in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        probe = subprocess.run([*command, "mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", str(folder)],
                               capture_output=True)
        if probe.returncode == 0:
            return command
    return None


def test_a_new_ledger_on_a_nearly_full_real_disk_is_said_to_be_full_never_not_a_ledger(tmp_path):
    disk, inbox = tmp_path / "disk", tmp_path / "inbox"
    disk.mkdir()
    inbox.mkdir()
    command = _unshare(disk)
    if command is None:
        pytest.skip("no private mount namespace to mount a tiny tmpfs in")
    script = "; ".join(
        f"mount -t tmpfs -o size={pages * 4}k tmpfs {disk} && "
        f"{sys.executable} -m compliance run {inbox} --out {disk}/out --as-of {AS_OF} 2>&1 >/dev/null; "
        f"echo \"exit $?\"; ls -A {disk}/out 2>/dev/null | tr '\\n' ' '; echo; umount {disk}"
        for pages in (1, 2, 3, 5, 8, 13, 21, 30))
    done = subprocess.run([*command, "sh", "-c", script], capture_output=True, text=True, cwd=REPO, timeout=300)
    lines = done.stdout.splitlines()
    assert len(lines) == 24, done.stdout + done.stderr
    assert "exit 2" in lines[1::3], done.stdout  # the smallest disks are too small for a ledger
    for said, code, left in zip(lines[0::3], lines[1::3], lines[2::3], strict=True):
        if code == "exit 0":
            continue
        assert code == "exit 2" and said.startswith("error: "), said
        assert "not a compliance ledger" not in said and "unexpected" not in said, said
        assert "full" in said and str(disk) in said, said
        assert ".tmp-" not in left and ".staging" not in left, left
