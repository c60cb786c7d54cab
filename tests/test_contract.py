"""The contract as data: every term with its reference, validation with one message naming the key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import yaml
from helpers.cli import invoke, run_cli

from compliance.contract import BUILTIN_CONTRACT, ContractError, contract_from_mapping, load_contract


def builtin_data() -> dict:
    return yaml.safe_load(BUILTIN_CONTRACT.read_text(encoding="utf-8"))


def test_spa_4_1_five_assessment_years_with_targets(contract):
    assert [(y.number, y.start, y.end, y.target_revenue) for y in contract.assessment_years] == [
        (1, dt.date(2025, 12, 1), dt.date(2026, 11, 30), Decimal("665000000")),
        (2, dt.date(2026, 12, 1), dt.date(2027, 11, 30), Decimal("732000000")),
        (3, dt.date(2027, 12, 1), dt.date(2028, 11, 30), Decimal("805000000")),
        (4, dt.date(2028, 12, 1), dt.date(2029, 11, 30), Decimal("885000000")),
        (5, dt.date(2029, 12, 1), dt.date(2030, 11, 30), Decimal("974000000")),
    ]
    assert all(year.reference == "SPA 4.1" for year in contract.assessment_years)


def test_spa_1_1_consideration_and_spa_5_1_tranche(contract):
    assert contract.consideration_shares.value == 15_000_000
    assert contract.tranche_shares == 3_000_000


@pytest.mark.parametrize("year, deadline", [(1, "2027-01-29"), (2, "2028-01-29"), (3, "2029-01-29"),
                                            (4, "2030-01-29"), (5, "2031-01-29")])
def test_spa_5_1_release_deadline_is_the_60th_day_after_the_year(contract, year, deadline):
    assert contract.release_deadline(year) == dt.date.fromisoformat(deadline)


def test_terms_carry_their_references(contract):
    assert contract.offset.share_of_excess.value == Decimal("0.5")
    assert contract.offset.share_of_excess.reference == "SPA 5.2(2)"
    assert (contract.penalty.daily_rate.value, contract.penalty.cap_rate.value) == (Decimal("0.0001"), Decimal("0.05"))
    assert contract.penalty.daily_rate.reference == "SPA 8.2"
    agent_days = contract.release.agent_business_days
    assert agent_days.value == 10 and agent_days.reference == "EA 3.2"
    assert contract.notices.deemed_given_days.value == 3 and contract.notices.deemed_given_days.reference == "SPA 11.3"
    assert contract.shares.cusip == "G5223X167" and contract.shares.transfer_agent == "Transhare Corporation"
    assert contract.parties.party_a.signatories[0].name == "Yi Yang" and contract.parties.party_a.uses_seal
    assert contract.target_company.name == "Zhejiang Ordinary Smile Auto Sales Co., Ltd."
    assert contract.approved_auditors == []
    assert contract.default_reading == "spa"


@pytest.mark.parametrize("change, words", [
    (lambda d: d.pop("consideration_shares"), "key 'consideration_shares' is missing"),
    (lambda d: d["assessment_years"][2].update(target_revenue="lots"), "key 'assessment_years[2].target_revenue'"),
    (lambda d: d["assessment_years"][0].update(target_revenue="-1"), "assessment_years[0].target_revenue"),
    (lambda d: d.update(default_reading="generous"), "key 'default_reading': must be one of"),
    (lambda d: d["target_company"].update(nickname="x"), "key 'target_company.nickname' is not a known contract term"),
    (lambda d: d["assessment_years"].pop(), "assessment_years lists 4 years but tranches.count is 5"),
    (lambda d: d["offset"]["share_of_excess"].update(value="1.5"), "'offset.share_of_excess': must be between 0 and 1"),
    (lambda d: d["assessment_years"][1].update(start=dt.date(2026, 11, 1)), "year 2 starts before year 1 ends"),
    (lambda d: d["readings"].pop("6k-summary"), "readings must describe 6k-summary"),
    (lambda d: d["readings"]["6k-summary"].pop("excess_threshold"), "needs an excess_threshold"),
])
def test_a_bad_contract_gets_one_message_naming_the_key(change, words):
    data = builtin_data()
    change(data)
    with pytest.raises(ContractError) as caught:
        contract_from_mapping(data, "bad.yaml")
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_contract_show_round_trips_through_contract_check(tmp_path, contract):
    shown = invoke("contract", "show")
    assert shown.returncode == 0
    # a new process: /dev/stdin is the process's own standard input
    checked = run_cli("contract", "check", "/dev/stdin", input=shown.stdout)
    assert checked.returncode == 0, checked.stderr
    assert "valid contract 'kaixin-spa-2025'" in checked.stdout
    file = tmp_path / "copy.yaml"
    file.write_text(shown.stdout, encoding="utf-8")
    assert load_contract(file) == contract


def test_contract_check_bad_file_exits_2_with_one_line(tmp_path):
    data = builtin_data()
    data["assessment_years"][0]["end"] = "someday"
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = invoke("contract", "check", str(file))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "assessment_years[0].end" in done.stderr


def test_every_command_takes_a_contract_file(tmp_path):
    data = builtin_data()
    data["assessment_years"][0]["target_revenue"] = "700000000.00"
    file = tmp_path / "amended.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = invoke("assess", "--revenue", "1=702345678.90", "--json", "--contract", str(file))
    assert '"target": "700000000.00"' in done.stdout
    assert invoke("contract", "show", "--contract", str(file)).stdout.count("700000000.00") == 1


def test_missing_and_invalid_yaml_files(tmp_path):
    assert "no such contract file" in invoke("contract", "check", str(tmp_path / "nope.yaml")).stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed", encoding="utf-8")
    assert "not valid YAML" in invoke("contract", "check", str(bad)).stderr
