"""The Jinja environment every document shares: strict, autoescaped, with the letter filters.

Values from contract files and audit reports are data, never template code: autoescaping prints a party
name containing `<b>` literally, and Jinja never evaluates `{{ ... }}` found inside a value. A template
that asks for a value the context does not hold fails with MissingValueError naming the value (the dotted
path, e.g. 'recipient.broker') and the template line, never printing a blank.

Filters available to templates (and to a user's own templates in `--templates DIR`):
  words         3074 -> 'three thousand seventy-four'
  ordinal       3 -> 'third'
  shares        3000000 -> 'three million (3,000,000)'      (words and figures from one integer)
  shares_of     1, 'shares' -> 'one (1) share'               (with its noun, singular for one)
  possessive    'Kaixin Holdings' -> 'Kaixin Holdings’'
  figures       3000000 -> '3,000,000'
  rmb           Decimal -> 'RMB 665,000,000.00'
  amount        Decimal -> '665,000,000.00'
  long_date     date -> '29 January 2027'
  exact_shares  Fraction -> '3,073.770492'
  percent       Decimal('0.5') -> '50%'
  fraction      Fraction(187500, 61) -> '187500/61'
"""

from __future__ import annotations

import importlib.resources
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from compliance.documents import chinese, open_items, words
from compliance.values import money
from compliance.values.money import fraction_text

# The templates ship in the package (pyproject.toml maps the repository's templates/ to compliance.templates).
BUILTIN_TEMPLATES = Path(str(importlib.resources.files("compliance.templates")))


class DocumentError(ValueError):
    """A document that cannot be produced; str() is one plain sentence."""


class MissingValueError(DocumentError):
    """The template asked for a value the context does not provide."""

    def __init__(self, name: str, template: str | None, line: int | None):
        self.name = name
        where = f" ({template}, line {line})" if template and line else f" ({template})" if template else ""
        super().__init__(f"the template needs the value '{name}', which the document's data does not provide{where}")


class _Scope(dict):
    """A context mapping that knows its dotted path, so a missing key can be named in full."""

    __slots__ = ("_path",)

    def __init__(self, data: Mapping[str, Any], path: str):
        super().__init__(data)
        self._path = path


def scoped(value: Any, path: str = "") -> Any:
    """Wrap nested mappings (and mappings inside lists) so that missing values know their path."""
    if isinstance(value, Mapping):
        return _Scope(
            {key: scoped(item, f"{path}.{key}" if path else str(key)) for key, item in value.items()}, path
        )
    if isinstance(value, list | tuple):
        return type(value)(scoped(item, f"{path}[{index}]") for index, item in enumerate(value))
    return value


class _NamedStrictUndefined(jinja2.StrictUndefined):
    """StrictUndefined whose error names the full dotted path of the missing value."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        owner = self._undefined_obj
        name = self._undefined_name or "?"
        if isinstance(owner, _Scope) and owner._path:
            name = f"{owner._path}.{name}"
        template, line = _template_frame()
        raise MissingValueError(name, template, line)

    __str__ = __iter__ = __len__ = __eq__ = __ne__ = __bool__ = __hash__ = _fail_with_undefined_error  # type: ignore[assignment]
    __add__ = __radd__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = _fail_with_undefined_error  # type: ignore[assignment]


def _template_frame() -> tuple[str | None, int | None]:
    """The template file and line being rendered (Jinja compiles templates to Python with line maps)."""
    frame = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return template.name, template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None, None


def template_name(kind: str) -> str:
    """The template of a kind of document: templates/<kind>.html.j2."""
    return f"{kind}.html.j2"


def make_environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """User templates (when given) shadow the built-in ones file by file; both share the filters."""
    search = [str(templates_dir)] if templates_dir is not None else []
    search.append(str(BUILTIN_TEMPLATES))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search, encoding="utf-8"),
        undefined=_NamedStrictUndefined,
        autoescape=True,  # every template is HTML; data never becomes markup
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals["open_item"] = open_items.open_item  # the placeholder macro records what a letter lacks
    env.filters.update(
        words=words.number_in_words,
        ordinal=words.ordinal_in_words,
        shares=words.words_and_figures,
        shares_of=words.shares_of,
        possessive=words.possessive,
        figures=words.figures,
        rmb=money.rmb,
        amount=money.amount,
        long_date=words.long_date,
        exact_shares=words.exact_shares,
        percent=words.percent,
        fraction=fraction_text,
    )
    env.filters.update(chinese.FILTERS)  # the Chinese text's references, amounts in capitals and dates
    return env
