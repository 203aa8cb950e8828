from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from notices.ledgers.payouts.sheet import ParsedSheet, Problem, read_payout_sheet
from tests.notices.fixtures.books import (
    HEADER,
    ODS_HEAD,
    ODS_TAIL,
    PEOPLE,
    TITLE,
    TOTAL_FEN,
    Formula,
    Sheet,
    clerk_sheet,
    csv_bytes,
    ods,
    ods_table,
    xlsx,
)
from tests.notices.fixtures.numbers import CARD, make_id
from villages.errors import InvalidInput

TODAY = date(2026, 3, 1)


def read(data: bytes, filename: str = "清册.xlsx", **kwargs: object) -> ParsedSheet:
    return read_payout_sheet(data, filename, today=TODAY, **kwargs)  # type: ignore[arg-type]


def problem_at(parsed: ParsedSheet, row: int, column: str = "") -> Problem:
    matches = [p for p in parsed.problems if p.row == row and (not column or p.column == column)]
    assert matches, f"no problem at row {row} {column}: {parsed.problems}"
    return matches[0]


def full_width(text: str) -> str:
    return text.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"} | {ord("."): "．"})


def test_realistic_workbook() -> None:
    second = Sheet(
        "二组",
        [HEADER, [1, "赵庄村", "1组", "赵六", make_id(seq=9), 1.0, 105.12, 105.12, "", "", ""]],
    )
    hidden = Sheet("旧表", [HEADER, [1, "x", "x", "x", "bad id", 1, 1, -5]], hidden=True)
    notes = Sheet("填表说明", [["本表由村会计填写"], ["金额单位：元"]])
    parsed = read(xlsx(clerk_sheet(), second, hidden, notes))

    assert parsed.problems == ()
    assert [(r.sheet, r.row, r.village, r.name) for r in parsed.rows] == [
        ("发放清册", 4, "张庄村", "张三"),
        ("发放清册", 5, "张庄村", "李四"),  # filled down from the merged cell
        ("发放清册", 6, "张庄村", "王小五"),
        ("发放清册", 7, "李庄村", "欧阳明"),
        ("二组", 2, "赵庄村", "赵六"),
    ]
    first = parsed.rows[0]
    assert first.id_number == PEOPLE[0][3]
    assert (first.quantity, first.unit, first.rate_fen, first.amount_fen) == (
        Decimal("5.5"), "亩", 10512, 57816,
    )  # fmt: skip
    assert (first.group, first.bank_account, first.phone, first.note) == (
        "1组", CARD, "13812345678", "",
    )  # fmt: skip
    assert parsed.rows[4].bank_account == ""
    assert parsed.declared_total_fen == TOTAL_FEN
    assert parsed.column_map["身份证号码"] == "id_number"
    assert parsed.column_map["补贴金额（元）"] == "amount"
    assert parsed.column_map["计税面积（亩）"] == "quantity"
    skipped = {(w.sheet, w.message) for w in parsed.warnings}
    assert ("旧表", "隐藏的工作表，已跳过") in skipped
    assert any(s == "填表说明" and "没有找到表头" in m for s, m in skipped)


def test_full_width_digits_spaces_and_text_cells() -> None:
    id_number = make_id(seq=5)
    row = [1, " 张庄村\u00a0", "１组", " 张  三 ", f" {full_width(id_number)} ", "５．５",
           "１０５．１２", "￥５７８．１６", f"{CARD[:4]} {CARD[4:]}", "138 1234 5678",
           "无"]  # fmt: skip
    parsed = read(xlsx(Sheet("表", [HEADER, row])))
    assert parsed.problems == ()
    [got] = parsed.rows
    assert (got.village, got.group, got.name, got.id_number) == ("张庄村", "1组", "张三", id_number)
    assert (got.quantity, got.rate_fen, got.amount_fen) == (Decimal("5.5"), 10512, 57816)
    assert (got.bank_account, got.phone, got.note) == (CARD, "13812345678", "无")


def test_every_problem_is_collected_with_place() -> None:
    good = make_id(seq=1)
    bad_check = good[:17] + str((int(good[17]) + 1) % 10)
    rows = [
        [TITLE],
        HEADER,
        [1, "张庄村", "1组", "张三", float(good), 1, 100, 100, "", "", ""],  # ID stored as number
        [2, "张庄村", "1组", "李四", bad_check, 1, 100, 100, "", "", ""],
        [3, "张庄村", "1组", "王五", make_id(seq=3), 1, 100, Formula("=F5*G5"), "", "", ""],
        [4, "张庄村", "1组", "赵六", make_id(seq=4), 1, 100, "100.123", "", "", ""],
        [5, "张庄村", "1组", "钱七", make_id(seq=5), 1, 100, -100, "", "", ""],
        [6, "张庄村", "1组", "孙八", make_id(seq=6), 1, 100, 100, CARD[:-1] + "0", "", ""],
        [7, "张庄村", "1组", "周九", good, 1, 100, 100, "", "", ""],
        [8, "张庄村", "1组", "", make_id(seq=8), 1, 100, 100, "", "", ""],
        [9, "", "1组", "吴十", "4.10521E+17", 1, 100, 100, "", "", ""],
    ]
    parsed = read(xlsx(Sheet("一组", rows)))
    id_col, amount_col = "身份证号码", "补贴金额（元）"

    assert "Excel转成了数字" in problem_at(parsed, 3, id_col).message
    assert problem_at(parsed, 4, id_col).message == "身份证号校验码不正确（可能有数字抄错）"
    assert "公式" in problem_at(parsed, 5, amount_col).message
    assert "两位小数" in problem_at(parsed, 6, amount_col).message
    assert "负数" in problem_at(parsed, 7, amount_col).message
    assert "校验不通过" in problem_at(parsed, 8, "一卡通账号").message
    assert problem_at(parsed, 10, "户主姓名").message.startswith("姓名为空")
    assert problem_at(parsed, 11, "村名").message == "村名为空"
    assert "Excel转成了数字" in problem_at(parsed, 11, id_col).message
    assert all(p.sheet == "一组" for p in parsed.problems)
    assert [r.row for r in parsed.rows] == [9]  # row 3 had no readable ID: no duplicate
    for p in parsed.problems:  # no full ID or card number anywhere in the report
        for secret in (good, bad_check, CARD):
            assert secret not in p.value and secret not in p.message


def test_duplicate_ids_name_both_rows() -> None:
    same = make_id(seq=7)
    rows = [HEADER] + [[i, "张庄村", "1组", n, same, 1, 100, 100, "", "", ""]
                       for i, n in enumerate(["张三", "李四"])]  # fmt: skip
    parsed = read(xlsx(Sheet("表", rows), Sheet("表2", rows)))
    assert [(p.sheet, p.row, p.message) for p in parsed.problems] == [
        ("表", 3, "身份证号码与第2行重复"),
        ("表2", 2, "身份证号码与工作表“表”第2行重复"),
        ("表2", 3, "身份证号码与工作表“表”第2行重复"),
    ]
    assert "*" in parsed.problems[0].value and same not in parsed.problems[0].value


def test_total_mismatch_and_product_warning() -> None:
    sheet = clerk_sheet()
    sheet.rows[4][7] = 1051.21  # one fen more than 10 亩 × 105.12
    parsed = read(xlsx(sheet))
    total_row = len(sheet.rows)  # the 合计 row is the sheet's last, so the clerk finds it there
    [total] = [p for p in parsed.problems if "表内合计" in p.message]
    assert (total.row, total.column) == (total_row, "补贴金额（元）")
    assert total.message == "表内合计 2,181.24 元，逐行相加 2,181.25 元"
    assert parsed.declared_total_fen == TOTAL_FEN
    [warning] = [w for w in parsed.warnings if w.row == 5]
    assert "10.0 × 105.12 = 1,051.20 元" in warning.message
    assert "1,051.21" in warning.message


def test_rows_below_total_are_not_read() -> None:
    sheet = clerk_sheet()
    sheet.rows.append(["制表人：张会计", None, None, "审核人：李书记"])
    sheet.rows.append([9, "张庄村", "1组", "迟到", make_id(seq=99), 1, 1, 1])
    parsed = read(xlsx(sheet))
    assert len(parsed.rows) == 4 and parsed.problems == ()
    assert any(w.row == 10 and "合计行下面" in w.message for w in parsed.warnings)


def test_footer_and_subtotal_rows() -> None:
    rows: list[list[object]] = [HEADER]
    rows += [[1, "张庄村", "1组", "张三", make_id(seq=1), 1, 100, 100]]
    rows += [["张庄村小计", None, None, None, None, None, None, 100]]
    rows += [[2, "李庄村", "1组", "李四", make_id(seq=2), 1, 100, 100]]
    rows += [["制表人：王五", None, None, None, None]]
    parsed = read(xlsx(Sheet("表", rows)))
    assert [r.row for r in parsed.rows] == [2, 4] and parsed.problems == ()
    assert parsed.declared_total_fen is None
    assert any("小计" in w.message for w in parsed.warnings)


def test_blank_rows_and_numbered_empty_rows_are_skipped() -> None:
    rows: list[list[object]] = [HEADER, [1, "张庄村", "1组", "张三", make_id(seq=1), 1, 1, 1]]
    rows += [[], [None, " ", "", "\u3000"], [3], [4]]  # empty template rows keep their 序号
    parsed = read(xlsx(Sheet("表", rows)))
    assert len(parsed.rows) == 1 and parsed.problems == ()


def test_csv_utf8_bom_and_gbk_give_the_same_rows() -> None:
    rows = [[TITLE], HEADER]
    for i, (village, group, name, id_number, area, amount) in enumerate(PEOPLE):
        rows.append([i + 1, village if i in (0, 3) else "", group, name, id_number, area,
                     "105.12", amount, CARD, "13812345678", ""])  # fmt: skip
    rows.append(["合计", "", "", "", "", "", "", f"{TOTAL_FEN / 100:.2f}"])
    utf8 = read(csv_bytes(rows, "utf-8-sig"), "清册.csv")
    gbk = read(csv_bytes(rows, "gbk"), "清册.csv")
    assert utf8.problems == () and gbk.problems == ()
    assert [r.village for r in utf8.rows] == ["张庄村", "张庄村", "张庄村", "李庄村"]  # filled down
    assert (utf8.rows[0].sheet, utf8.rows[0].row) == ("清册", 3)
    strip = [(r.row, r.village, r.name, r.id_number, r.amount_fen) for r in utf8.rows]
    assert strip == [(r.row, r.village, r.name, r.id_number, r.amount_fen) for r in gbk.rows]
    assert utf8.declared_total_fen == gbk.declared_total_fen == TOTAL_FEN


def test_tab_separated_text() -> None:
    text = (
        "\t".join(HEADER)
        + "\n"
        + "\t".join(["1", "张庄村", "1组", "张三", make_id(seq=1), "1", "100", "100", "", "", ""])
    )
    parsed = read(text.encode("utf-8"), "export.txt")
    assert len(parsed.rows) == 1 and parsed.problems == ()


def test_default_village_and_column_map_override() -> None:
    rows = [["受益人", "证件", "补贴款"], ["张三", make_id(seq=1), 12.5]]
    with pytest.raises(InvalidInput):
        read(xlsx(Sheet("表", rows)))
    column_map = {"受益人": "name", "证件": "id_number", "补贴款": "amount"}
    parsed = read(xlsx(Sheet("表", rows)), column_map=column_map, default_village="张庄村")
    [got] = parsed.rows
    assert (got.village, got.name, got.amount_fen, got.group) == ("张庄村", "张三", 1250, "")
    assert parsed.column_map == column_map
    with pytest.raises(InvalidInput, match="未知的字段"):
        read(xlsx(Sheet("表", rows)), column_map={"受益人": "nonsense"})


def test_header_variants() -> None:
    header = ["村（社区）", "组 别", "农户\n姓名", "公民身份号码", "面积(亩)", "单价(元/亩)",
              "金额（元）", "银行卡号", "手机号", "备注"]  # fmt: skip
    rows = [["说明"], header, ["张庄村", "2", "张三", make_id(seq=1), 1, 100, 100, "", "", ""]]
    parsed = read(xlsx(Sheet("表", rows)))
    assert parsed.problems == ()
    assert parsed.column_map["农户姓名"] == "name" and parsed.column_map["组别"] == "group"
    assert parsed.rows[0].unit == "亩"


def test_missing_required_column_is_reported() -> None:
    rows = [["村名", "户主姓名", "补贴金额"], ["张庄村", "张三", 100]]
    good = Sheet("好表", [HEADER, [1, "张庄村", "1组", "张三", make_id(seq=1), 1, 1, 1]])
    parsed = read(xlsx(Sheet("坏表", rows), good))
    assert [(p.sheet, p.message) for p in parsed.problems] == [
        ("坏表", "缺少必需的列：身份证号码（表头需在前5行）")
    ]
    with pytest.raises(InvalidInput, match="没有找到可用的表头") as caught:
        read(xlsx(Sheet("坏表", rows)))
    assert caught.value.details["problems"][0]["sheet"] == "坏表"
    assert list(caught.value.details["layout"]["columns"]) == ["村名", "户主姓名", "补贴金额"]


def test_ods() -> None:
    rows = [HEADER, [1, "张庄村", "1组", "张三", make_id(seq=1), 1.5, 100, 150, "", "", ""]]
    parsed = read(ods(ODS_HEAD + ods_table("表", rows) + ODS_TAIL), "清册.ods")
    assert parsed.problems == ()
    assert [(r.row, r.amount_fen, r.quantity) for r in parsed.rows] == [(2, 15000, Decimal("1.5"))]


def test_future_birth_date_uses_today() -> None:
    rows = [HEADER, [1, "张庄村", "1组", "张三", make_id(born=date(2026, 6, 1)), 1, 1, 1]]
    parsed = read(xlsx(Sheet("表", rows)))
    assert "晚于今天" in parsed.problems[0].message


def test_rate_with_many_decimals_is_only_a_warning_once() -> None:
    rows = [HEADER] + [
        [i, "张庄村", "1组", f"张{i}", make_id(seq=i), 2, 94.7453, 189.49] for i in range(1, 4)
    ]
    parsed = read(xlsx(Sheet("表", rows)))
    assert parsed.problems == () and [r.rate_fen for r in parsed.rows] == [None] * 3
    assert [w.row for w in parsed.warnings if "未核对数量×标准" in w.message] == [2]
