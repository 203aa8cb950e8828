"""The standard catalog is there wherever a database is first opened, not only after
`cunwu init`: the README's path starts with `cunwu regions import`."""

from __future__ import annotations

from pathlib import Path

from bot.db import close_database, open_database
from notices.kinds.catalog import seed_data
from notices.kinds.catalog_models import CatalogItem, Program


async def test_a_new_database_has_the_catalog_on_first_open(tmp_path: Path):
    url = f"sqlite://{tmp_path / 'new.sqlite3'}"
    await open_database(url)
    try:
        assert await CatalogItem.all().count() == len(seed_data()["items"])
        assert await Program.all().count() == len(seed_data()["programs"])
    finally:
        await close_database()
    await open_database(url)  # idempotent: the next command adds nothing
    try:
        assert await CatalogItem.all().count() == len(seed_data()["items"])
    finally:
        await close_database()


async def test_a_database_left_without_a_catalog_gets_it_on_the_next_open(tmp_path: Path):
    url = f"sqlite://{tmp_path / 'old.sqlite3'}"
    await open_database(url)
    try:  # as an installation made before the catalog was seeded on open
        await Program.all().delete()
        await CatalogItem.all().delete()
    finally:
        await close_database()
    await open_database(url)
    try:
        assert await Program.get_or_none(name="耕地地力保护补贴") is not None
    finally:
        await close_database()
