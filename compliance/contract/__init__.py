"""The contract as data: the model of a contract file (model.py) and its loader (loading.py), with the
built-in Kaixin contract (kaixin-spa-2025.yaml). Every number the rules and the documents use comes from
here; nothing in code repeats it. auditors.py decides whether a firm is approved under it."""

from compliance.contract.auditors import firm_approved
from compliance.contract.loading import BUILTIN_CONTRACT, contract_from_mapping, load_contract
from compliance.contract.model import READINGS, VALUATIONS, AssessmentYear, Contract, ContractError
from compliance.contract.parties import Party

__all__ = [
    "AssessmentYear", "BUILTIN_CONTRACT", "READINGS", "VALUATIONS", "Contract", "ContractError", "Party",
    "contract_from_mapping", "firm_approved", "load_contract",
]
