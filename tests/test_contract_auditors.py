"""The approved-firm rule (SPA 4.2, 5.1; EA 3.1(a)) that the extractor's check and the letters share."""

from __future__ import annotations

import pytest

from compliance.contract import firm_approved
from compliance.extract.checks import check_auditor

FIRM = "瓯江明镜会计师事务所（特殊普通合伙）"
ENGLISH = "Oujiang Mingjing CPAs LLP"


@pytest.fixture
def approving(contract):
    return contract.model_copy(update={"approved_auditors": [FIRM, ENGLISH]})


@pytest.mark.parametrize("printed", [
    FIRM, "瓯江明镜会计师事务所 (特殊普通合伙)", "瓯 江 明 镜 会计师事务所（特殊普通合伙）",
    ENGLISH, "OUJIANG MINGJING CPAS LLP", "Ｏｕｊｉａｎｇ Mingjing CPAs LLP",
])
def test_a_firm_on_the_list_is_approved_however_it_is_printed(approving, printed):
    assert firm_approved(approving, printed)
    assert check_auditor(approving, printed) == []


@pytest.mark.parametrize("printed", ["瓯江明镜会计师事务所", "天健会计师事务所（特殊普通合伙）", "", None])
def test_another_firm_or_no_name_is_not_approved(approving, printed):
    assert not firm_approved(approving, printed)
    if printed:
        assert [p.code for p in check_auditor(approving, printed)] == ["auditor_not_approved"]


def test_no_list_approves_nothing(contract):
    unlisted = contract.model_copy(update={"approved_auditors": []})
    assert not firm_approved(unlisted, FIRM)
    assert [p.code for p in check_auditor(unlisted, FIRM)] == ["auditor_list_not_configured"]
