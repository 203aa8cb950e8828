"""The committed migrations describe exactly the models: a model change without a
migration fails here (regenerate with `tortoise makemigrations`)."""

from tortoise import connections
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from bot.db import close_database, open_database, shipped_migrations, tortoise_config


async def test_models_and_migrations_agree(tmp_path):
    config = tortoise_config(f"sqlite://{tmp_path / 'drift.sqlite3'}")
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert [w.name for w in writers] == []


async def test_a_migrated_database_is_opened_with_one_query_and_no_migration_run(tmp_path,
                                                                                monkeypatch):
    url = f"sqlite://{tmp_path / 'current.sqlite3'}"
    await open_database(url)                      # new: every migration runs
    await close_database()
    runs = []
    monkeypatch.setattr("tortoise.migrations.api.migrate", lambda **kw: runs.append(kw))
    await open_database(url)                      # current: nothing to run
    try:
        assert runs == []
        _, rows = await connections.get("default").execute_query(
            "SELECT app, name FROM tortoise_migrations")
        assert {(r["app"], r["name"]) for r in rows} == shipped_migrations()
        assert ("notices", "0012_mp_message_claim") in shipped_migrations()
    finally:
        await close_database()
