"""Checks of what was read against the contract: each failing check is a named problem with one sentence."""

from __future__ import annotations

from decimal import Decimal

from compliance.contract import AssessmentYear, Contract, firm_approved
from compliance.extract.model import Problem
from compliance.extract.periods import Period
from compliance.extract.problems import problem
from compliance.extract.report import StatedFigure
from compliance.values.money import cents, group
from compliance.values.text import name_key


def target_names(contract: Contract) -> list[str]:
    company = contract.target_company
    return [company.name, *([company.chinese_name] if company.chinese_name else []), *company.aliases]


def check_entity(contract: Contract, names: list[str]) -> list[Problem]:
    """Every company the report names (addressee, opinion paragraph, 编制单位) must be the target company."""
    keys = {name_key(name) for name in target_names(contract)}  # SPA 1.3: the Target Company
    if not names:
        return [problem("entity_not_found")]
    for name in names:
        if name_key(name) not in keys:
            return [problem("entity_mismatch", detail=f"The report covers '{name}', which is not the target company "
                                                      f"({contract.target_company.name} or its aliases).")]
    return []


def assessment_year_for(contract: Contract, period: Period) -> AssessmentYear | None:
    return contract.year_for_period(period.start, period.end)  # SPA 1.4, 4.1: exactly an Assessment Year


def check_period(contract: Contract, opinion_period: Period | None, statement_period: Period | None,
                 ) -> tuple[Period | None, AssessmentYear | None, list[Problem]]:
    """The period the opinion paragraph states (else the statement's), its Assessment Year, and problems."""
    period = opinion_period or statement_period
    if period is None:
        return None, None, [problem("period_not_found", detail="The period the report covers could not be found "
                                                               "in the opinion paragraph or the statement header.")]
    problems: list[Problem] = []
    if opinion_period and statement_period and opinion_period != statement_period:
        problems.append(problem("period_mismatch", detail=(
            f"The opinion covers {opinion_period.text()} but the income statement is for "
            f"{statement_period.text()}.")))
    year = assessment_year_for(contract, period)
    if year is None:  # SPA 4.1: a calendar-year or any other period does not serve
        problems.append(problem("not_assessment_period", detail=(
            f"The report covers {period.text()}, which is not an Assessment Year of the contract "
            f"(each runs 1 December to 30 November, SPA 4.1).")))
    return period, year, problems




def check_opinion(opinion: str | None) -> list[Problem]:
    if opinion and opinion != "unqualified":  # EA 3.1(a): the report must confirm the revenue
        return [problem("opinion_modified", opinion=opinion)]
    return []


def check_auditor(contract: Contract, auditor: str) -> list[Problem]:
    """SPA 4.2, 5.1; EA 3.1(a): the report must come from an accounting firm approved by Party A."""
    if not contract.approved_auditors:
        return [problem("auditor_list_not_configured", auditor=auditor)]
    if not firm_approved(contract, auditor):
        return [problem("auditor_not_approved", detail=f"The report is signed by '{auditor}', which is not on the "
                                                       "contract's list of approved accounting firms.")]
    return []


def check_currency(contract: Contract, currency: str | None) -> list[Problem]:
    expected = contract.revenue.currency  # SPA 4.1: Operating Revenue in RMB
    if currency is not None and currency != expected:
        return [problem("currency_mismatch", found=currency, expected=expected)]
    return []


def crosscheck(revenue: Decimal, stated: StatedFigure | None) -> list[Problem]:
    """The audit text's own statement of revenue must agree with the statement's figure at the precision
    the text prints (rounded or truncated)."""
    if stated is None:
        return []
    stated_yuan = stated.amount * stated.unit.multiplier
    exponent = stated.amount.as_tuple().exponent
    step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0) * stated.unit.multiplier
    difference = revenue - stated_yuan
    if abs(difference) * 2 <= step or Decimal(0) <= difference < step:
        return []
    return [problem("revenue_crosscheck_mismatch", detail=(
        f"The audit text states revenue of {stated.text.strip()} ({group(stated_yuan)} yuan), which disagrees "
        f"with the income statement's {group(revenue)} yuan."), readings=[cents(revenue), cents(stated_yuan)])]
