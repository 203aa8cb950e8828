"""What every entry point (CLI, web, worker) builds from the settings, built once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.db import close_database, open_database
from bot.settings import Config, Secrets, load_secrets
from notices.files import FileStore
from notices.kinds.catalog import seed_catalog
from notices.lifecycle.workflow import PublishContext
from notices.privacy.cipher import SensitiveCipher
from villages.models import Level, Region, Role, Staff
from villages.services import add_staff

ADMIN = "admin"


@dataclass(frozen=True)
class Runtime:
    config: Config
    secrets: Secrets
    cipher: SensitiveCipher
    store: FileStore

    def publish_context(self) -> PublishContext:
        return PublishContext(store=self.store, public_url=self.config.public_url,
                              publicity_days=self.config.publicity_days)


def build_runtime(config: Config) -> Runtime:
    config.home.mkdir(parents=True, exist_ok=True)
    secrets = load_secrets(config.home)
    return Runtime(
        config=config,
        secrets=secrets,
        cipher=SensitiveCipher(secrets.data_key, secrets.lookup_key),
        store=FileStore(config.files_dir),
    )


@asynccontextmanager
async def opened(config: Config) -> AsyncIterator[Runtime]:
    """A runtime with the database migrated and connected for the duration."""
    runtime = build_runtime(config)
    await open_database(config.database_url)
    try:
        yield runtime
    finally:
        await close_database()


async def ensure_seed_data() -> Staff | None:
    """What every installation starts with: the standard catalog, and the admin account."""
    await seed_catalog()
    return await ensure_admin()


async def ensure_admin() -> Staff | None:
    """The ``admin`` account every CLI action defaults to, scoped to the county."""
    existing = await Staff.get_or_none(name=ADMIN)
    if existing is not None:
        return existing
    county = await Region.filter(level=Level.COUNTY).order_by("code").first()
    if county is None:
        return None
    return await add_staff(ADMIN, Role.COUNTY_ADMIN, county.code, display_name="县政务公开办管理员")
