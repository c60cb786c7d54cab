"""No shell words on a desk page. The operations speak to both faces, and their sentences name the command
line's commands and flags ("run `compliance run` to issue its documents", "--max-pages"), which mean nothing to
a person at the desk. `desk_words` says each in the desk's words: the button or form of a page that does it,
or a plain sentence; what no page offers is named as a thing the person who runs the desk does.

It is the desk's Jinja `finalize`: every value a page prints goes through it (a flash, an error page, a note
of a year, a problem), so a sentence added later in an operation cannot put a command on a page either; the
template texts themselves say nothing of the kind (tests/test_desk_no_shell_words.py renders every page).
"""

from __future__ import annotations

import re

# The sentences the operations say, each as the desk says it; the first that matches a part of a text wins.
RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), words) for pattern, words in (
    (r"run `compliance run` to issue its documents", "use the Prepare button on the year's page to prepare its "
                                                     "documents"),
    (r"run `compliance run` to issue the next version", "use the Prepare button on the year's page to prepare the "
                                                        "next version"),
    (r"run `compliance run` on its audit report first", "upload its audit report in the Inbox and prepare the "
                                                        "year's documents first"),
    (r"run `compliance run` again to put it back", "use the Prepare button on the year's page to put it back"),
    (r"[Rr]un `compliance run` (?:again|first)", "use the Prepare button on the year's page"),
    (r"choose one with `compliance resolve[^`]*`", "choose the one that decides the year in the Inbox"),
    (r"add one with `compliance users add[^`]*`", "an administrator must give them an account"),
    (r"an administrator adds accounts with `compliance users add`", "an administrator adds the other accounts"),
    (r"`compliance approve --year (\d+)`", r"the Approve button on year \1's page"),
    (r"\(run with --prices to see the penalty accrued\)", "(the penalty accrued is shown once share prices are "
                                                         "recorded)"),
    (r"\(give the price file it was computed from with --prices\)", "(the price file it was computed from must be "
                                                                     "back where the run read it)"),
    (r"a run with --prices issues one", "one is prepared once share prices are recorded"),
    (r"give the State Council's schedule as the particular calendar\.schedules \(`compliance particulars set[^`]*`,"
     r" approved by another person\) or supply it as a YAML file with --calendar FILE \([^)]*\)",
     "give the State Council's schedule on the Particulars page (a preparer sets it and another person approves it)"),
    (r"supply the password with --password\.?", "upload a copy of the report without a password."),
    (r"\(raise it with --max-(?:pages|mb)\)", "(the person who runs the desk can raise the limit)"),
    (r",? so --strict-prices refuses it", ", so a strict reading of the prices refuses it"),
    (r"\s*\(or raise --wait\)", ""),
    (r"\(?`compliance ledger verify`[^)]*\)?", ""),
    (r"^--by: ", ""),
    (r"(?<![\w-])--report (\S+)", r"the report \1"),
    (r"(?<![\w-])--shares (\S+)", r"the number of shares \1"),
    (r"(?<![\w-])--by and --reason must name", "say"),
    (r"(?<![\w-])--as-of", "the as-of date"),
    (r"(?<![\w-])--out (\S+)", r"the output folder"),
))
# Whatever is left: a command in backticks, then a bare flag.
_COMMAND = re.compile(r"(?:run |use |with )?`compliance [^`]*`")
_FLAG = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")
_MAYBE = re.compile(r"`|compliance [a-z]|--[a-z]")


def desk_words(text: str) -> str:
    """`text` with every command-line instruction said in the desk's words (unchanged when it has none)."""
    if not _MAYBE.search(text):
        return text
    for pattern, words in RULES:
        text = pattern.sub(words, text)
    text = _COMMAND.sub("the person who runs the desk can do this", text)
    return _FLAG.sub(lambda found: f"the {found.group(1).replace('-', ' ')} setting", text)


def finalize(value: object) -> object:
    """Jinja's finalize: sentences through `desk_words`; markup, other values and text without a space (a form's
    token, a hash, an address, a file name: never an instruction) as they are."""
    return desk_words(value) if type(value) is str and " " in value else value
