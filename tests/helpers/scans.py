"""The scanned fixtures of fixtures/make_scans.py, made once per test session, and OCR done once per page image.

- ScanMaker: scans made when first asked for, once per session for both xdist workers (a lock per scan), in a
  folder named after the hash of what makes them (make_scans.py's source and the source fixture's bytes).
- remembered_ocr(): a context in which RapidOCR reads each distinct page image once per session. The same scan is
  read by several tests (under the built-in contract and under one approving its firm, with a second reading
  patched): the pipeline around OCR runs in full every time, only the engine's answer for the very same pixels
  is reused. The engine is deterministic (one thread, the same models), so the answer is the one it would give
  again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers.cli import REPO
from helpers.scripts import load_script
from helpers.shared import built_once, session_root

MAKE_SCANS = REPO / "fixtures" / "make_scans.py"
make_scans = load_script(MAKE_SCANS)


def scan_spec(name: str):
    return next(spec for spec in make_scans.SCANS if spec.name == name)


class ScanMaker:
    """scan(name) -> the path of the scanned fixture `name`, made by make_scans.make once per session."""

    def __init__(self, tmp_path_factory) -> None:
        self.tmp_path_factory = tmp_path_factory

    def __call__(self, name: str) -> Path:
        spec = scan_spec(name)
        digest = hashlib.sha256(MAKE_SCANS.read_bytes())
        digest.update((make_scans.SOURCES / spec.source).read_bytes())
        key = f"scans/{Path(name).stem}-{digest.hexdigest()[:16]}"
        return built_once(self.tmp_path_factory, key, lambda folder: make_scans.make(spec, folder)) / name


def _key(kind: str, image, *options) -> str:
    digest = hashlib.sha256(repr((kind, image.shape, str(image.dtype), options)).encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


class _Memo:
    """Answers by key, in this process and in files of the session folder (written whole: rename)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.known: dict[str, object] = {}
        folder.mkdir(parents=True, exist_ok=True)

    def get(self, key: str, compute):
        if key in self.known:
            return self.known[key]
        path = self.folder / f"{key}.pickle"
        if path.exists():
            value = pickle.loads(path.read_bytes())
        else:
            value = compute()
            partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")  # bands: threads
            partial.write_bytes(pickle.dumps(value))
            os.replace(partial, path)
        self.known[key] = value
        return value


@contextmanager
def remembered_ocr(tmp_path_factory) -> Iterator[None]:
    """Within the block, ocr.recognise and ocr.recognise_line answer each distinct image once per session."""
    from compliance.extract import ocr

    memo = _Memo(session_root(tmp_path_factory) / "shared" / "ocr-answers")
    recognise, recognise_line = ocr.recognise, ocr.recognise_line

    def remembered_recognise(image, points_per_pixel: float, *, kind: str = "page", offset_top: float = 0.0):
        key = _key(kind, image, points_per_pixel, offset_top)
        words = memo.get(key, lambda: recognise(image, points_per_pixel, kind=kind, offset_top=offset_top))
        return list(words)

    def remembered_line(image):
        return memo.get(_key("line", image), lambda: recognise_line(image))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocr, "recognise", remembered_recognise)
        patch.setattr(ocr, "recognise_line", remembered_line)
        yield
