"""A published version's status changes only with its audit event.

- Appends serialise in ``notices.audit`` (an advisory lock on PostgreSQL). A unique
  ``prev_hash`` was left out on purpose: an installation whose chain already forked
  could not run this migration at all, and ``audit verify`` already names its fork.
- ``notice_version.status_event_id`` names the audit event that made the latest change to
  a version's status (superseded by a correction, withdrawn). A trigger refuses any change
  of status, withdrawal reason or status time that doesn't come with a new event id, and
  the id must be the newest audit event, recorded for that notice by the matching action
  (``publish`` supersedes, ``withdraw`` withdraws). ``UPDATE notice_version SET
  status='withdrawn'`` from a shell is refused; doing it anyway means appending a chained
  event first (a visible trace), or dropping the trigger and rewriting the chain, which
  the anchors outside the database reveal (``cunwu audit verify``).
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

_WATCHED = ("status", "withdrawn_reason", "status_changed_at", "status_event_id")
# The event that may move a version to each status; nothing moves one back to current.
_ACTION_FOR = "CASE NEW.status WHEN 'superseded' THEN 'publish' WHEN 'withdrawn' THEN 'withdraw' END"

_POSTGRES = f"""
CREATE OR REPLACE FUNCTION cunwu_version_status_audited() RETURNS trigger AS $$
BEGIN
  IF {" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _WATCHED)} THEN
    IF NEW.status_event_id IS NULL
       OR NEW.status_event_id IS NOT DISTINCT FROM OLD.status_event_id
       OR NEW.status_event_id <> (SELECT max(id) FROM audit_event)
       OR NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.id = NEW.status_event_id
                      AND e.subject = 'notice:' || NEW.notice_id
                      AND e.action = {_ACTION_FOR}) THEN
      RAISE EXCEPTION 'cunwu: a published version''s status changes only with its audit event';
    END IF;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER notice_version_status_audited BEFORE UPDATE ON notice_version
  FOR EACH ROW EXECUTE FUNCTION cunwu_version_status_audited();
"""

_SQLITE = f"""
CREATE TRIGGER notice_version_status_audited BEFORE UPDATE ON notice_version
  WHEN ({" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _WATCHED)})
   AND (NEW.status_event_id IS NULL
        OR NEW.status_event_id IS OLD.status_event_id
        OR NEW.status_event_id <> (SELECT max(id) FROM audit_event)
        OR NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.id = NEW.status_event_id
                       AND e.subject = 'notice:' || NEW.notice_id
                       AND e.action = {_ACTION_FOR}))
  BEGIN SELECT RAISE(ABORT,
    'cunwu: a published version''s status changes only with its audit event'); END;
"""


async def install_trigger(apps, schema_editor) -> None:
    client = schema_editor.client
    script = _SQLITE if client.capabilities.dialect == "sqlite" else _POSTGRES
    await client.execute_script(script)


class Migration(migrations.Migration):
    dependencies = [("notices", "0014_objection_receipts")]
    initial = False
    operations = [
        ops.AddField(
            model_name="NoticeVersion",
            name="status_event_id",
            field=fields.BigIntField(null=True, unique=True),
        ),
        ops.RunPython(install_trigger),
    ]
