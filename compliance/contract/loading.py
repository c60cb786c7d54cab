"""Reading a contract file: YAML (with duplicate keys refused), every string checked for hidden characters,
then the model's validation; every failure is one ContractError sentence naming the key (or the line)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from compliance.contract.model import Contract, ContractError

BUILTIN_CONTRACT = Path(__file__).parent / "kaixin-spa-2025.yaml"


def _error_location(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "(top level)"


# Control characters (NUL, ESC ...) and the bidirectional overrides and isolates that make "1234\u202e5678"
# print as "12348765": refused in every string of a contract, since each may end up in a signed letter.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _check_strings(value: Any, where: str, source: str) -> None:
    if isinstance(value, str):
        found = _HIDDEN.search(value)
        if found:
            raise ContractError(f"{source}: key '{where or '(top level)'}' holds the invisible character "
                                f"U+{ord(found.group()):04X}; retype the text without it")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(str(key), where, source)
            _check_strings(item, f"{where}.{key}" if where else str(key), source)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, f"{where}[{index}]", source)


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML, except that a key given twice in one mapping is an error (YAML would keep the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise ContractError(f"key '{key}' is given twice (lines {seen[key]} and {line})")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def contract_from_mapping(data: Any, source: str = "contract") -> Contract:
    if not isinstance(data, dict):
        raise ContractError(f"{source}: a contract file must be a YAML mapping of keys to values")
    _check_strings(data, "", source)
    try:
        return Contract.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        where = _error_location(tuple(first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        if not first["loc"]:
            raise ContractError(f"{source}: {message}{more}") from None
        if first["type"] == "missing":
            raise ContractError(f"{source}: key '{where}' is missing{more}") from None
        if first["type"] == "extra_forbidden":
            raise ContractError(f"{source}: key '{where}' is not a known contract term{more}") from None
        raise ContractError(f"{source}: key '{where}': {message}{more}") from None


def load_contract(path: str | Path | None = None) -> Contract:
    """Load and validate a contract file; None means the built-in Kaixin contract."""
    file = Path(path) if path is not None else BUILTIN_CONTRACT
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContractError(f"{file}: no such contract file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(f"{file}: cannot read the contract file ({exc.__class__.__name__})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except ContractError as exc:
        raise ContractError(f"{file}: {exc}") from None
    except RecursionError:
        raise ContractError(f"{file}: nested too deeply to be a contract file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ContractError(f"{file}: not valid YAML{where}") from None
    except ValueError as exc:  # YAML reads 2025-13-02 as a date and fails on it
        raise ContractError(f"{file}: a date is not a real day ({exc})") from None
    return contract_from_mapping(data, str(file))
