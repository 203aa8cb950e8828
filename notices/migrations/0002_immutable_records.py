"""Published versions and audit events are immutable in the database itself.

Whatever code runs against the database (a bug, a shell, a future feature), an UPDATE that
changes a version's public content or a DELETE of a version is refused, and audit events
can't be updated or deleted at all. Status and withdrawal fields may still change.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

_FROZEN = ("content", "fingerprint", "verify_code", "number", "notice_id", "pdf_file",
           "period_start", "period_end", "published_at", "published_by_id")

_POSTGRES = f"""
CREATE OR REPLACE FUNCTION cunwu_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'cunwu: % on % is refused: published records are immutable',
    TG_OP, TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION cunwu_version_frozen() RETURNS trigger AS $$
BEGIN
  IF {" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _FROZEN)} THEN
    RAISE EXCEPTION 'cunwu: a published notice version is immutable; publish a correction';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER notice_version_frozen BEFORE UPDATE ON notice_version
  FOR EACH ROW EXECUTE FUNCTION cunwu_version_frozen();
CREATE TRIGGER notice_version_no_delete BEFORE DELETE ON notice_version
  FOR EACH ROW EXECUTE FUNCTION cunwu_refuse_change();
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION cunwu_refuse_change();
"""

_SQLITE = f"""
CREATE TRIGGER notice_version_frozen BEFORE UPDATE ON notice_version
  WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _FROZEN)}
  BEGIN SELECT RAISE(ABORT, 'cunwu: a published notice version is immutable'); END;
CREATE TRIGGER notice_version_no_delete BEFORE DELETE ON notice_version
  BEGIN SELECT RAISE(ABORT, 'cunwu: published records are immutable'); END;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
  BEGIN SELECT RAISE(ABORT, 'cunwu: audit events are append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
  BEGIN SELECT RAISE(ABORT, 'cunwu: audit events are append-only'); END;
"""


async def install_triggers(apps, schema_editor) -> None:
    client = schema_editor.client
    script = _SQLITE if client.capabilities.dialect == "sqlite" else _POSTGRES
    await client.execute_script(script)


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]
    initial = False
    operations = [ops.RunPython(install_triggers)]
