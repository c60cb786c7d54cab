"""`compliance --help` must not load the heavy libraries (start-up goal: under 0.3 s; timed in the bench)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["weasyprint", "pdfplumber", "pypdfium2", "pyhanko", "docx", "pydantic", "reportlab"]


def test_help_loads_no_heavy_library():
    code = (
        "import sys\n"
        "from compliance.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "HEAVY="
