"""Many files over a small pool of worker processes (PDFium is not thread-safe), in input order.

Each worker reads one file at a time. A file that runs past the per-file time limit has its worker killed
and is rejected as `timeout`; a worker that dies on a file (a crash inside a PDF library) gets the file
rejected as `corrupt`; either way a fresh worker takes over and the batch goes on.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import connection

from ..contract import Contract
from .model import Extraction, Limits
from .pdfio import sha256_of
from .pipeline import extract_file, rejected_extraction
from .problems import problem

_PRELOAD = ["compliance.extract.pipeline", "compliance.extract.evidence", "pdfplumber", "pypdfium2", "PIL.Image"]


def _worker_main(conn, contract: Contract, password: str | None, evidence_dir: str | None, limits: Limits) -> None:
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, path = task
        result = extract_file(path, contract, password=password, evidence_dir=evidence_dir, limits=limits)
        conn.send((index, result))


@dataclass
class _Slot:
    process: object
    conn: object
    task: tuple[int, str] | None = None
    deadline: float = 0.0


def extract_batch(paths: Sequence[str | os.PathLike[str]], contract: Contract, *, password: str | None = None,
                  evidence_dir: str | os.PathLike[str] | None = None, limits: Limits | None = None,
                  workers: int = 2, per_file_timeout: float | None = 120,
                  progress: Callable[[int, int], None] | None = None) -> list[Extraction]:
    """Extract every file; results in input order. workers=0 runs in this process (no time limit)."""
    labels = [os.fspath(path) for path in paths]
    limits = limits or Limits()
    folder = os.fspath(evidence_dir) if evidence_dir is not None else None
    total = len(labels)
    if workers <= 0:
        results = []
        for done, label in enumerate(labels, start=1):
            results.append(extract_file(label, contract, password=password, evidence_dir=folder, limits=limits))
            if progress:
                progress(done, total)
        return results
    return _run_pool(labels, contract, password, folder, limits, min(workers, total), per_file_timeout, progress)


def _run_pool(labels: list[str], contract: Contract, password: str | None, folder: str | None, limits: Limits,
              workers: int, per_file_timeout: float | None, progress: Callable[[int, int], None] | None
              ) -> list[Extraction]:
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    total = len(labels)
    results: list[Extraction | None] = [None] * total
    # Largest files first, so that a long report does not start last and hold up the batch.
    pending = deque(sorted(enumerate(labels), key=lambda item: -_size(item[1])))
    slots: list[_Slot] = []
    done = 0

    def start() -> _Slot:
        parent, child = context.Pipe()
        process = context.Process(target=_worker_main, args=(child, contract, password, folder, limits), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def finish(index: int, result: Extraction) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if progress:
            progress(done, total)

    def replace(slot: _Slot) -> None:
        slot.process.kill()
        slot.process.join(5)
        slot.conn.close()
        slots[slots.index(slot)] = start() if pending else _Slot(None, None)

    try:
        slots = [start() for _ in range(workers)]
        while done < total:
            for slot in slots:
                if slot.process is not None and slot.task is None and pending:
                    slot.task = pending.popleft()
                    slot.deadline = time.monotonic() + per_file_timeout if per_file_timeout else float("inf")
                    slot.conn.send(slot.task)
            busy = [slot for slot in slots if slot.task is not None]
            wait_for = min(slot.deadline for slot in busy) - time.monotonic()
            ready = connection.wait([s.conn for s in busy] + [s.process.sentinel for s in busy],
                                    timeout=max(0.0, wait_for) if wait_for != float("inf") else None)
            now = time.monotonic()
            for slot in busy:
                index, label = slot.task
                if slot.conn in ready or slot.conn.poll():
                    try:
                        got_index, result = slot.conn.recv()
                    except (EOFError, OSError):
                        finish(index, _crashed(label))
                        slot.task = None
                        replace(slot)
                        continue
                    finish(got_index, result)
                    slot.task = None
                elif slot.process.sentinel in ready or not slot.process.is_alive():
                    finish(index, _crashed(label))
                    slot.task = None
                    replace(slot)
                elif now >= slot.deadline:
                    finish(index, rejected_extraction(label, sha256_of_label(label),
                                                      problem("timeout", seconds=f"{per_file_timeout:g}")))
                    slot.task = None
                    replace(slot)
    finally:
        for slot in slots:
            if slot.process is None:
                continue
            try:
                slot.conn.send(None)
            except (OSError, ValueError):
                pass
        for slot in slots:
            if slot.process is None:
                continue
            slot.process.join(2)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(2)
            slot.conn.close()
    return [result for result in results if result is not None]


def _crashed(label: str) -> Extraction:
    return rejected_extraction(label, sha256_of_label(label),
                               problem("corrupt", reason="the PDF reader crashed on it"))


def sha256_of_label(label: str) -> str | None:
    from pathlib import Path

    return sha256_of(Path(label))


def _size(label: str) -> int:
    try:
        return os.path.getsize(label)
    except OSError:
        return 0
