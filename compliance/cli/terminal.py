"""What reaches a user's terminal: the product's own sentences, and nothing a library says to its maintainers.

A library's warning (cryptography's `DSA is deprecated` as pyHanko loads, a font note from fontTools) or its log
record is addressed to developers; printed before our one `error: ...` line it reads as a failure the user cannot
act on. `make test` still turns a deprecation in our own code into a failure (pyproject.toml, filterwarnings).
"""

from __future__ import annotations

import logging
import sys
import warnings


def keep_to_our_words() -> None:
    """Silence library warnings and stray log records for this process (the CLI and the desk server it starts).

    A developer who asks for warnings (`python -W ...` or PYTHONWARNINGS) still gets them."""
    if not sys.warnoptions:
        warnings.simplefilter("ignore")
    # Without a handler on the root logger, Python prints any library's WARNING record to stderr ("last resort").
    # The desk's server log keeps its own handlers (uvicorn configures them).
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())
