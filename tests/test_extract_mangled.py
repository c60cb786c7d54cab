"""Bad bytes never give a traceback: many randomly corrupted copies of the fixtures (seeded, so a failure
can be replayed) each come back with a status and, unless accepted, a named problem and a sentence."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from compliance.contract import load_contract
from compliance.extract import extract_batch, extract_file
from compliance.extract.model import SEVERITIES, FileStatus
from compliance.extract.problems import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["y1-zh-yuan-two-columns.pdf", "y2-en-rmb-thousands.pdf", "y4-zh-table-fullwidth.pdf",
           "y5-en-expressed-in-rmb.pdf", "review-qualified-opinion.pdf", "review-usd-currency.pdf",
           "bad-encrypted.pdf"]
COPIES_PER_SOURCE = 10
SEED = 20270115


def _mangle(data: bytes, rng: random.Random) -> bytes:
    """One of several kinds of damage; most keep the %PDF- header and %%EOF marker so the parsers, not
    the cheap checks, meet the damage."""
    buffer = bytearray(data)
    kind = rng.randrange(6)
    if kind == 0:  # scattered flipped bytes
        for _ in range(rng.randint(1, 200)):
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
    elif kind == 1:  # a block of noise over the middle
        start = rng.randrange(16, len(buffer) - 16)
        length = rng.randint(1, min(4096, len(buffer) - start))
        buffer[start:start + length] = bytes(rng.randrange(256) for _ in range(length))
    elif kind == 2:  # cut short, end marker glued back on
        buffer = buffer[: rng.randrange(16, len(buffer))] + b"\n%%EOF\n"
    elif kind == 3:  # a chunk deleted (offsets in the xref now point at the wrong bytes)
        start = rng.randrange(16, len(buffer) - 16)
        del buffer[start:start + rng.randint(1, 2048)]
    elif kind == 4:  # a chunk duplicated
        start = rng.randrange(16, len(buffer) - 16)
        buffer[start:start] = buffer[start:start + rng.randint(1, 2048)]
    else:  # digits and delimiters changed: lengths, offsets and operators go wrong
        for _ in range(rng.randint(1, 60)):
            index = rng.randrange(len(buffer))
            if chr(buffer[index]) in "0123456789<>[]()/":
                buffer[index] = ord(rng.choice("0123456789<>[]()/ "))
    return bytes(buffer)


@pytest.fixture(scope="module")
def mangled(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("mangled")
    rng = random.Random(SEED)
    paths = []
    for name in SOURCES:
        source = ROOT / "fixtures" / "audit-reports" / name
        if not source.exists():
            continue
        data = source.read_bytes()
        for copy in range(COPIES_PER_SOURCE):
            path = folder / f"{source.stem}-{copy:02d}.pdf"
            path.write_bytes(_mangle(data, rng))
            paths.append(path)
    if not paths:
        pytest.skip("fixtures not committed yet")
    return paths


def _assert_answer(result) -> None:
    assert result.status in set(FileStatus)
    encoded = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert encoded["status"] == result.status
    if result.status != "accepted":
        assert any(p.severity in ("reject", "review") for p in result.problems)
    for found in result.problems:
        assert found.code in CATALOGUE and found.severity in SEVERITIES
        assert found.message.strip() and "Traceback" not in found.message and "\n" not in found.message


def test_mangled_copies_each_get_a_status_and_a_message_in_a_batch(mangled: list[Path]) -> None:
    contract = load_contract()
    results = extract_batch(mangled, contract, workers=2, per_file_timeout=60)
    assert [r.file for r in results] == [str(path) for path in mangled]
    for result in results:
        _assert_answer(result)
    assert any(r.status == "rejected" for r in results)


def test_mangled_copies_in_process_never_raise(mangled: list[Path]) -> None:
    contract = load_contract()
    for path in mangled[::7]:  # a sample, in this process: extract_file itself must not raise
        _assert_answer(extract_file(path, contract))
