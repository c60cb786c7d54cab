"""Where the auditor's report on the financial statements is: from its opening words to its signature block.

Which audit: an annual report can hold an internal-control audit (内部控制审计报告, "internal control over
financial reporting") besides the financial-statement audit; only an opening that names the financial
statements (我们审计了 ... 财务报表, "We have audited the accompanying consolidated balance sheets / financial
statements", "What we have audited: The consolidated financial statements") starts the report used. A
combined US opinion (financial statements and ICFR in one report) is a financial-statement report.

The report may come before the statements (PRC, Hong Kong) or after them (US 10-K, Australia); the caller
decides where to look for the income statement from where this one is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compliance.values.text import compact, single_spaced

_MAY_OPEN = re.compile(r"我\s*[们們]\s*(?:已\s*)?[审審]\s*[计計核]|我\s*[们們]\s*[获獲]\s*委\s*聘|"
                       r"[Ww]\s*[Ee]\s+have\s+audited|WE\s+HAVE\s+AUDITED|"
                       r"[Ww]hat\s+we\s+have\s+audited|[\uff00-\uffef]")
# After compact() (Traditional read as Simplified): 我们审计了 (PRC), 我们已审核/已审计 (Hong Kong), 我们获委聘审核
# (Hong Kong, a disclaimer: "we were engaged to audit").
_CN_OPENING = re.compile(r"我们(?:审计了|已审计|已审核|获委聘审计|获委聘审核)(.{0,160})")
_EN_OPENING = re.compile(r"we have audited (?:the )?(.{0,200})", re.I)
_EN_WHAT_WE_AUDITED = re.compile(r"what we have audited (?:the )?(?:consolidated )?(?:and separate )?"
                                 r"financial statements", re.I)
_EN_STATEMENTS = re.compile(r"financial statements|financial report|balance sheets?|statements? of financial position|"
                            r"statements? of (?:income|operations|profit or loss)", re.I)
_EN_CONTROL = re.compile(r"internal control over financial reporting", re.I)


def opening_kind(text: str) -> str | None:
    """'statements' when a page opens a financial-statement audit report, 'control' when it opens an
    internal-control audit report, None when it opens neither."""
    if not _MAY_OPEN.search(text):
        return None
    squeezed = compact(text)
    for match in _CN_OPENING.finditer(squeezed):
        scope = match[1]
        statements, control = scope.find("财务报表"), scope.find("内部控制")
        if statements >= 0 and (control < 0 or statements < control):
            return "statements"
        if control >= 0:
            return "control"
    english = single_spaced(text)
    if _EN_WHAT_WE_AUDITED.search(english):
        return "statements"
    kind = None
    for match in _EN_OPENING.finditer(english):
        scope = match[1]
        statements, control = _EN_STATEMENTS.search(scope), _EN_CONTROL.search(scope)
        if statements and (control is None or statements.start() < control.start()):
            return "statements"
        if control:
            kind = "control"
    return kind


def has_opening(text: str) -> bool:
    """The opening words of a financial-statement audit report are on this page."""
    return opening_kind(text) == "statements"


_SIGNATURE_CN = re.compile(r"注册会计师[:：]|注册会计师\(签名(?:并盖章)?\)|\(项目合伙人\)|^中国注册会计师|"
                           r"^(?:香港)?执业会计师$|^执业证书编号")
_SIGNATURE_EN = re.compile(r"^(?:/s/|\(signed\)|certified public accountants$|chartered accountants$|"
                           r".{3,80}\b(?:LLP|L\.L\.P\.)$)", re.I)


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]


def has_signature(text: str) -> bool:
    """A page carrying the signature block: 中国注册会计师：(name), '/s/ Firm', '(signed) Firm', a 'Certified
    Public Accountants' or '... LLP' line (mentions inside sentences do not count)."""
    for line in lines_of(text):
        if _SIGNATURE_CN.search(compact(line)) or _SIGNATURE_EN.match(single_spaced(line)):
            return True
    return False


_REPORT_TITLE = re.compile(r"审计报告|核数师报告|auditor'?s'?report|reportofindependent", re.I)
LONGEST_REPORT = 10  # pages from the opening words to the signature (a report with many key audit matters)


@dataclass(frozen=True)
class AuditSection:
    first: int  # 0-based page indexes, inclusive
    last: int
    opening: int  # the page with the opening words
    signed: bool  # the signature block was found on `last`

    def pages(self) -> range:
        return range(self.first, self.last + 1)


def find_audit_section(pages: list[str]) -> AuditSection | None:
    """The first financial-statement audit report: from the page with its opening words to the page with its
    signature block; the page before is included when it carries the report's title (addressee, number,
    and in SZSE reports the summary table of firm, date and number)."""
    for index, text in enumerate(pages):
        if not has_opening(text):
            continue
        first = index
        previous = pages[index - 1] if index > 0 else ""
        if _REPORT_TITLE.search(compact(previous).lower()) and len(previous) < 1500 \
                and opening_kind(previous) is None and not has_signature(previous):  # not another report's page
            first = index - 1
        for later in range(index, min(index + LONGEST_REPORT, len(pages))):
            if has_signature(pages[later]):
                return AuditSection(first, later, index, True)
        return AuditSection(first, min(index + 5, len(pages) - 1), index, False)
    return None


def section_text(pages: list[str], section: AuditSection) -> str:
    return "\n".join(pages[index] for index in section.pages())
