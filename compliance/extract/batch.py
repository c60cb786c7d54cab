"""Many files over a small pool of worker processes (PDFium is not thread-safe), results in input order.

Each worker (a forked process) reads one file at a time. A file that runs past the
per-file time limit has its worker killed and is rejected as `timeout`; a worker that dies on a file (a
crash inside a PDF library) gets the file rejected as `corrupt`; either way a fresh worker takes over and
the batch goes on. Largest files go first so that a long report does not start last.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from compliance.contract import Contract
from compliance.extract.model import Extraction, Limits
from compliance.extract.ocr_pages import READING_PROGRESS
from compliance.extract.pdfio import sha256_of
from compliance.extract.pipeline import extract_file, rejected_extraction
from compliance.extract.problems import problem

PageProgress = Callable[[str, str, int, int], None]
_PROGRESS = "progress"  # a worker's message while it reads: (_PROGRESS, stage, done, total)


def extract_batch(paths: Sequence[str | os.PathLike[str]], contract: Contract, *, password: str | None = None,
                  evidence_dir: str | os.PathLike[str] | None = None, limits: Limits | None = None,
                  workers: int = 2, per_file_timeout: float | None = 120,
                  progress: Callable[[int, int], None] | None = None,
                  page_progress: PageProgress | None = None) -> list[Extraction]:
    """Extract every file; results in input order. workers=0 reads in this process (no time limit).
    `progress(done, total)` after each file; `page_progress(file, stage, done, total)` while a scan is OCR'd
    (ocr_pages.READING_PROGRESS)."""
    labels = [os.fspath(path) for path in paths]
    settings = (contract, password, os.fspath(evidence_dir) if evidence_dir is not None else None,
                limits or Limits())
    if workers <= 0 or not labels:
        results = []
        for done, label in enumerate(labels, start=1):
            told = READING_PROGRESS.set(partial(page_progress, label) if page_progress else None)
            try:
                results.append(extract_file(label, contract, password=settings[1], evidence_dir=settings[2],
                                            limits=settings[3]))
            finally:
                READING_PROGRESS.reset(told)
            if progress:
                progress(done, len(labels))
        return results
    return _Pool(labels, settings, min(workers, len(labels)), per_file_timeout, progress, page_progress).run()


@dataclass
class _Worker:
    process: object  # multiprocessing.Process
    conn: object  # our end of its Pipe
    task: tuple[int, str] | None = None
    deadline: float = float("inf")


def _limit_memory(limits: Limits) -> None:
    """The worker's address space is capped: past it, allocation fails (PDFium then aborts the worker). The
    cap is on what reading a file may add to the worker as forked (a parent that has OCR'd holds its models,
    and a forked worker starts with the parent's address space)."""
    try:
        import resource

        try:
            with open("/proc/self/statm", encoding="ascii") as statm:
                start = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            start = 0
        cap = start + limits.max_memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass


def _die_with_parent(parent: int | None, inherited: list[int]) -> None:
    """A worker must not outlive the run: the kernel kills it when its parent dies (Linux), and it closes the
    pipe ends it inherited (its own pipe's other end and the other workers'), so that a parent's death is an
    end of file here rather than a wait on a pipe that some sibling keeps open."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    for fd in inherited:
        try:
            os.close(fd)
        except OSError:
            pass
    if parent is not None and os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)  # (a worker of a fork server has the server as parent; the server dies with the run)


def _serve(conn, settings: tuple, parent: int | None, inherited: list[int], ocr_threads: int) -> None:
    """A worker: one file at a time until told to stop. Forked from the parent, it first takes its own
    stdout and stderr (a lock the parent's threads held at the fork must never be waited for here)."""
    import logging

    from compliance.extract import ocr

    ocr.set_threads(ocr_threads)  # the pool's workers share the cores: never more threads than cores
    _die_with_parent(parent, inherited)
    _limit_memory(settings[3])
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    sys.stdout = sys.stderr = devnull
    # C libraries (pdfium aborting at the memory cap, onnxruntime) write to the descriptors themselves: a
    # worker's notes never reach the user's terminal, where only the run's own lines belong.
    for fd in (1, 2):
        try:
            os.dup2(devnull.fileno(), fd)
        except OSError:
            pass
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    contract, password, evidence_dir, limits = settings
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            return
        index, label = task

        def tell(stage: str, done: int, total: int) -> None:
            try:
                conn.send((_PROGRESS, stage, done, total))
            except (OSError, ValueError):
                pass

        READING_PROGRESS.set(tell)
        result = extract_file(label, contract, password=password, evidence_dir=evidence_dir, limits=limits)
        try:
            conn.send((index, result))
        except (OSError, KeyboardInterrupt):
            return


@dataclass
class _Pool:
    labels: list[str]
    settings: tuple
    size: int
    per_file_timeout: float | None
    progress: Callable[[int, int], None] | None
    page_progress: PageProgress | None = None
    results: list[Extraction | None] = field(init=False)
    done: int = 0

    def __post_init__(self) -> None:
        import multiprocessing

        # fork: a worker starts in milliseconds with everything already imported, and never re-imports
        # the parent's __main__. (OCR in this process runs on one thread, so there is no thread pool for a
        # fork to copy mid-flight: see ocr.py.)
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.context = multiprocessing.get_context(method)
        self.results = [None] * len(self.labels)
        self.pending = deque(sorted(enumerate(self.labels), key=lambda item: -_size(item[1])))
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
        return [result for result in self.results if result is not None]

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        # A forked worker holds copies of every pipe end open in the parent; a spawned one holds none.
        inherited = [ours.fileno(), *(w.conn.fileno() for w in self.workers if not w.conn.closed)] \
            if self.context.get_start_method() == "fork" else []
        threads = max(1, (os.cpu_count() or 1) // self.size)
        forked = self.context.get_start_method() == "fork"
        process = self.context.Process(target=_serve, daemon=True, args=(
            theirs, self.settings, os.getpid() if forked else None, inherited, threads))
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _dispatch(self) -> None:
        for worker in self.workers:
            if worker.task is None and self.pending:
                index, label = self.pending.popleft()
                try:
                    worker.conn.send((index, label))
                except OSError:  # died before its first file: the file is read here instead
                    self._finish(index, extract_file(label, self.settings[0], password=self.settings[1],
                                                     evidence_dir=self.settings[2], limits=self.settings[3]))
                    continue
                worker.task = (index, label)
                worker.deadline = (time.monotonic() + self.per_file_timeout) if self.per_file_timeout \
                    else float("inf")

    def _collect(self) -> None:
        from multiprocessing.connection import wait

        busy = [worker for worker in self.workers if worker.task is not None]
        if not busy:
            return
        until = min(worker.deadline for worker in busy) - time.monotonic()
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                     timeout=None if until == float("inf") else max(0.0, until))
        now = time.monotonic()
        for worker in busy:
            index, label = worker.task
            if worker.conn in ready or worker.process.sentinel in ready:
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError, ValueError):
                    self._finish(index, rejected_extraction(label, _sha256(label), self._death(worker)))
                    self._replace(worker)
                    continue
                if message[0] == _PROGRESS:  # still reading: the file's result comes later
                    if self.page_progress:
                        self.page_progress(label, *message[1:])
                    continue
                got_index, result = message
                worker.task = None
                self._finish(got_index, result)
            elif now >= worker.deadline:
                self._finish(index, rejected_extraction(label, _sha256(label), problem(
                    "timeout", seconds=f"{self.per_file_timeout:g}")))
                self._replace(worker)

    def _death(self, worker: _Worker):
        """Why a worker died on a file: PDFium aborts when an allocation fails, which under the memory cap is a
        file too large in memory; any other death is a crash inside a PDF library."""
        import signal

        worker.process.join(2)
        if worker.process.exitcode in (-signal.SIGABRT, -signal.SIGKILL):
            return problem("too_large_in_memory", limit_mb=self.settings[3].max_memory_bytes // (1024 * 1024))
        return problem("corrupt", reason="the PDF reader crashed on it")

    def _finish(self, index: int, result: Extraction) -> None:
        self.results[index] = result
        self.done += 1
        if self.progress:
            self.progress(self.done, len(self.labels))

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker, kill=True)
        position = self.workers.index(worker)
        if self.pending:
            self.workers[position] = self._start()
        else:
            del self.workers[position]

    @staticmethod
    def _stop(worker: _Worker, kill: bool = False) -> None:
        process = worker.process
        if not kill:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
            process.join(5)
        if process.is_alive():
            process.kill()
            process.join(5)
        worker.conn.close()


def _sha256(label: str) -> str | None:
    return sha256_of(Path(label))


def _size(label: str) -> int:
    try:
        return os.path.getsize(label)
    except OSError:
        return 0
