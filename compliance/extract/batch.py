"""Many files over a small pool of worker processes (PDFium is not thread-safe), results in input order.

Each worker (`python -m compliance.extract.worker`) reads one file at a time. A file that runs past the
per-file time limit has its worker killed and is rejected as `timeout`; a worker that dies on a file (a
crash inside a PDF library) gets the file rejected as `corrupt`; either way a fresh worker takes over and
the batch goes on. Largest files go first so that a long report does not start last.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..contract import Contract
from .model import Extraction, Limits
from .pdfio import sha256_of
from .pipeline import extract_file, rejected_extraction
from .problems import problem
from .worker import read_frame, write_frame


def extract_batch(paths: Sequence[str | os.PathLike[str]], contract: Contract, *, password: str | None = None,
                  evidence_dir: str | os.PathLike[str] | None = None, limits: Limits | None = None,
                  workers: int = 2, per_file_timeout: float | None = 120,
                  progress: Callable[[int, int], None] | None = None) -> list[Extraction]:
    """Extract every file; results in input order. workers=0 reads in this process (no time limit)."""
    labels = [os.fspath(path) for path in paths]
    settings = (contract, password, os.fspath(evidence_dir) if evidence_dir is not None else None,
                limits or Limits())
    if workers <= 0 or not labels:
        results = []
        for done, label in enumerate(labels, start=1):
            results.append(extract_file(label, contract, password=settings[1], evidence_dir=settings[2],
                                        limits=settings[3]))
            if progress:
                progress(done, len(labels))
        return results
    return _Pool(labels, settings, min(workers, len(labels)), per_file_timeout, progress).run()


@dataclass
class _Worker:
    process: subprocess.Popen
    task: tuple[int, str] | None = None
    deadline: float = float("inf")
    served: int = 0

    @property
    def output(self):
        return self.process.stdout


@dataclass
class _Pool:
    labels: list[str]
    settings: tuple
    size: int
    per_file_timeout: float | None
    progress: Callable[[int, int], None] | None
    results: list[Extraction | None] = field(init=False)
    done: int = 0

    def __post_init__(self) -> None:
        self.results = [None] * len(self.labels)
        self.pending = deque(sorted(enumerate(self.labels), key=lambda item: -_size(item[1])))
        self.selector = selectors.DefaultSelector()
        self.workers: list[_Worker] = []

    def run(self) -> list[Extraction]:
        try:
            for _ in range(self.size):
                self.workers.append(self._start())
            while self.done < len(self.labels):
                self._dispatch()
                self._collect()
        finally:
            for worker in self.workers:
                self._stop(worker)
            self.selector.close()
        return [result for result in self.results if result is not None]

    def _start(self) -> _Worker:
        process = subprocess.Popen([sys.executable, "-m", "compliance.extract.worker"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        worker = _Worker(process)
        try:
            write_frame(process.stdin, self.settings)
        except OSError:
            pass  # found dead at the first task, which then runs in this process
        self.selector.register(process.stdout, selectors.EVENT_READ, worker)
        return worker

    def _dispatch(self) -> None:
        for worker in list(self.workers):
            while worker.task is None and self.pending:
                index, label = self.pending.popleft()
                try:
                    write_frame(worker.process.stdin, (index, label))
                except OSError:  # the worker could not start: read this file here instead
                    self._finish(index, extract_file(label, self.settings[0], password=self.settings[1],
                                                     evidence_dir=self.settings[2], limits=self.settings[3]))
                    continue
                worker.task = (index, label)
                worker.deadline = time.monotonic() + self.per_file_timeout if self.per_file_timeout \
                    else float("inf")

    def _collect(self) -> None:
        busy = [worker for worker in self.workers if worker.task is not None]
        if not busy:
            return
        wait = min(worker.deadline for worker in busy) - time.monotonic()
        events = self.selector.select(timeout=None if wait == float("inf") else max(0.0, wait))
        for key, _ in events:
            worker: _Worker = key.data
            if worker.task is None:  # an idle worker only becomes readable when it has died
                self._replace(worker)
                continue
            index, label = worker.task
            try:
                got_index, result = read_frame(worker.output)
            except (EOFError, OSError, ValueError):
                self._finish(index, rejected_extraction(label, _sha256(label), problem(
                    "corrupt", reason="the PDF reader crashed on it")))
                self._replace(worker)
                continue
            worker.task, worker.served = None, worker.served + 1
            self._finish(got_index, result)
        now = time.monotonic()
        for worker in busy:
            if worker.task is not None and now >= worker.deadline:
                index, label = worker.task
                self._finish(index, rejected_extraction(label, _sha256(label), problem(
                    "timeout", seconds=f"{self.per_file_timeout:g}")))
                self._replace(worker)

    def _finish(self, index: int, result: Extraction) -> None:
        self.results[index] = result
        self.done += 1
        if self.progress:
            self.progress(self.done, len(self.labels))

    def _replace(self, worker: _Worker) -> None:
        worker.task = None
        self._stop(worker, kill=True)
        self.workers.remove(worker)
        if self.pending:
            self.workers.append(self._start())

    def _stop(self, worker: _Worker, kill: bool = False) -> None:
        process = worker.process
        try:
            self.selector.unregister(process.stdout)
        except (KeyError, ValueError):
            pass
        if not kill:
            try:
                write_frame(process.stdin, None)
            except OSError:
                pass
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            process.wait(timeout=0 if kill else 5)
        except subprocess.TimeoutExpired:
            pass
        if process.poll() is None:
            process.kill()
            process.wait()


def _sha256(label: str) -> str | None:
    return sha256_of(Path(label))


def _size(label: str) -> int:
    try:
        return os.path.getsize(label)
    except OSError:
        return 0
