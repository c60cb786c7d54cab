"""Writes docs/clauses.md (`make clauses`): every article the product applies, verbatim from the contract file,
beside the contract terms, functions, templates and tests that cite it. tests/test_clauses.py fails when the file
is not current.

How a citation is found: the forms the code writes, "SPA 5.2(1)", "EA Article 2", "Article 8.2 of the SPA", and a
list after the first article, "SPA 4.2, 5.1", "SPA 4 and 5", "EA 3.1/3.2", each item a citation of its own.
- Code: every .py file under compliance/, read as text (comments, strings and docstrings alike); ast names the
  innermost function or class around the citation (`module.Class.method`), or the module alone when none does.
- Templates: templates/*.j2 and compliance/desk/templates/*.j2, with their {% %} tags removed first so that
  "SPA 5.1{% if ... %}, 5.2(1){% endif %}" still reads as a list.
- Tests: test functions in tests/ named after the article (test_spa_5_2_1_... is SPA 5.2(1), test_ea_3_1_a_... is
  EA 3.1(a), the longest reading the contract file knows) or whose docstring cites it.
- Contract terms: the keys of the contract file whose `reference` cites it.
A citation counts for the article it names only: what cites SPA 5.2(1) is listed there, not under SPA 5.2.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from compliance.contract import Contract, load_contract

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = Path("docs") / "clauses.md"
CONTRACT = Path("compliance") / "contract" / "kaixin-spa-2025.yaml"
TEMPLATE_DIRS = (Path("templates"), Path("compliance") / "desk" / "templates")
AGREEMENTS = {"SPA": "Securities Purchase Agreement (SPA, 6-K Exhibit 99.1)",
              "EA": "Escrow Agreement (EA, 6-K Exhibit 99.2)"}

_NUMBER = r"\d+(?:\.\d+)*(?:\([0-9a-z]\))?"
# A number followed by a letter or % is not an article: "SPA 5.2(2), 50% of the excess".
_END = r"(?![\w%])"
_CITED = re.compile(rf"\b(SPA|EA) (?:Article )?(preamble|{_NUMBER}){_END}((?:(?:,\s*|\s+and\s+|/){_NUMBER}{_END})*)")
_LISTED = re.compile(_NUMBER)
_ARTICLE_OF = re.compile(rf"\bArticle ({_NUMBER}) of the (?:SPA\b|{{{{ spa\.title }}}})")
_JINJA_TAG = re.compile(r"{%.*?%}", re.DOTALL)
_SPLIT = re.compile(r"(\d+(?:\.\d+)*)(?:\(([0-9a-z])\))?$")


def cited(text: str) -> list[tuple[int, str]]:
    """Every article `text` cites, as (offset, reference), the reference in the contract file's form ("SPA 5.2(1)")."""
    found = []
    for match in _CITED.finditer(text):
        agreement, first, rest = match.groups()
        if first != "preamble":  # "SPA preamble, 1.2": the preamble is no article, the 1.2 after it is
            found.append((match.start(), f"{agreement} {first}"))
        for item in _LISTED.finditer(rest):
            found.append((match.start(3) + item.start(), f"{agreement} {item.group()}"))
    found += [(match.start(), f"SPA {match.group(1)}") for match in _ARTICLE_OF.finditer(text)]
    return sorted(found)


def article_key(reference: str) -> tuple:
    """Contract order: SPA before EA, a whole article before its sections, a section before its sub-paragraphs."""
    agreement, number = reference.split(" ", 1)
    digits, label = _SPLIT.match(number).groups()
    return (list(AGREEMENTS).index(agreement), tuple(int(part) for part in digits.split(".")), label or "")


def parent(reference: str) -> str | None:
    agreement, number = reference.split(" ", 1)
    digits, label = _SPLIT.match(number).groups()
    if label:
        return f"{agreement} {digits}"
    return f"{agreement} {digits.rpartition('.')[0]}" if "." in digits else None


@dataclass
class Citations:
    """Who cites each article: reference -> names, one set per kind."""

    terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    code: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    templates: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    tests: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def articles_in_product(self) -> set[str]:
        """The articles the product itself cites: its code, templates and contract terms (tests not counted)."""
        return set(self.terms) | set(self.code) | set(self.templates)


def _reference_paths(value, path: str = ""):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield path, item
            else:
                yield from _reference_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:  # a discrepancy by its id; assessment years, which all cite SPA 4.1, as one
            named = item.get("id") if isinstance(item, dict) else None
            yield from _reference_paths(item, f"{path}[{named or ''}]")


def _terms(contract: Contract, into: dict[str, set[str]]) -> None:
    terms = contract.model_dump(mode="json")
    terms.pop("clauses")  # the texts themselves, not terms citing them
    for path, reference in _reference_paths(terms):
        for _, article in cited(reference):
            into[article].add(path)


def _module_name(path: Path) -> str:
    parts = path.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _scopes(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function and class, decorators included."""
    scopes = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno] + [decorator.lineno for decorator in child.decorator_list])
                scopes.append((first, child.end_lineno, name))
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return scopes


def _code(root: Path, into: dict[str, set[str]]) -> None:
    for path in sorted((root / "compliance").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        module = _module_name(path.relative_to(root))
        scopes = _scopes(ast.parse(source, filename=str(path)))
        for offset, article in cited(source):
            line = source.count("\n", 0, offset) + 1
            around = [scope for scope in scopes if scope[0] <= line <= scope[1]]
            # the innermost scope is the one that starts last
            name = max(around)[2] if around else None
            into[article].add(f"{module}.{name}" if name else module)


def _templates(root: Path, into: dict[str, set[str]]) -> None:
    for folder in TEMPLATE_DIRS:
        for path in sorted((root / folder).glob("*.j2")):
            text = _JINJA_TAG.sub("", path.read_text(encoding="utf-8"))
            for _, article in cited(text):
                into[article].add(path.relative_to(root).as_posix())


def named_articles(test_name: str, known: set[str]) -> set[str]:
    """The articles a test's name cites: test_spa_5_2_1_x is SPA 5.2(1) when the contract file knows it, and
    test_spa_4_1_a_summary is SPA 4.1 because there is no SPA 4.1(a). Unknown articles are read as sections."""
    words = test_name.split("_")
    found = set()
    for index, word in enumerate(words):
        if word not in ("spa", "ea"):
            continue
        after = words[index + 1:index + 4]
        numbers = []
        for part in after[:2]:
            if not part.isdigit():
                break
            numbers.append(part)
        if not numbers:
            continue
        agreement = word.upper()
        readings = []
        if len(numbers) == 2 and len(after) == 3 and len(after[2]) == 1 and after[2].isalnum():
            readings.append(f"{agreement} {'.'.join(numbers)}({after[2]})")
        readings += [f"{agreement} {'.'.join(numbers[:count])}" for count in range(len(numbers), 0, -1)]
        found.add(next((reading for reading in readings if reading in known),
                       next(reading for reading in readings if "(" not in reading)))
    return found


def _tests(root: Path, known: set[str], into: dict[str, set[str]]) -> None:
    for path in sorted((root / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        nodes = [(node, "") for node in tree.body]
        classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
        nodes += [(item, f"{node.name}::") for node in classes for item in node.body]
        for node, prefix in nodes:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.name.startswith("test"):
                continue
            articles = named_articles(node.name, known)
            articles |= {article for _, article in cited(ast.get_docstring(node) or "")}
            for article in articles:
                into[article].add(f"{path.relative_to(root).as_posix()}::{prefix}{node.name}")


def collect(root: Path = ROOT) -> tuple[Contract, Citations]:
    contract = load_contract(root / CONTRACT)
    known = {clause.reference for clause in contract.clauses.values()}
    found = Citations()
    _terms(contract, found.terms)
    _code(root, found.code)
    _templates(root, found.templates)
    _tests(root, known, found.tests)
    return contract, found


_KINDS = (("terms", "Contract terms"), ("code", "Code"), ("templates", "Templates"), ("tests", "Tests"))


def _listing(title: str, names: set[str]) -> list[str]:
    if not names:
        return [f"**{title}:** none.", ""]
    return [f"**{title}** ({len(names)}):", ""] + [f"- `{name}`" for name in sorted(names)] + [""]


def render(root: Path = ROOT) -> str:
    """The whole of docs/clauses.md, from the files under `root` as they are now."""
    contract, found = collect(root)
    roles = {clause.reference: role for role, clause in contract.clauses.items()}
    articles = sorted(roles, key=article_key)
    out = [
        "# The clauses and the code that applies them",
        "",
        "<!-- Generated by `make clauses` (docs/make_clauses.py); do not edit: tests/test_clauses.py fails when this "
        "file is not current. -->",
        "",
        "Each article the product applies, verbatim as the contract file keeps it (`clauses` in "
        f"[`{CONTRACT.as_posix()}`](../{CONTRACT.as_posix()}), copied from the 6-K filing), with what cites it:",
        "",
        "- **Contract terms**: the keys of the contract file whose `reference` cites the article;",
        "- **Code**: the functions and classes under `compliance/` whose body, docstring or comments cite it "
        "(`module.function`; a module alone: its docstring or module-level code);",
        "- **Templates**: the letter templates (`templates/`) and the review desk's (`compliance/desk/templates/`);",
        "- **Tests**: the tests named after it (`test_spa_5_2_1_...`) or whose docstring cites it.",
        "",
        "A citation counts for the article it names: what cites SPA 5.2(1) is listed there, not under SPA 5.2. "
        "How the reading of the articles is justified is in [`contract-reading.md`](contract-reading.md).",
        "",
        "| article | role in the contract file | terms | code | templates | tests |",
        "|---|---|---|---|---|---|",
    ]
    out += [f"| {article} | `{roles[article]}` | "
            + " | ".join(str(len(getattr(found, kind).get(article, ()))) for kind, _ in _KINDS) + " |"
            for article in articles]
    agreement = None
    for article in articles:
        if article.split(" ")[0] != agreement:
            agreement = article.split(" ")[0]
            out += ["", f"## {AGREEMENTS[agreement]}"]
        out += ["", f"### {article}", "", f"Role in the contract file: `{roles[article]}`.", ""]
        out += ["\n>\n".join(f"> {line}" for line in contract.clause(article).text.split("\n")), ""]
        parts = [other for other in articles if parent(other) == article]
        if parts:
            out += [f"Its parts follow: {', '.join(parts)}.", ""]
        for kind, title in _KINDS:
            out += _listing(title, getattr(found, kind).get(article, set()))
        out.pop()
    missing = sorted({*found.articles_in_product(), *found.tests} - set(roles), key=article_key)
    out += ["", "## Cited, but without its text in the contract file", ""]
    if not missing:
        out += ["None: every article cited above has its text in the contract file."]
    for article in missing:
        out += [f"### {article}", ""]
        for kind, title in _KINDS:
            out += _listing(title, getattr(found, kind).get(article, set()))
        out.pop()
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1, writing nothing, when docs/clauses.md is stale")
    args = parser.parse_args(argv)
    text = render(ROOT)
    target = ROOT / OUTPUT
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{OUTPUT} is not current: run `make clauses`", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
