"""A village's finance reporting rhythm (monthly or quarterly) and the period that is due.

Villages disclose their finance monthly or at least quarterly (DESIGN §2). The due list
must not flag a quarterly village in the middle of a quarter, so it asks which rhythm the
village keeps: the one the county set (``finance_rhythm.<village code>``), else the one its
latest imported period shows. A period is due once it has ended; the catalog item 村级财务收支
(CWGK-01) says how many days after its end the disclosure must be out.
"""

from __future__ import annotations

from datetime import date, timedelta

from notices.county.models import CountySetting
from notices.county.store import store_setting
from notices.ledgers.finance.sheet import Period, parse_period
from villages.errors import InvalidInput, NotFound
from villages.models import Level, Region, Role, Staff
from villages.services import check_in_scope, check_role

RHYTHM_KEY = "finance_rhythm."
MONTHLY, QUARTERLY = "monthly", "quarterly"
_WORDS = {"monthly": MONTHLY, "month": MONTHLY, "月": MONTHLY, "按月": MONTHLY,
          "quarterly": QUARTERLY, "quarter": QUARTERLY, "季": QUARTERLY, "按季": QUARTERLY}
RHYTHM_ZH = {MONTHLY: "按月", QUARTERLY: "按季"}


def rhythm_of_label(label: str) -> str:
    return QUARTERLY if "Q" in label.upper() else MONTHLY


def last_ended_period(today: date, rhythm: str) -> Period:
    """The latest month or quarter that has ended before ``today``."""
    if rhythm == QUARTERLY:
        quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        end = quarter_start - timedelta(days=1)
        return parse_period(f"{end.year}-Q{(end.month - 1) // 3 + 1}")
    end = today.replace(day=1) - timedelta(days=1)
    return parse_period(f"{end.year}-{end.month:02d}")


async def set_rhythms() -> dict[str, str]:
    """Village code → rhythm, for the villages whose rhythm the county or township set."""
    rows = await CountySetting.filter(key__startswith=RHYTHM_KEY)
    return {r.key.removeprefix(RHYTHM_KEY): r.value for r in rows if r.value}


async def set_rhythm(village_code: str, value: str, actor: Staff) -> tuple[str, str]:
    """Set (or, with an empty value, clear) a village's rhythm; audited with before/after."""
    village = await Region.get_or_none(code=village_code, level=Level.VILLAGE)
    if village is None:
        raise NotFound(f"没有区划代码为 {village_code[:12]} 的村/社区")
    check_role(actor, Role.TOWNSHIP_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN)
    check_in_scope(actor, village)
    value = value.strip()
    after = _WORDS.get(value.lower(), "") if value else ""
    if value and not after:
        raise InvalidInput(f"{village.name}财务公开周期“{value[:20]}”不对：写 monthly（按月）"
                           "或 quarterly（按季），留空则按已导入的期间判断",
                           details={"field": f"{RHYTHM_KEY}{village_code}"})
    key = f"{RHYTHM_KEY}{village.code}"
    return await store_setting(key, after, "", actor, village=village.name)
