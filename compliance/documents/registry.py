"""Every kind of document the product issues: its template, the builder of its context, and when it is due.

A determined Assessment Year has the kinds whose `due` holds for its YearAssessment, in this order; the
penalty statement is not part of a determination (it is due when a release is late, SPA 8.2, and is built
from a PenaltyResult). A new kind is one row here, one builder and one template.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI lists the kinds for --help: this module loads nothing heavy
    from compliance.rules.earnout import YearAssessment

_CONTEXT = "compliance.documents.context"


@dataclass(frozen=True)
class DocumentKind:
    name: str  # file stem and template stem: templates/<name>.html.j2
    title: str
    when: str  # when it is due, in words (for the README, the review desk and --help)
    per_year: bool  # DIR/year-N/<name> when True, DIR/<name> otherwise
    builder: str  # "module:function" building its template context (loaded on first use)
    due: Callable[[YearAssessment], bool] | None  # for a determination's documents; None: issued otherwise

    @property
    def template(self) -> str:
        from compliance.documents.environment import template_name

        return template_name(self.name)

    @property
    def build(self) -> Callable[..., dict]:
        module, _, function = self.builder.partition(":")
        return getattr(importlib.import_module(module), function)

    def slot(self, year: int) -> str:
        """Where the document lives in the output folder, without its version: 'year-2/joint-instruction'."""
        return f"year-{year}/{self.name}" if self.per_year else self.name


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("joint-instruction", "Joint written instruction to the escrow agent",
                 "every determined Assessment Year (EA 3.1(b), SPA 5.1)", True,
                 f"{_CONTEXT}:joint_instruction_context", lambda determined: True),
    DocumentKind("release-notice", "Notice of release to Party C",
                 "every determined Assessment Year (SPA 5.1, 11.3)", True,
                 f"{_CONTEXT}:release_notice_context", lambda determined: True),
    DocumentKind("deduction-notice", "Notice of deducted shares",
                 "a year whose audited revenue is below its target (SPA 5.2(1))", True,
                 f"{_CONTEXT}:deduction_notice_context", lambda determined: not determined.result.met),
    DocumentKind("stock-power", "Irrevocable stock power for the escrow agent to execute",
                 "every determined Assessment Year that releases shares (EA 1.1, 3.2)", True,
                 f"{_CONTEXT}:stock_power_context", lambda determined: determined.result.release_shares > 0),
    DocumentKind("transfer-agent-letter", "Issuer's instruction to the transfer agent",
                 "every determined Assessment Year that releases shares (EA 3.2)", True,
                 f"{_CONTEXT}:transfer_agent_letter_context", lambda determined: determined.result.release_shares > 0),
    DocumentKind("assessment-report", "Assessment report with the computation and its evidence",
                 "every determined Assessment Year (SPA 4.1, 5.1, 5.2)", True,
                 f"{_CONTEXT}:assessment_report_context", lambda determined: True),
    DocumentKind("cancellation-instruction", "Joint instruction returning retained shares for cancellation",
                 "with the last Assessment Year's determination (SPA 5.2(1))", False,
                 f"{_CONTEXT}:cancellation_context", lambda determined: determined.is_last_year),
    DocumentKind("penalty-statement", "Statement of late-release penalty",
                 "a release not made by the SPA 5.1 deadline, once share prices are given (SPA 8.2)", True,
                 "compliance.documents.penalty_statement:penalty_statement_context", None),
)
BY_NAME = {kind.name: kind for kind in KINDS}
DETERMINATION_KINDS = tuple(kind.name for kind in KINDS if kind.due is not None)


def kind(name: str) -> DocumentKind:
    return BY_NAME[name]


def due_documents(determined: YearAssessment) -> list[DocumentKind]:
    """The kinds a determination issues, in registry order."""
    return [item for item in KINDS if item.due is not None and item.due(determined)]
