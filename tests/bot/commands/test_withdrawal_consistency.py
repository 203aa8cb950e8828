"""`cunwu check consistency` exits 1 while a withdrawal has not reached a group, names it,
and exits 0 once every group has been told."""

from __future__ import annotations

import asyncio
import json

from tortoise import Tortoise

from bot.cli.main import main
from bot.db import open_database
from bot.runtime import build_runtime
from notices.kinds.catalog import seed_catalog
from notices.lifecycle import corrections
from notices.models import Delivery, DeliveryPurpose, DeliveryState, NoticeKind
from tests.bot.worker.wecom_env import publish_county
from tests.builders import VILLAGE_A
from villages import services as villages


def _run(config, work) -> None:
    async def go() -> None:
        await open_database(config.database_url)
        try:
            await work()
        finally:
            await Tortoise.close_connections()
    asyncio.run(go())


def test_a_waiting_withdrawal_makes_the_check_fail_and_is_named(config, capsys, monkeypatch):
    """A sync test: the CLI runs its own event loop, as it does from a shell."""
    async def withdraw_donghu() -> None:
        await seed_catalog()
        notices = await publish_county(build_runtime(config))
        donghu = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE
                      and n.draft_content["region"]["name"] == "东湖村")
        # Every publication landed; only the withdrawal is left to tell.
        await Delivery.all().update(state=DeliveryState.DELIVERED)
        await corrections.withdraw(donghu, await villages.get_staff("reviewer"), "整批作废")

    async def all_told() -> None:
        await Delivery.filter(purpose=DeliveryPurpose.WITHDRAW).update(
            state=DeliveryState.DELIVERED)

    _run(config, withdraw_donghu)
    monkeypatch.setenv("CUNWU_HOME", str(config.home))
    monkeypatch.setenv("CUNWU_DATABASE_URL", config.database_url)
    check = ["check", "consistency", "--village", VILLAGE_A]
    assert main(check) == 1
    out = capsys.readouterr().out
    assert "已撤回，撤回通知未送达：整批作废" in out and "东湖村村民群" in out
    assert main([*check, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    [row] = [r for r in result["notices"] if r["withdrawn"]]
    assert {c["target"] for c in row["cells"]} == {
        "东湖村村务工作群", "王文书的东湖村村民客户群", "东湖村村民群"}
    _run(config, all_told)
    assert main(check) == 0
