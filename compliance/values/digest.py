"""sha256, the one hash of the project: file identities, ledger rows and events, document identifiers."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_hex(data: bytes | str) -> str:
    """Hex sha256 of bytes, or of a text's UTF-8 bytes."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in blocks (raises OSError when it cannot be read)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def short_id(text: str) -> str:
    """'XXXX-XXXX-XXXX' from the upper-case hex sha256 of `text`: a document identifier people can read out."""
    digest = sha256_hex(text).upper()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:12]}"
