"""The committed migrations describe exactly the models: a model change without a
migration fails here (regenerate with `tortoise makemigrations`)."""

from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from bot.db import tortoise_config


async def test_models_and_migrations_agree(tmp_path):
    config = tortoise_config(f"sqlite://{tmp_path / 'drift.sqlite3'}")
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert [w.name for w in writers] == []
