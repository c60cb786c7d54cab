"""The evidence picture's path is stored relative to the output folder, also when the run was given a relative
--out (as `make demo` does): the letters embed the picture and the desk shows it from that path."""

from __future__ import annotations

from pathlib import Path

from compliance.operations.inbox import FileOutcome, _as_stored


def test_a_relative_out_folder_stores_the_picture_relative_to_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    item = FileOutcome("report.pdf", "ab" * 32, 10, None)
    for written in ("output/evidence/x.png", str(tmp_path / "output" / "evidence" / "x.png")):
        stored = _as_stored({"status": "accepted", "evidence": {"page": 6, "png_path": written}}, item, Path("output"))
        assert stored["evidence"]["png_path"] == "evidence/x.png", written
