"""A batch worker process: `python -m compliance.extract.worker`, run by batch.py.

It reads pickled frames on stdin (first the settings, then one file at a time) and writes one pickled
Extraction frame per file on stdout. A separate interpreter, so it depends neither on how the parent was
started (its __main__ is never re-imported) nor on threads the parent runs (a progress bar).
"""

from __future__ import annotations

import pickle
import struct
import sys
from typing import BinaryIO

_HEADER = struct.Struct("!I")


def write_frame(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: BinaryIO) -> object:
    """The next frame; EOFError when the other side has gone."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - frames come from our own parent process


def main() -> None:
    import logging

    from .pipeline import extract_file

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged files make pdfminer chatty

    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by a library may corrupt the result frames
    try:
        contract, password, evidence_dir, limits = read_frame(source)
        while True:
            task = read_frame(source)
            if task is None:
                return
            index, path = task
            result = extract_file(path, contract, password=password, evidence_dir=evidence_dir, limits=limits)
            write_frame(sink, (index, result))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return


if __name__ == "__main__":
    main()
