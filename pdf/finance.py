"""render_finance: the village finance disclosure (村级财务收支公开) for the board.

The entries run by date, as in the accountant's ledger, with a 类别 column naming which of
the 8 disclosure categories each belongs to, income and expense in separate columns, and a
本页小计 on every page. After the 本期合计 come the balance reconciliation (期初 + 收入 −
支出 = 期末, each in 大写), a 分类汇总 by category, the supervision committee's review line
and the usual closing block (QR, verify code, seal box). The page furniture (title, footer,
marks, QR) is the payout notice's own, so both kinds look like one house.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from pdf.amounts import balance_in_words, format_yuan
from pdf.blocks import (
    Block,
    Box,
    _paragraph,
    closing_block,
    footer,
    footer_lines,
    format_date,
    running_head,
    title_block,
)
from pdf.drawing import draw_block, draw_footer, draw_marks, draw_qr, draw_rows, open_canvas
from pdf.finance_model import FinanceDoc, FinanceLine
from pdf.fonts import FontSet, check_renderable, clean_text, load_fonts
from pdf.layout import Cell, Row, Style, header_lines
from pdf.model import NoticeDoc
from pdf.notice import STYLE
from pdf.wrap import wrap

# key, title, alignment, shrinks when the page is narrow
_COLUMNS = (
    ("date", "日期", "center", False),
    ("voucher", "凭证号", "center", True),
    ("summary", "摘要", "left", False),
    ("category", "类别", "center", True),
    ("income", "收入（元）", "right", False),
    ("expense", "支出（元）", "right", False),
    ("handler", "经手人", "center", True),
    ("approver", "审批人", "center", True),
)
_SUMMARY_MIN_EM = 6   # below this the 摘要 wraps every two words: shrink the others first
_GAP = 10             # between the blocks after the table


@dataclass
class _Col:
    key: str
    title: str
    x: float
    width: float
    align: str


@dataclass
class FinancePage:
    number: int
    rows: list[Row] = field(default_factory=list)
    tail: list[tuple[Block, list[Row]]] = field(default_factory=list)
    income_fen: int = 0
    expense_fen: int = 0


def check_finance(doc: FinanceDoc) -> None:
    """Refuse data that would print a disclosure whose numbers do not add up."""
    for n, line in enumerate(doc.lines, 1):
        for value in (line.income_fen, line.expense_fen):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"第{n}笔金额必须是整数分，得到 {value!r}")
    income = sum(line.income_fen for line in doc.lines)
    expense = sum(line.expense_fen for line in doc.lines)
    if (income, expense) != (doc.income_fen, doc.expense_fen):
        raise ValueError(f"逐笔相加收入 {income} 分、支出 {expense} 分，与合计 "
                         f"{doc.income_fen} 分、{doc.expense_fen} 分不符")
    if doc.opening_fen + doc.income_fen - doc.expense_fen != doc.closing_fen:
        raise ValueError(f"期初 {doc.opening_fen} + 收入 {doc.income_fen} − 支出 "
                         f"{doc.expense_fen} ≠ 期末 {doc.closing_fen}（分）")
    if doc.period_end < doc.period_start:
        raise ValueError(f"公示期结束 {doc.period_end} 早于开始 {doc.period_start}")


def shell(doc: FinanceDoc) -> NoticeDoc:
    """The page furniture's view of the disclosure (title, footer, closing, marks)."""
    return NoticeDoc(
        title=doc.title, issuer=doc.issuer, region_name=doc.region_name, intro=doc.intro,
        columns=("name", "amount"), lines=(), total_fen=0, period_start=doc.period_start,
        period_end=doc.period_end, supervision_phone=doc.supervision_phone,
        report_phone=doc.report_phone, verify_code=doc.verify_code, url=doc.url,
        issued_on=doc.issued_on, draft=doc.draft, correction_of=doc.correction_of,
        correction_reason=doc.correction_reason, withdrawn=doc.withdrawn,
    )


def _cell_texts(line: FinanceLine) -> list[str]:
    def money(fen: int) -> str:
        return format_yuan(fen) if fen else ""
    return [f"{line.booked_on.month}月{line.booked_on.day}日", clean_text(line.voucher_no).strip(),
            clean_text(line.summary).strip(), clean_text(line.category).strip(),
            money(line.income_fen), money(line.expense_fen), clean_text(line.handler).strip(),
            clean_text(line.approver).strip()]


def finance_texts(doc: FinanceDoc) -> Iterator[tuple[str, str]]:
    """Every untrusted text that will be printed, labelled for FontError messages."""
    yield from (("标题", doc.title), ("发布单位", doc.issuer), ("公示范围", doc.region_name),
                ("说明", doc.intro), ("期间", doc.period_label),
                ("监督电话", doc.supervision_phone), ("举报电话", doc.report_phone),
                ("更正原因", doc.correction_reason))
    if doc.review:
        yield from (("审核意见", doc.review.opinion), ("审核人", doc.review.reviewer))
    for n, line in enumerate(doc.lines, 1):
        for (_, title, _, _), text in zip(_COLUMNS, _cell_texts(line), strict=True):
            yield f"第{n}笔 {title}", text


def _plan_columns(texts: list[list[str]], totals: list[str], fonts: FontSet,
                  style: Style) -> list[_Col]:
    em, pad = style.table_size, 2 * style.pad_x
    natural = []
    for i, (key, title, _, _) in enumerate(_COLUMNS):
        values = {row[i] for row in texts}
        if key in ("income", "expense"):
            values |= set(totals)
        head = max(fonts.width(p, em) for p in ("收入", "（元）", title[:3]))
        natural.append(max([fonts.width(v, em) for v in values] + [head]) + pad)
    summary = 2
    fixed = sum(w for i, w in enumerate(natural) if i != summary)
    room = style.content_width - fixed
    floor = _SUMMARY_MIN_EM * em + pad
    if room < floor:
        # A category may wrap after two characters; a 3-character name or a voucher number
        # should not break at all.
        lows = {"voucher": natural[1], "category": 2 * em + pad,
                "handler": min(natural[6], 3 * em + pad), "approver": min(natural[7], 3 * em + pad)}
        soft = [i for i, c in enumerate(_COLUMNS) if c[3]]
        slack = sum(natural[i] - lows[_COLUMNS[i][0]] for i in soft)
        take = min(floor - room, max(slack, 0))
        for i in soft:
            give = natural[i] - lows[_COLUMNS[i][0]]
            natural[i] -= give * take / slack if slack > 0 else 0
        room = style.content_width - sum(w for i, w in enumerate(natural) if i != summary)
    natural[summary] = max(room, 2 * em + pad)
    cols, x = [], style.content_left
    for (key, title, align, _), width in zip(_COLUMNS, natural, strict=True):
        cols.append(_Col(key, title, x, width, align))
        x += width
    return cols


def fit_style(doc: FinanceDoc, fonts: FontSet, style: Style) -> Style:
    """Portrait unless the 摘要 would be squeezed below its floor (large print on A4): eight
    columns then go landscape rather than break every summary after two characters."""
    if style.page_width > style.page_height:
        return style
    texts = [_cell_texts(line) for line in doc.lines]
    totals = [format_yuan(doc.income_fen), format_yuan(doc.expense_fen)]
    summary = _plan_columns(texts, totals, fonts, style)[2]
    if summary.width >= _SUMMARY_MIN_EM * style.table_size + 2 * style.pad_x - 0.01:
        return style
    return replace(style, page_width=style.page_height, page_height=style.page_width)


def _row(kind: str, cols: list[_Col], texts: list[str], fonts: FontSet, style: Style,
         bold: bool = False) -> Row:
    cells = []
    for col, text in zip(cols, texts, strict=True):
        inner = col.width - 2 * style.pad_x
        lines = tuple(wrap(text, inner, style.table_size, fonts)) if text else ()
        cells.append(Cell(col.x, col.width, lines, col.align, bold))
    return Row(kind, tuple(cells), style.row_height(max((len(c.lines) for c in cells),
                                                        default=1)))


def _header(cols: list[_Col], fonts: FontSet, style: Style) -> Row:
    cells = tuple(Cell(c.x, c.width, header_lines(c.title, c.width - 2 * style.pad_x,
                                                 style.table_size, fonts), "center", True)
                  for c in cols)
    return Row("header", cells, style.row_height(max(len(c.lines) for c in cells)))


def _sum_row(kind: str, label: str, income: int, expense: int, cols: list[_Col],
             fonts: FontSet, style: Style) -> Row:
    """本页小计/本期合计: the label spans 日期…类别, the sums sit under 收入 and 支出."""
    left, inc, exp, rest = cols[0], cols[4], cols[5], cols[6]
    end = cols[-1].x + cols[-1].width
    cells = (Cell(left.x, inc.x - left.x, (label,), "center", True),
             Cell(inc.x, inc.width, (format_yuan(income),), "right", True),
             Cell(exp.x, exp.width, (format_yuan(expense),), "right", True),
             Cell(rest.x, end - rest.x, ()))
    return Row(kind, cells, style.row_height(1))


def _grid(rows_text: list[list[str]], widths: list[float], aligns: list[str], top: float,
          fonts: FontSet, style: Style, *, header: bool) -> tuple[list[Row], float]:
    """A small ruled table at `top` (full text width); returns its rows and its bottom."""
    rows = []
    for n, texts in enumerate(rows_text):
        cells, x = [], style.content_left
        for text, width, align in zip(texts, widths, aligns, strict=True):
            lines = tuple(wrap(text, width - 2 * style.pad_x, style.table_size, fonts))
            bold = header and n == 0
            cells.append(Cell(x, width, lines, "center" if bold else align, bold))
            x += width
        row = Row("header" if header and n == 0 else "line", tuple(cells),
                  style.row_height(max(len(c.lines) for c in cells)), 0, top)
        rows.append(row)
        top -= row.height
    return rows, top


def _heading(block: Block, top: float, text: str, fonts: FontSet, style: Style) -> float:
    return _paragraph(block, top, text, style.body_size, style.body_leading, style.content_left,
                      style.content_width, fonts, bold=True)


def reconciliation(doc: FinanceDoc, top: float, fonts: FontSet,
                   style: Style) -> tuple[Block, list[Row]]:
    """期初 + 收入 − 支出 = 期末, the equation and each term with its 大写."""
    block = Block()
    top = _heading(block, top, "收支结算（期初余额 + 本期收入 − 本期支出 = 期末余额）", fonts,
                   style)
    equation = (f"{format_yuan(doc.opening_fen)} + {format_yuan(doc.income_fen)} − "
                f"{format_yuan(doc.expense_fen)} = {format_yuan(doc.closing_fen)}（元）")
    top = _paragraph(block, top, equation, style.body_size, style.body_leading,
                     style.content_left, style.content_width, fonts, bold=True) - 4
    em, pad = style.table_size, 2 * style.pad_x
    amounts = [format_yuan(f) for f in (doc.opening_fen, doc.income_fen, doc.expense_fen,
                                        doc.closing_fen)]
    label_w = fonts.width("期末余额（本期结余）", em) + pad
    amount_w = max(fonts.width(a, em) for a in [*amounts, "金额（元）"]) + pad
    widths = [label_w, amount_w, style.content_width - label_w - amount_w]
    rows_text = [["项目", "金额（元）", "大写"]] + [
        [label, amount, balance_in_words(fen)] for label, amount, fen in zip(
            ("期初余额（上期结余）", "加：本期收入", "减：本期支出", "期末余额（本期结余）"),
            amounts, (doc.opening_fen, doc.income_fen, doc.expense_fen, doc.closing_fen),
            strict=True)]
    rows, bottom = _grid(rows_text, widths, ["left", "right", "left"], top, fonts, style,
                         header=True)
    block.bottom = bottom
    return block, rows


# The 8 categories of 农村集体经济组织财务公开规定, in the order a board lists them.
CATEGORY_ORDER = ("财务计划", "各项收入", "各项支出", "各项资产", "各类资源", "债权债务",
                  "收益分配", "其他")


def by_category(lines: tuple[FinanceLine, ...]) -> list[tuple[str, int, int, int]]:
    """(category, entries, income, expense): the 8 categories in their order, then any other
    name the ledger used."""
    out: dict[str, list[int]] = {}
    for line in lines:
        sums = out.setdefault(clean_text(line.category).strip() or "其他", [0, 0, 0])
        sums[0] += 1
        sums[1] += line.income_fen
        sums[2] += line.expense_fen
    rank = {name: n for n, name in enumerate(CATEGORY_ORDER)}
    ordered = sorted(out.items(), key=lambda kv: rank.get(kv[0], len(rank)))
    return [(k, v[0], v[1], v[2]) for k, v in ordered]


def category_table(doc: FinanceDoc, top: float, fonts: FontSet,
                   style: Style) -> tuple[Block, list[Row]]:
    block = Block()
    top = _heading(block, top, "分类汇总", fonts, style)
    groups = by_category(doc.lines)
    rows_text = [["类别", "笔数", "收入（元）", "支出（元）"]] + [
        [name, str(count), format_yuan(inc), format_yuan(exp)] for name, count, inc, exp in groups]
    quarter = style.content_width / 4
    rows, bottom = _grid(rows_text, [quarter] * 4, ["left", "center", "right", "right"], top,
                         fonts, style, header=True)
    block.bottom = bottom
    return block, rows


def review_line(doc: FinanceDoc, top: float, fonts: FontSet,
                style: Style) -> tuple[Block, list[Row]]:
    """监督委员会审核意见, who and when, in a frame (it is what makes the page publishable)."""
    block = Block()
    left, width = style.content_left, style.content_width
    size, leading = style.body_size, style.body_leading
    if doc.review:
        opinion = clean_text(doc.review.opinion).strip()
        who = (f"审核人：{clean_text(doc.review.reviewer).strip()}　　"
               f"审核日期：{format_date(doc.review.reviewed_on)}")
    else:
        opinion, who = "（尚未签核：监督委员会审核前不得公开）", "审核人：　　　　　审核日期："
    inner = top - 6
    inner = _paragraph(block, inner, f"村务监督委员会审核意见：{opinion}", size, leading,
                       left + 8, width - 16, fonts, bold=True)
    inner = _paragraph(block, inner, who, size, leading, left + 8, width - 16, fonts)
    block.boxes.append(Box(left, inner - 6, width, top - inner + 6, width=1.0))
    block.bottom = inner - 6
    return block, []


_Item = Callable[[float, FontSet, Style], tuple[Block, list[Row]]]


def _tail_groups(doc: FinanceDoc) -> list[list[_Item]]:
    """The blocks after the table; each group stays on one page (the review line goes with
    the seal box and QR, so the closing block is never alone on a page)."""
    def closing(top: float, fonts: FontSet, style: Style) -> tuple[Block, list[Row]]:
        return closing_block(shell(doc), top, fonts, style), []

    def bind(fn: Callable[..., tuple[Block, list[Row]]]) -> _Item:
        return lambda top, fonts, style: fn(doc, top, fonts, style)

    return [[bind(reconciliation)], [bind(category_table)], [bind(review_line), closing]]


@dataclass
class FinancePlan:
    pages: list[FinancePage]
    title: Block
    head: Block
    footer_lines: list[str]
    footer_top: float
    closing_qr: tuple[int, tuple[float, float, float]] | None  # page number, x, y, size


def plan_finance(doc: FinanceDoc, fonts: FontSet | None = None,
                 style: Style = STYLE) -> FinancePlan:
    fonts = fonts or load_fonts()
    check_finance(doc)
    style = fit_style(doc, fonts, style)
    page_doc = shell(doc)
    texts = [_cell_texts(line) for line in doc.lines]
    totals = [format_yuan(doc.income_fen), format_yuan(doc.expense_fen)]
    cols = _plan_columns(texts, totals, fonts, style)
    header = _header(cols, fonts, style)
    entries = [(_row("line", cols, t, fonts, style), line) for t, line in zip(
        texts, doc.lines, strict=True)]
    sub_h = style.row_height(1)
    lines = footer_lines(page_doc, fonts, style)
    footer_top = footer(page_doc, lines, 1, 1, style).bottom
    title = title_block(page_doc, fonts, style)
    head = running_head(page_doc, fonts, style)
    floor = footer_top + sub_h + 2 * style.pad_y
    pages = [FinancePage(1)]
    y = title.bottom

    def start_table() -> None:
        nonlocal y
        pages[-1].rows.append(Row("header", header.cells, header.height, 0, y))
        y -= header.height

    def close_table() -> None:
        nonlocal y
        page = pages[-1]
        row = _sum_row("subtotal", "本页小计", page.income_fen, page.expense_fen, cols, fonts,
                       style)
        row.top = y
        y -= row.height
        page.rows.append(row)

    def new_page() -> None:
        nonlocal y
        pages.append(FinancePage(len(pages) + 1))
        y = head.bottom

    start_table()
    for n, (row, line) in enumerate(entries):
        # The last entry keeps the 本期合计 row on its page.
        need = row.height + (sub_h if n == len(entries) - 1 else 0)
        if need > y - floor and len(pages[-1].rows) > 1:
            close_table()
            new_page()
            start_table()
        row.top = y
        y -= row.height
        pages[-1].rows.append(row)
        pages[-1].income_fen += line.income_fen
        pages[-1].expense_fen += line.expense_fen
    close_table()
    total = _sum_row("total", "本期合计", doc.income_fen, doc.expense_fen, cols, fonts, style)
    total.top = y
    y -= total.height
    pages[-1].rows.append(total)
    closing_qr = None
    for group in _tail_groups(doc):
        height = sum(_GAP - item(0.0, fonts, style)[0].bottom for item in group)
        if y - height < footer_top + 4:
            new_page()
            y += _GAP  # no gap needed at the top of a page
        for item in group:
            block, rows = item(y - _GAP, fonts, style)
            pages[-1].tail.append((block, rows))
            if block.qr is not None:
                closing_qr = (pages[-1].number, block.qr)
            y = block.bottom
    return FinancePlan(pages, title, head, lines, footer_top, closing_qr)


def render_finance(doc: FinanceDoc, *, fonts: FontSet | None = None,
                   style: Style = STYLE) -> bytes:
    """PDF of the finance disclosure. Raises FontError for undrawable characters and
    ValueError for numbers that do not add up."""
    fonts = fonts or load_fonts()
    check_finance(doc)
    check_renderable(finance_texts(doc), fonts)
    style = fit_style(doc, fonts, style)
    plan = plan_finance(doc, fonts, style)
    page_doc = shell(doc)
    buffer, canvas, ops = open_canvas(doc.title, doc.issuer, doc.verify_code, fonts, style)
    total = len(plan.pages)
    for page in plan.pages:
        draw_marks(ops, page_doc, style, under=True)
        draw_block(ops, plan.title if page.number == 1 else plan.head)
        if page.rows:
            draw_rows(ops, page.rows, style)
        for block, rows in page.tail:
            if rows:
                draw_rows(ops, rows, style)
            draw_block(ops, block)
        draw_footer(ops, page_doc, plan.footer_lines, page.number, total, style, plan.footer_top)
        draw_marks(ops, page_doc, style, under=False)
        if plan.closing_qr and plan.closing_qr[0] == page.number and doc.url:
            draw_qr(ops, doc.url, *plan.closing_qr[1])
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()

