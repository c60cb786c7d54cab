"""A small PDF that inflates to hundreds of megabytes: its worker is stopped at the memory cap (an rlimit),
the file is rejected as `too_large_in_memory`, and the rest of the batch is read as usual."""

from __future__ import annotations

import zlib

from helpers.cli import REPO

from compliance.extract import extract_batch
from compliance.extract.model import Limits


def _inflating_pdf(path, megabytes: int) -> None:
    """One page whose content stream is `megabytes` MB of spaces, deflated to well under a megabyte."""
    squeeze = zlib.compressobj(9)
    block = b" " * (1 << 20)
    data = b"".join([*(squeeze.compress(block) for _ in range(megabytes)), squeeze.flush()])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def test_an_inflating_pdf_is_stopped_at_the_memory_cap_and_the_batch_goes_on(tmp_path, contract):
    bomb = tmp_path / "inflates.pdf"
    _inflating_pdf(bomb, 1200)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    good = REPO / "fixtures" / "audit-reports" / "y1-zh-yuan-two-columns.pdf"
    limits = Limits(max_memory_bytes=768 * 1024 * 1024)
    inflating, normal = extract_batch([bomb, good], contract, limits=limits, workers=2)
    assert [p.code for p in inflating.problems] == ["too_large_in_memory"]
    assert "768 MB" in inflating.problems[0].message and inflating.status == "rejected"
    assert normal.status == "accepted"
