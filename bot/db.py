"""Database set-up: one Tortoise config for SQLite and PostgreSQL, migrations on start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api import migrate

APPS = {
    "villages": {"models": ["villages.models"], "migrations": "villages.migrations"},
    "notices": {"models": ["notices.models"], "migrations": "notices.migrations"},
}


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {label: {**app, "default_connection": "default"} for label, app in APPS.items()},
        "use_tz": True,
        "timezone": "Asia/Shanghai",
    }


async def open_database(database_url: str, *, run_migrations: bool = True) -> None:
    """Bring the schema up to date, then connect the ORM."""
    config = tortoise_config(database_url)
    if database_url.startswith("sqlite://"):
        # aiosqlite hangs rather than raising when the file's folder is missing.
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    if run_migrations:
        await migrate(config=config)
        await Tortoise.close_connections()
    await Tortoise.init(config=config)


async def close_database() -> None:
    await Tortoise.close_connections()
