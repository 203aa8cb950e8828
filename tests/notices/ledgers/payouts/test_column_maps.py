"""A layout the synonyms don't know is confirmed once and remembered for the county."""

from __future__ import annotations

import csv
import io

import pytest

from notices.ledgers.models import ColumnMapping, PayoutBatch
from notices.ledgers.payouts.column_maps import parse_map_options
from notices.ledgers.payouts.services import import_payouts
from notices.models import AuditEvent
from tests.builders import TOWNSHIP, create_county, create_staff, make_id
from villages.errors import InvalidInput
from villages.models import Role

HEADER = ["行政村名", "农户", "证件", "亩数", "应发数"]


def odd_sheet(names: list[str], *, seq0: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["城关镇补贴清册"])
    writer.writerow(HEADER)
    for index, name in enumerate(names):
        writer.writerow(["东湖村", name, make_id(seq=seq0 + index), "1", "100.00"])
    return out.getvalue().encode("utf-8-sig")


MAP = {"行政村名": "village", "农户": "name", "证件": "id_number", "亩数": "quantity",
       "应发数": "amount"}


def test_map_options_take_field_names_or_chinese_labels() -> None:
    assert parse_map_options(["亩数=面积", "应发数 = amount", "备用=忽略"]) == {
        "亩数": "quantity", "应发数": "amount", "备用": ""}
    with pytest.raises(InvalidInput, match="列名=字段"):
        parse_map_options(["亩数"])
    with pytest.raises(InvalidInput, match="不认识"):
        parse_map_options(["亩数=土地"])


@pytest.mark.storage
async def test_the_second_import_of_a_confirmed_layout_needs_no_questions(runtime):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    kw = {"township_code": TOWNSHIP, "actor": clerk, "cipher": runtime.cipher, "year": 2026}

    with pytest.raises(InvalidInput, match="没有找到可用的表头") as caught:
        await import_payouts(odd_sheet(["张三"]), "a.csv", program="耕地地力保护补贴", **kw)
    layout = caught.value.details["layout"]
    assert list(layout["columns"]) == HEADER  # what the console asks the clerk about

    # A dry run with the mapping works but remembers nothing (it stores nothing).
    dry = await import_payouts(odd_sheet(["张三"]), "a.csv", program="耕地地力保护补贴",
                               column_map=MAP, dry_run=True, **kw)
    assert dry.rows == 1 and await ColumnMapping.all().count() == 0

    first = await import_payouts(odd_sheet(["张三"]), "a.csv", program="耕地地力保护补贴",
                                 column_map=MAP, **kw)
    assert first.rows == 1 and first.mappings_saved == 1
    # 亩数 names its unit: the board's column reads 数量（亩）, not a bare 数量.
    assert (await PayoutBatch.get(id=first.batch_id)).quantity_unit == "亩"
    saved = await ColumnMapping.get(signature=layout["signature"])
    assert saved.mapping == MAP
    assert await AuditEvent.filter(action="column_mapping").count() == 1

    # Same layout, another program, no mapping given: read with the remembered one.
    second = await import_payouts(odd_sheet(["李四"], seq0=5), "b.csv", program="农机购置补贴",
                                  **kw)
    assert second.rows == 1 and second.total_fen == 10000
    assert await PayoutBatch.all().count() == 2


@pytest.mark.storage
async def test_a_remembered_mapping_belongs_to_its_county_only(runtime):
    from villages import services as villages

    await create_county()
    await villages.import_regions([("429901000000", "外县"), ("429901100000", "外镇"),
                                   ("429901100201", "东湖村")])
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    other = await create_staff("other", Role.TOWNSHIP_CLERK, "429901100000")
    await import_payouts(odd_sheet(["张三"]), "a.csv", township_code=TOWNSHIP, actor=clerk,
                         cipher=runtime.cipher, year=2026, program="耕地地力保护补贴",
                         column_map=MAP)
    with pytest.raises(InvalidInput, match="没有找到可用的表头"):
        await import_payouts(odd_sheet(["李四"], seq0=7), "b.csv", township_code="429901100000",
                             actor=other, cipher=runtime.cipher, year=2026,
                             program="耕地地力保护补贴")


def test_the_cli_names_the_header_and_how_to_map_it_then_remembers(tmp_path, monkeypatch,
                                                                    capsys):
    from bot.cli.main import main

    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    regions = tmp_path / "regions.csv"
    regions.write_text("code,name\n419901000000,青禾县\n419901100000,城关镇\n"
                       "419901100201,东湖村\n")
    assert main(["regions", "import", str(regions)]) == 0
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(odd_sheet(["张三"]))
    second.write_bytes(odd_sheet(["李四"], seq0=4))
    base = ["import", "payouts", "--township", TOWNSHIP, "--program", "高龄津贴",
            "--year", "2026", "--period", "2026-05"]
    capsys.readouterr()
    assert main([*base, str(first)]) == 1
    err = capsys.readouterr().err
    assert "表头是：行政村名、农户、证件、亩数、应发数" in err and "--map" in err
    maps = [f"--map={h}={f}" for h, f in MAP.items()]
    assert main([*base, str(first), *maps]) == 0
    assert main([*base, str(second)]) == 0  # remembered: no --map needed
