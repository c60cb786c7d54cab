"""The table of a special audit report on a performance commitment: 项目 / 承诺数 / 实际数 / 差额 / 完成率.

The header row is the row that names both a committed column (承诺数, 承诺金额, 业绩承诺数, 预测数 ...) and an
actual one (实际数, 实现数, 实际完成数 ...); each row under it whose label names a metric (营业收入, 净利润 ...)
gives its figures by column: in order when it prints one figure per header, else the column whose cell holds it.
Where the headers name the metric (承诺营业收入 / 实现营业收入) and the rows name periods, a net-profit metric is
that (so the report is not on revenue), and a revenue one is read only from a table of one period's row (never
a cumulative 累计 one): which of several periods is the Assessment Year is not guessed. The unit is the one
printed above the table or in its headers (单位：万元, 承诺数（万元）).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from compliance.extract.layout import PageWords, Row, Word, group_rows, phrases
from compliance.extract.numbers import Unit, is_nil, parse_amount, parse_currency, parse_unit
from compliance.values.text import compact

COMMITTED, ACTUAL, DIFFERENCE, RATE = "committed", "actual", "difference", "rate"
_HEADERS = (  # column -> the words its header prints (after compact()); the first that matches a header names it
    (ACTUAL, re.compile(r"实际数|实现数|实际完成数|实际实现数|实际金额|实际盈利数|实际净利润|实际营业收入|"
                        r"^实现(?:营业收入|净利润)")),
    (DIFFERENCE, re.compile(r"差额|差异|超额|未完成数")),
    (RATE, re.compile(r"完成率|实现率|完成比例|完成情况")),
    (COMMITTED, re.compile(r"承诺数|承诺金额|业绩承诺|承诺净利润|承诺营业收入|预测数|盈利预测|利润预测|承诺")),
)
REVENUE, NET_PROFIT, OTHER = "operating_revenue", "net_profit", "other"
_NET_PROFIT = re.compile(r"净利润|利润总额|扣除非经常性损益|扣非|归属于母公司")
_REVENUE = re.compile(r"营业收入|营业总收入|主营业务收入")
_TOTAL = re.compile(r"累计|合计|总计|小计")
_ROWS_BELOW = 12  # rows under the header read for metrics


def metric_of(label: str) -> str | None:
    """The metric a row label names: net profit wins (扣除非经常性损益后...净利润 may also print 收入), then
    operating revenue; None for a label naming neither (a total, a note)."""
    squeezed = compact(label)
    if _NET_PROFIT.search(squeezed):
        return NET_PROFIT
    if _REVENUE.search(squeezed):
        return REVENUE
    return None


@dataclass(frozen=True)
class MetricRow:
    page: int  # 1-based
    label: str
    metric: str
    figures: dict[str, Word]  # column -> the printed figure
    row_text: str

    def amount(self, column: str) -> Decimal | None:
        word = self.figures.get(column)
        return parse_amount(word.text) if word is not None else None


@dataclass(frozen=True)
class CommitmentTable:
    page: int  # 1-based
    rows: tuple[MetricRow, ...]
    unit: Unit | None
    header_top: float
    currency: str | None = None  # named with the unit (单位：人民币万元), else None

    def row(self, metric: str) -> MetricRow | None:
        return next((row for row in self.rows if row.metric == metric), None)

    @property
    def metrics(self) -> list[str]:
        return [row.metric for row in self.rows]


def _header_columns(row: Row) -> dict[str, Word]:
    columns: dict[str, Word] = {}
    for phrase in phrases(row):
        squeezed = compact(phrase.text)
        for column, pattern in _HEADERS:
            if pattern.search(squeezed) and column not in columns:
                columns[column] = phrase
                break
    return columns


def _column_of(word: Word, columns: dict[str, Word]) -> str | None:
    """The column whose cell holds the figure: it starts right of the previous header and ends left of the next
    one (a right-aligned figure stays inside its cell, under or beside its centred header)."""
    ordered = sorted(columns, key=lambda column: columns[column].x0)
    fits = []
    for position, column in enumerate(ordered):
        left = columns[ordered[position - 1]].x1 if position > 0 else float("-inf")
        right = columns[ordered[position + 1]].x0 if position + 1 < len(ordered) else float("inf")
        if left < word.x0 and word.x1 < right:
            fits.append(column)
    return fits[0] if len(fits) == 1 else None


def _figures(row: Row, columns: dict[str, Word]) -> tuple[str, dict[str, Word]]:
    """The row's label and its figures by column: in order when the row prints one figure per header, else each
    by where it stands (a figure that fits no one column is left out)."""
    label_words, numbers = [], []
    for word in row.words:
        text = word.text.strip().rstrip("%％")
        if parse_amount(text) is not None or is_nil(text):
            numbers.append(word)
        elif not numbers:
            label_words.append(word.text)
    ordered = sorted(columns, key=lambda column: columns[column].x0)
    if len(numbers) == len(ordered):
        return "".join(label_words), dict(zip(ordered, numbers, strict=True))
    figures: dict[str, Word] = {}
    for word in numbers:
        column = _column_of(word, columns)
        if column is not None:
            figures.setdefault(column, word)
    return "".join(label_words), figures


def read_table(words: PageWords, page: int, page_text: str) -> CommitmentTable | None:
    """The commitment table on one page (1-based `page`), or None when the page has no such header."""
    rows = group_rows(list(words.words))
    for number, row in enumerate(rows):
        columns = _header_columns(row)
        if ACTUAL not in columns or COMMITTED not in columns:
            continue
        metric_rows, by_header = [], []
        header_metric = metric_of("".join(columns[column].text for column in (COMMITTED, ACTUAL)))
        below_rows = rows[number + 1:number + 1 + _ROWS_BELOW]
        read = [_figures(below, columns) for below in below_rows]
        for position, below in enumerate(below_rows):
            label, figures = read[position]
            if figures and metric_of(label) is None:  # a label wrapped in its cell: rows above and below
                above = read[position - 1][0] if position > 0 and not read[position - 1][1] else ""
                after = read[position + 1][0] if position + 1 < len(read) and not read[position + 1][1] else ""
                label = above + label + after
            metric = metric_of(label)
            if metric is None and header_metric and COMMITTED in figures and ACTUAL in figures:
                by_header.append(MetricRow(page, label, header_metric, figures, below.text))
            if metric is None or not figures:
                continue
            metric_rows.append(MetricRow(page, label, metric, figures, below.text))
        if not metric_rows and by_header and (header_metric == NET_PROFIT or len(by_header) == 1
                                              and not _TOTAL.search(compact(by_header[0].label))):
            metric_rows = by_header  # the metric named in the headers (承诺营业收入 / 实现营业收入), a row per period
        unit = _unit(page_text, row)
        named = [line for line in page_text.splitlines() if "单位" in compact(line)] + [row.text]
        currency = next((code for line in named if (code := parse_currency(line))), None)
        return CommitmentTable(page, tuple(metric_rows), unit, row.top, currency)
    return None


def _unit(page_text: str, header: Row) -> Unit | None:
    """单位：万元 printed on the page (above the table), else a unit in a column header (承诺数（万元）)."""
    for line in page_text.splitlines():
        found = parse_unit(line)
        if found is not None:
            return found
    squeezed = compact(header.text)
    match = re.search(r"[(（](?:人民币)?(百万|千|万|亿)?元[)）]", squeezed)
    return parse_unit(f"单位：{match[1] or ''}元") if match else None
