"""One line, first in `make test`, naming what the suite runs on, so a CI log says which versions passed or failed.

The Python packages come from the lock (requirements/dev.lock); the rest are Debian's (the Makefile's `fonts`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version

PACKAGES = ("weasyprint", "pyHanko", "cryptography", "pypdfium2", "playwright")
PROGRAMS = {  # name: (command, pattern of the version in what it prints)
    "Chromium": (["chromium", "--version"], r"(\d+(?:\.\d+)+)"),
    "LibreOffice": (["soffice", "--version"], r"(\d+(?:\.\d+)+)"),
    "poppler": (["pdfsig", "-v"], r"(\d+(?:\.\d+)+)"),
    "SoftHSM": (["softhsm2-util", "--version"], r"(\d+(?:\.\d+)+)"),
}


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


def program_version(command: list[str], pattern: str) -> str:
    if shutil.which(command[0]) is None:
        return "missing"
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    found = re.search(pattern, done.stdout + done.stderr)
    return found.group(1) if found else "unknown"


def main() -> None:
    parts = [f"{name} {package_version(name)}" for name in PACKAGES]
    parts += [f"{name} {program_version(*how)}" for name, how in PROGRAMS.items()]
    print("test environment: " + ", ".join(parts), flush=True)


if __name__ == "__main__":
    main()
