"""``cunwu verify`` reads its two rows without the ORM, so it must say exactly what the web
page and the official account say: current, superseded (by which, why) and withdrawn."""

from __future__ import annotations

import argparse

import pytest

from bot.commands.verify import verify as verify_command
from notices.ledgers.models import PayoutRow
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import NoticeKind, NoticeVersion
from notices.public import verification
from tests.notices.lifecycle.test_workflow import _publish_all, _setup
from villages.errors import NotFound


async def _cli(config, code: str) -> tuple[dict, str]:
    return await verify_command(argparse.Namespace(code=code, json=True), config)


@pytest.mark.storage
async def test_the_command_line_says_what_the_web_page_says_for_every_status(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await _publish_all(notices, clerk, reviewer, runtime)
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "面积有误", amount_fen=33300)
    stale = await corrections.stale_notices(summary.batch_id)
    for notice in stale:
        await corrections.correct(notice, clerk, "李秀英补贴面积有误，已核实更正")
    await _publish_all(stale, clerk, reviewer, runtime)
    xigang = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE
                  and n.id not in {s.id for s in stale})
    await corrections.withdraw(xigang, reviewer, "名单重复，撤回重发")

    statuses = set()
    for version in await NoticeVersion.all():
        for typed in (version.verify_code, f" {version.verify_code[:4]}-{version.verify_code[4:]}"
                      .lower()):
            said, text = await _cli(runtime.config, typed)
            assert said == (await verification.verify(typed)).as_dict()
        statuses.add(said["status"])
        if said["status"] != "current":
            assert said["reason"] in text       # plain text names the reason too
    assert statuses == {"current", "superseded", "withdrawn"}


@pytest.mark.storage
async def test_an_unknown_or_malformed_code_is_refused_by_name(runtime):
    for typed in ("ZZZZ9999", "核验", "x" * 500, ""):
        with pytest.raises(NotFound, match="没有核验码"):
            await _cli(runtime.config, typed)
