"""The scanner catches IDs, bank cards and mobiles in every spelling people use, and lets the
innocent numbers of a notice (amounts, dates, region codes, 凭证号, landlines…) through."""

from __future__ import annotations

import random
import time
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from notices.privacy.scanner import find_personal_numbers
from tests.notices.fixtures.numbers import luhn_complete, make_id

ID_A = make_id("419901", date(1971, 2, 11), 272)
ID_B = make_id("419901", date(1982, 5, 20), 645)
ID_X = next(i for n in range(1000) if (i := make_id("410521", date(1990, 1, 1), n))[-1] == "X")
ID15 = "419901710211272"  # first generation: born 1971-02-11
CARD19 = luhn_complete("622848280700159450")
CARD16 = luhn_complete("622202123456789")
CARD17 = luhn_complete("6217001234567890")
CARD18 = next(c for n in range(100) if not (c := luhn_complete(f"62170012345678{n:03d}"))
              .startswith("X") and c[-1] != "X")
MOBILE = "13159212363"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CHINESE = str.maketrans("0123456789", "〇一二三四五六七八九")
CAPITAL = str.maketrans("0123456789", "零壹贰叁肆伍陆柒捌玖")


def groups(number: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at:at + size])
        at += size
    parts.append(number[at:])
    return sep.join(p for p in parts if p)


# (spelling, kind): each must be found, whatever text surrounds it.
CAUGHT = [
    # 18-digit IDs
    (ID_A, "id18"),
    (groups(ID_A, (6, 4, 4), " "), "id18"),  # 419901 1971 0211 2727
    (groups(ID_B, (6, 8), "."), "id18"),  # 419901.19820520.6456
    (groups(ID_A, (6, 4, 4), "、"), "id18"),
    (groups(ID_A, (6, 8), "\u3000"), "id18"),  # ideographic space
    (groups(ID_A, (6, 8), "－"), "id18"),  # full-width dash
    (groups(ID_A, (6, 8), "-"), "id18"),
    (groups(ID_A, (6, 8), "/"), "id18"),
    (groups(ID_A, (6, 8), "·"), "id18"),
    (groups(ID_A, (6, 8), "\u00a0"), "id18"),
    (groups(ID_A, (6, 8), "\u2009"), "id18"),  # thin space
    (groups(ID_A, (4, 4, 4, 4), "\u200b"), "id18"),  # zero-width space
    (groups(ID_A, (3, 3, 4, 4), "\t"), "id18"),
    (groups(ID_A, (6, 8), " – "), "id18"),
    (ID_A.translate(FULL_WIDTH), "id18"),
    (ID_A.translate(CHINESE), "id18"),
    (ID_A.translate(CAPITAL), "id18"),
    (groups(ID_A.translate(CHINESE), (6, 8), " "), "id18"),
    (groups(ID_A, (14,), "\n"), "id18"),  # split across lines
    (groups(ID_A, (10,), " | "), "id18"),  # split across markdown cells
    (groups(ID_A, (9,), "\r\n"), "id18"),
    (" ".join(ID_A), "id18"),  # digit by digit
    (ID_X, "id18"),
    (ID_X[:-1] + "x", "id18"),
    (ID_X[:-1] + "ｘ", "id18"),
    (groups(ID_X, (6, 8), " "), "id18"),
    (groups(ID_B, (6, 4, 4), "．"), "id18"),  # full-width full stop
    (groups(ID_B, (6, 8), "—"), "id18"),
    # 15-digit IDs
    (ID15, "id15"),
    (groups(ID15, (6, 6), " "), "id15"),
    (groups(ID15, (6, 6), "-"), "id15"),
    (ID15.translate(FULL_WIDTH), "id15"),
    (ID15.translate(CHINESE), "id15"),
    # bank cards, 16–19 digits with Luhn
    (CARD19, "bank"),
    (CARD16, "bank"),
    (CARD17, "bank"),
    (CARD18, "bank"),
    (groups(CARD19, (6,), " "), "bank"),  # 622848 2807001594502
    (groups(CARD19, (4, 4, 4, 4), " "), "bank"),
    (groups(CARD19, (4, 4, 4, 4), "."), "bank"),
    (groups(CARD19, (4, 4, 4, 4), "-"), "bank"),
    (groups(CARD19, (4, 4, 4, 4), "、"), "bank"),
    (groups(CARD19, (4, 4, 4, 4), "\u3000"), "bank"),
    (groups(CARD16, (4, 4, 4), " "), "bank"),
    (groups(CARD16, (4, 4, 4), "－"), "bank"),
    (groups(CARD17, (6,), "."), "bank"),
    (CARD19.translate(FULL_WIDTH), "bank"),
    (CARD16.translate(CHINESE), "bank"),
    (CARD16.translate(CAPITAL), "bank"),
    (groups(CARD19, (16,), "\n"), "bank"),  # split across lines
    (groups(CARD19, (12,), " | "), "bank"),
    (" ".join(CARD16), "bank"),
    (groups(CARD19, (4, 4, 4, 4), " / "), "bank"),
    # mobiles
    (MOBILE, "mobile"),
    ("+86" + MOBILE, "mobile"),  # +8613159212363
    ("0086" + MOBILE, "mobile"),
    ("86" + MOBILE, "mobile"),
    ("+86 " + MOBILE, "mobile"),
    ("(+86)" + MOBILE, "mobile"),
    ("0086-" + MOBILE, "mobile"),
    ("＋８６" + MOBILE.translate(FULL_WIDTH), "mobile"),
    ("145 736 38560", "mobile"),
    ("177 24385469", "mobile"),
    (groups(MOBILE, (3, 4), "-"), "mobile"),
    (groups(MOBILE, (3, 4), " "), "mobile"),
    (groups(MOBILE, (3, 4), "."), "mobile"),
    (groups(MOBILE, (3, 4), "、"), "mobile"),
    (groups(MOBILE, (3, 4), "\u3000"), "mobile"),
    (groups(MOBILE, (3, 4), "－"), "mobile"),
    (groups(MOBILE, (3, 4), "/"), "mobile"),
    (groups(MOBILE, (4,), " "), "mobile"),
    ("+86 " + groups(MOBILE, (3, 4), " "), "mobile"),
    ("+86-" + groups(MOBILE, (3, 4), "-"), "mobile"),
    (MOBILE.translate(FULL_WIDTH), "mobile"),
    (MOBILE.translate(CHINESE), "mobile"),
    ("幺三幺五九二幺二三六三", "mobile"),
    (MOBILE.translate(CAPITAL), "mobile"),
    (" ".join(MOBILE), "mobile"),
    (groups(MOBILE, (3, 4), "\n"), "mobile"),
    (groups(MOBILE, (7,), " | "), "mobile"),
    (groups(MOBILE.translate(CHINESE), (3, 4), " "), "mobile"),
]

# Numbers a notice legitimately shows, each of which must pass.
INNOCENT = [
    # amounts and totals
    "金额 1,234.56 元", "合计：123456789.00元", "人民币壹万贰仟叁佰肆拾伍元陆角柒分",
    "1200.00 1350.00 980.50 2400.00", "1200.00\n1350.00\n980.50\n2400.00\n18600.00",
    "小计 12,345,678.90", "本页小计 98765.43 合计 1234567.89", "补贴 1,200.00、1,350.00、980.50",
    "¥123456.78", "￥ 12 345 678.00",
    # dates and periods
    "2026-10-12", "2026.10.12—2026.10.18", "2026年10月12日至2026年10月18日",
    "二〇二六年十月十二日", "公示期：2026/10/12 - 2026/10/18", "20261012-20261018",
    "20261012 20261018", "2026-10-12 10:00:00", "2023、2024、2025、2026年度",
    "2022 2023 2024 2025 2026", "1990-01-01 至 2026-12-31", "202610 202611 202612",
    # region codes, catalog items, verify codes
    "419901100201", "统计用区划代码 419901100201、419901100202", "419901 100 201",
    "419901100201 东湖村 419901100202 西岗村", "区划 419901101201，2026 年",
    "核验码 7F3K-92QD", "核验 7F3K92QD", "核验码 1234-5678", "事项编码 TS-2026-000123",
    # 凭证号 and serials
    "凭证号 记-015", "凭证号 202610-0015", "凭证号：记字第0015号", "收-2026-10-015",
    "记账凭证 2026-10-0001 至 2026-10-0123", "批次 2026100001", "第 2026-015 号",
    "发票号码 12345678901234567890",
    # landlines and official lines
    "0376-7712345", "0376 7712345", "（0376）7712345", "0376-77123456", "400-800-1234",
    "12345", "12317", "95599", "监督电话：0376－7712345、0376－7712346",
    # area × rate, counts
    "2.5亩 × 120.00元/亩 = 300.00元", "3.25 × 120.00", "1234.56 亩 × 95.00 元",
    "共 1234 户 5678 人", "12.5 亩，每亩 103.00 元，计 1287.50 元",
    "各组面积 6200、4800、4700、3800 亩", "补贴 6200 5300 4100 4400 元",  # Luhn-valid runs
    # masked numbers and lookalikes that are not personal
    "419901********2727", "138****5678", "6228 **** **** 4502", "213812345678",
    "身份证号 419901*****1272", "12812345678", "1381234567",
    "序号 1 2 3 4 5 6 7 8 9 10", "一卡通发放，第一组、第二组、第三组",
    "十一月十二日至十一月十八日", "版本 v2.0.1", "1/2 1/3 1/4",
]


@pytest.mark.parametrize(("spelling", "kind"), CAUGHT)
def test_every_spelling_of_a_personal_number_is_caught(spelling: str, kind: str) -> None:
    text = f"备注：{spelling}，已核实。"
    findings = find_personal_numbers(text)
    assert [f.kind for f in findings] == [kind], spelling
    assert 3 <= findings[0].start < findings[0].end <= 3 + len(spelling)  # inside the number


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_numbers_pass(text: str) -> None:
    assert find_personal_numbers(f"说明：{text}。") == []


def test_the_corpus_is_large_enough_and_reports_no_false_positive() -> None:
    assert len(CAUGHT) >= 60 and len(INNOCENT) >= 60
    false_positives = [t for t in INNOCENT if find_personal_numbers(t)]
    missed = [s for s, _ in CAUGHT if not find_personal_numbers(s)]
    assert (false_positives, missed) == ([], [])


def test_a_mobile_after_a_landline_is_found_and_the_landline_is_not() -> None:
    text = "监督电话 0376-7712345 13159212363"
    [finding] = find_personal_numbers(text)
    assert finding.kind == "mobile" and text[finding.start:finding.end] == MOBILE


def test_whitelisted_numbers_pass_in_any_spelling_and_are_not_glued_to_neighbours() -> None:
    whitelist = frozenset({"+86 139-0000-0000", "0376-7712345"})
    assert find_personal_numbers("监督电话 139 0000 0000、0086 13900000000", whitelist) == []
    assert find_personal_numbers("电话 0376 7712345 13900000000", whitelist) == []
    [finding] = find_personal_numbers(f"电话 13900000000 {MOBILE}", whitelist)
    assert finding.masked == "131****2363"


def test_two_numbers_in_one_chain_are_both_found() -> None:
    text = f"{groups(ID_A, (6, 4, 4), ' ')} {groups(CARD19, (4, 4, 4, 4), ' ')}"
    assert [f.kind for f in find_personal_numbers(text)] == ["id18", "bank"]


def test_findings_are_masked_and_never_hold_the_number() -> None:
    for spelling, _ in CAUGHT:
        for finding in find_personal_numbers(spelling):
            assert "*" in finding.masked
            assert finding.masked not in (ID_A, ID_B, ID_X, ID15, CARD19, MOBILE)
            assert all(n not in finding.message for n in (ID_A, CARD19, MOBILE))


SEPARATORS = [" ", "\u3000", "\u00a0", "\u2002", ".", "-", "－", "、", "/", "·", "\n", "\t"]


@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2020, 12, 31)),
       st.integers(min_value=110000, max_value=829999), st.integers(0, 999),
       st.integers(4, 8), st.lists(st.integers(3, 8), max_size=3), st.randoms(),
       st.sampled_from(SEPARATORS))
def test_a_grouped_id_is_caught_with_any_separator(born: date, region: int, seq: int,
                                                   long: int, sizes: list[int],
                                                   rng: random.Random, sep: str) -> None:
    number = make_id(str(region), born, seq)
    sizes.insert(rng.randint(0, len(sizes)), long)  # one group of 4+ digits somewhere
    spelt = groups(number, tuple(sizes), sep)
    found = find_personal_numbers(f"身份证：{spelt} 张三")
    assert [f.kind for f in found] == ["id18"]


@given(st.text(alphabet="0123456789", min_size=10, max_size=10),
       st.lists(st.integers(3, 5), min_size=1, max_size=3), st.sampled_from(SEPARATORS),
       st.sampled_from(["", "+86", "0086", "+86 ", "86-"]))
def test_a_grouped_mobile_is_caught_with_any_separator_and_prefix(
        rest: str, sizes: list[int], sep: str, prefix: str) -> None:
    number = "1" + str(3 + int(rest[0]) % 7) + rest[1:]
    found = find_personal_numbers(f"联系{prefix}{groups(number, tuple(sizes), sep)}，")
    assert [f.kind for f in found] == ["mobile"]
    assert found[0].masked == f"{number[:3]}****{number[-4:]}"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from(SEPARATORS))
def test_a_four_by_four_card_is_caught(body: str, sep: str) -> None:
    card = luhn_complete("62" + body[:16])  # 19 digits
    # Groups all ending in 0 read as a list of round amounts (1 card in 100,000).
    assume(not all(card[k] == "0" for k in (3, 7, 11, 15, 18)))
    found = find_personal_numbers(f"卡号 {groups(card, (4, 4, 4, 4), sep)}")
    assert [f.kind for f in found] in (["bank"], ["id18"])


@given(st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
       st.sampled_from(SEPARATORS))
def test_amounts_next_to_dates_are_never_numbers(amount: Decimal, day: date, sep: str) -> None:
    text = f"{amount:f}{sep}{day:%Y-%m-%d}{sep}{day:%Y.%m.%d}{sep}{amount}"
    assert find_personal_numbers(text) == []


@given(st.text(alphabet="0123456789 .-、\n\u3000一二三〇xX张元", max_size=120))
def test_any_text_gives_findings_inside_it(text: str) -> None:
    for finding in find_personal_numbers(text):
        assert 0 <= finding.start < finding.end <= len(text)
        assert "*" in finding.masked


def test_a_long_list_of_3_digit_counts_is_not_read_as_ids() -> None:
    rng = random.Random(11)
    counts = " ".join(str(rng.randint(100, 999)) for _ in range(20000))
    assert find_personal_numbers(counts) == []


def test_the_scan_stays_linear_on_a_long_table() -> None:
    rng = random.Random(5)
    row = "{n} 张三 第{g}组 {a}.00 {d} 备注\n"
    text = "".join(row.format(n=n, g=rng.randint(1, 9), a=rng.randint(100, 99999),
                              d=f"2026-10-{rng.randint(10, 28)}") for n in range(20000))
    chained = " ".join(str(rng.randint(100, 999)) for _ in range(50000))  # one huge chain
    started = time.perf_counter()
    find_personal_numbers(text)
    find_personal_numbers(chained)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("name", ["张三", "李四", "王五", "赵六", "陈九", "刘一"])
def test_a_name_ending_in_a_numeral_does_not_hide_the_number_after_it(name: str) -> None:
    for number, kind in ((MOBILE, "mobile"), (ID_A, "id18"), (CARD19, "bank")):
        text = f"户主{name}{number}，已核实"
        [finding] = find_personal_numbers(text)
        assert finding.kind == kind and text[finding.start:finding.end] == number
