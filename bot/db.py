"""Database set-up: one Tortoise config for SQLite and PostgreSQL, migrations on start."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from tortoise import Tortoise, connections

# Every model class sets ``_no_comments = True``: otherwise Tortoise reads each class's
# source with inspect.getsource to look for "#:" field comments (none here), a sixth of a
# second every process pays before it can answer.
# Every models module, listed once: Tortoise registers what is named here, so no models
# module has to import the others to be found (that is how import circles start).
APPS = {
    "villages": {
        "models": ["villages.models", "villages.auth_models"],
        "migrations": "villages.migrations",
    },
    "notices": {
        "models": [
            "notices.models",
            "notices.county.models",
            "notices.delivery.models",
            "notices.delivery.mp_models",
            "notices.kinds.catalog_models",
            "notices.ledgers.models",
            "notices.lifecycle.calendar_models",
            "notices.objections.models",
        ],
        "migrations": "notices.migrations",
    },
}


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {label: {**app, "default_connection": "default"} for label, app in APPS.items()},
        "use_tz": True,
        "timezone": "Asia/Shanghai",
    }


async def open_database(database_url: str, *, run_migrations: bool = True) -> None:
    """Connect the ORM, first bringing the schema up to date if a migration is missing.

    Whether one is missing costs one query: the names of the migration files shipped are
    compared with the names the database recorded, and only a difference loads Tortoise's
    migration machinery (a tenth of a second a call, otherwise paid by every command).
    """
    config = tortoise_config(database_url)
    if database_url.startswith("sqlite://"):
        # aiosqlite hangs rather than raising when the file's folder is missing.
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    await Tortoise.init(config=config)
    if run_migrations and await _missing_migrations():
        from tortoise.migrations.api import migrate

        await Tortoise.close_connections()
        await migrate(config=config)
        await Tortoise.close_connections()
        await Tortoise.init(config=config)
    if run_migrations:
        await _seed_catalog_if_empty()


async def _seed_catalog_if_empty() -> None:
    """Every command, the server and the import paths need the standard catalog; a fresh
    database gets it here, wherever it is first opened (not only by `cunwu init`)."""
    from notices.kinds.catalog_models import CatalogItem  # registered by Tortoise.init above

    if not await CatalogItem.exists():
        from tortoise.exceptions import IntegrityError

        from notices.kinds.catalog import seed_catalog

        # Several processes started on one new database: one of them seeds it.
        with contextlib.suppress(IntegrityError):
            await seed_catalog()


async def close_database() -> None:
    await Tortoise.close_connections()


@asynccontextmanager
async def database(database_url: str) -> AsyncIterator[None]:
    """The database, migrated and connected, for the duration of a block."""
    await open_database(database_url)
    try:
        yield
    finally:
        await close_database()


def shipped_migrations() -> set[tuple[str, str]]:
    """(app, name) of every migration file in the packages, read without importing them."""
    shipped = set()
    for label, app in APPS.items():
        for entry in resources.files(app["migrations"]).iterdir():
            if entry.name[:4].isdigit() and entry.name.endswith(".py"):
                shipped.add((label, entry.name.removesuffix(".py")))
    return shipped


async def _missing_migrations() -> set[tuple[str, str]]:
    try:
        _, rows = await connections.get("default").execute_query(
            "SELECT app, name FROM tortoise_migrations")
    except Exception:  # no table yet: a new database (the driver's own error type)
        return shipped_migrations()
    return shipped_migrations() - {(row["app"], row["name"]) for row in rows}
