"""The desk in Simplified Chinese: every page is rendered from the English templates, then, for a user whose
language is Chinese, its HTML is translated here (render() in requests.py), so the templates stay one text.

The catalogue is zh.yaml beside this module: `words`, each English label or sentence of the desk (its whitespace
squeezed) with its Chinese, and `patterns`, regular expressions for the sentences that carry names, figures and
dates, whose groups are translated in their turn (a date becomes 2027年1月29日; a name, a file name or a figure
the catalogue does not know stays as it is). A text node is translated by exact match, then by pattern, then
clause by clause ("; " and sentence breaks) when every clause is known; otherwise it is left untouched: user
data (file names, firms, people, document IDs) is never guessed at.

Translated: text nodes and the attributes a person reads (title, aria-label, placeholder, alt, the value of a
submit button). Never: <script>, <style>, <textarea>, <code>, <pre>, anything marked translate="no", form
field values that are data, and URLs.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

import yaml
from lxml import etree
from lxml import html as lxml_html

LANGUAGES = ("en", "zh")
HTML_LANG = {"en": "en", "zh": "zh-CN"}
SKIPPED = frozenset({"script", "style", "textarea", "code", "pre", "kbd", "samp"})
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
MONTHS = {name: number for number, name in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"), start=1)}
_DATE = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r")(?: (\d{4}))?(?:, (\d{2}:\d{2}) UTC)?\b")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_GROUP = re.compile(r"\{(\w+)(?::(\w+))?\}")
_LETTERS = re.compile(r"[A-Za-z]{2}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CLAUSES = (("; ", "；"), (". ", "。"), (": ", "："), (", ", "，"), (" · ", " · "))
_END = {".": "。", ":": "：", ";": "；"}
_LEADING = ((". ", "。"), (", ", "，"), ("; ", "；"), (": ", "："), ("· ", "· "), (") · ", "）· "), (") ", "）"))
_TRAILING = ((" ·", " ·"), (" (", "（"), (",", "，"), (":", "："))


@dataclass(frozen=True)
class Catalogue:
    words: dict[str, str]  # English (whitespace squeezed) -> Chinese
    patterns: tuple[tuple[re.Pattern[str], str], ...]  # fullmatch patterns -> Chinese with {group} slots
    required: tuple[str, ...] = ()  # each pattern's literal text that a match always holds (a quick test first)

    @cached_property
    def _index(self) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
        """Each pattern filed under one whole word of its required literal (the longest), so that a text is
        tried only against the patterns whose word it holds; a pattern without such a word is always tried."""
        index: dict[str, list[int]] = {}
        always = []
        for number, required in enumerate(self.required):
            words = [found.group() for found in _WORD.finditer(required)
                     if found.start() > 0 and found.end() < len(required)]  # whole: text on both sides
            if words:
                index.setdefault(max(words, key=len), []).append(number)
            else:
                always.append(number)
        return {word: tuple(numbers) for word, numbers in index.items()}, tuple(always)

    def candidates(self, text: str) -> list[int]:
        """The patterns that may match `text`, in the catalogue's order."""
        index, always = self._index
        found = set(always)
        for word in set(_WORD.findall(text)):
            found.update(index.get(word, ()))
        return sorted(number for number in found if self.required[number] in text)


def required_text(pattern: str) -> str:
    """The longest run of literal text a pattern always contains (outside its groups, classes and quantified
    characters): a text without it cannot match, so most texts skip most patterns at the cost of `in`."""
    runs, run, depth, index = [], "", 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if depth == 0 and not escaped.isalnum():
                run += escaped
            else:
                runs, run = runs + [run], ""
            index += 2
            continue
        if char == "[":
            index = pattern.index("]", index + 2 if pattern[index + 1:index + 2] in ("]", "^") else index + 1)
            runs, run = runs + [run], ""
        elif char in "()":
            depth += 1 if char == "(" else -1
            runs, run = runs + [run], ""
        elif depth == 0 and char == "|":
            return ""
        elif depth == 0 and char in "*+?{":
            runs, run = runs + [run[:-1]], ""
            if char == "{":
                index = pattern.index("}", index)
        elif depth == 0 and char in ".^$":
            runs, run = runs + [run], ""
        elif depth == 0:
            run += char
        index += 1
    return max(runs + [run], key=len)


def squeeze(text: str) -> str:
    return " ".join(text.split())


@cache
def catalogue() -> Catalogue:
    source = importlib.resources.files("compliance.desk").joinpath("zh.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(source)
    words = {squeeze(str(english)): str(chinese) for english, chinese in (data.get("words") or {}).items()}
    for english, chinese in list(words.items()):  # a sentence is also found without its full stop
        if english.endswith(".") and chinese.endswith("。"):
            words.setdefault(english[:-1], chinese[:-1])
    macros = {f"<{name}>": f"(?:{alternatives})" for name, alternatives in (data.get("macros") or {}).items()}

    def expanded(pattern: str) -> str:
        for name, alternatives in macros.items():
            pattern = pattern.replace(name, alternatives)
        return pattern

    patterns = tuple((re.compile(expanded(str(item["en"]))), str(item["zh"])) for item in data.get("patterns") or ())
    return Catalogue(words, patterns, tuple(required_text(pattern.pattern) for pattern, _ in patterns))


def chinese_date(match: re.Match[str]) -> str:
    day, month, year, time = match.groups()
    text = f"{year + '年' if year else ''}{MONTHS[month]}月{int(day)}日"
    return f"{text} {time}（UTC）" if time else text


def _date_only(text: str) -> str | None:
    match = _DATE.fullmatch(text)
    if match:
        return chinese_date(match)
    iso = _ISO_DAY.fullmatch(text)
    return f"{iso[1]}年{int(iso[2])}月{int(iso[3])}日" if iso else None


def _fill(template: str, match: re.Match[str]) -> str:
    """The pattern's Chinese with each {group} replaced: translated when the catalogue knows it, its dates in
    Chinese, as it is otherwise ({group:raw} keeps it as it is; {group:list} is an enumeration, "a, b and c", each
    item translated and joined with 、); [words] are left out when a group in them did not match (an optional part
    of the English)."""
    groups = match.groupdict()

    def slot(found: re.Match[str]) -> str:
        name, how = found.groups()
        value = groups.get(name) if name in groups else match.group(int(name))
        if value is None:
            return ""
        if how == "raw":
            return value
        if how == "list":  # "a, b and c" or "a, b, c": an enumeration, joined with the enumeration comma
            items = re.split(r", | and ", value)
            return "、".join(part(item) for item in items)
        return part(value)

    def optional(found: re.Match[str]) -> str:  # [ ... ] holds words shown only when its groups matched
        names = [name for name, _ in _GROUP.findall(found.group(1))]
        present = all((groups.get(name) if name in groups else match.group(int(name))) for name in names)
        return found.group(1) if present else ""

    while True:
        reduced = _OPTIONAL.sub(optional, template)
        if reduced == template:
            return _GROUP.sub(slot, reduced)
        template = reduced


def part(text: str) -> str:
    """A piece of a sentence (a pattern's group): its translation, or itself with its dates in Chinese."""
    return translate(text) or _DATE.sub(chinese_date, text)


def _known(text: str) -> str | None:
    """Exact match, then the patterns, then a date alone."""
    known = catalogue()
    if text in known.words:
        return known.words[text]
    if not _LETTERS.search(text):  # figures, IDs, Chinese: nothing to translate but an ISO date
        return _date_only(text)
    for index in known.candidates(text):
        pattern, template = known.patterns[index]
        match = pattern.fullmatch(text)
        if match:
            return _fill(template, match)
    return _date_only(text)


def _clauses(text: str) -> str | None:
    """A text of known clauses ("A; B", "A. B", "A: B"), each translated, joined in Chinese punctuation."""
    for english, chinese in _CLAUSES:
        if english in text:
            pieces = []
            for piece in text.split(english):
                pieces.append(translate(piece))
                if pieces[-1] is None:
                    break
            else:
                return chinese.join(piece.rstrip("。") if chinese == "。" else piece for piece in pieces)
    return None


@lru_cache(maxsize=65536)
def translate(text: str) -> str | None:
    """The Chinese of one text (whitespace squeezed); None when the catalogue does not know it."""
    text = squeeze(text)
    if not text:
        return None
    if text in catalogue().words:
        return catalogue().words[text]
    ending = text[-1] in _END and len(text) > 1  # a sentence is matched without its full stop first, so that a
    if ending:                                   # group never swallows it ("prepared by paula.")
        body = _known(text[:-1])
        if body is not None:
            return body.rstrip("。：；") + _END[text[-1]]
    found = _known(text)
    if found is not None:
        return found
    if ending:
        body = _clauses(text[:-1])
        if body is not None:
            return body.rstrip("。：；") + _END[text[-1]]
    for english, chinese in _LEADING:  # a fragment between inline elements: ". Compare ...", "· version 1"
        if text.startswith(english) and len(text) > len(english):
            rest = translate(text[len(english):])
            if rest is not None:
                return chinese + rest
    for english, chinese in _TRAILING:
        if text.endswith(english) and len(text) > len(english):
            rest = translate(text[: -len(english)])
            if rest is not None:
                return rest + chinese
    return _clauses(text)


def _in_place(text: str | None) -> str | None:
    """A text node translated, its leading and trailing whitespace kept (the spaces between inline elements)."""
    if not text or not text.strip():
        return text
    chinese = translate(text)
    if chinese is None:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return lead + chinese + trail


def _skipped(element) -> bool:
    return element.tag in SKIPPED or element.get("translate") == "no"


def _walk(element) -> None:
    if not isinstance(element.tag, str):  # a comment or a processing instruction
        return
    for name in READ_ATTRIBUTES:
        value = element.get(name)
        if value:
            element.set(name, _in_place(value))
    if element.tag == "input" and (element.get("type") or "").lower() in BUTTON_INPUTS and element.get("value"):
        element.set("value", _in_place(element.get("value")))
    if _skipped(element):
        return
    element.text = _in_place(element.text)
    for child in element:
        _walk(child)
        if isinstance(child.tag, str) or child.tail:
            child.tail = _in_place(child.tail)


def to_chinese(page: str) -> str:
    """A rendered desk page in Simplified Chinese, <html lang="zh-CN">."""
    document = lxml_html.document_fromstring(page)
    document.set("lang", HTML_LANG["zh"])
    _walk(document)
    return "<!doctype html>\n" + lxml_html.tostring(document, encoding="unicode")


def in_language(page: str, language: str | None) -> str:
    return to_chinese(page) if language == "zh" else page


_SVG_TEXT = frozenset({"text", "tspan", "title", "desc"})


def svg_in_language(svg: str, language: str | None) -> str:
    """A chart of desk/charts.py (its words are SVG text) with its <text>, <title> and <desc> in Chinese."""
    if language != "zh":
        return svg
    root = etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in _SVG_TEXT:
            element.text = _in_place(element.text)
            for child in element:
                child.tail = _in_place(child.tail)
    root.set("lang", HTML_LANG["zh"])
    return etree.tostring(root.getroottree(), encoding="unicode")
