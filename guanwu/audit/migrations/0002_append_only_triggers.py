"""Database-level append-only guard for audit_auditevent (issue 8: no role alters the log).

PostgreSQL: UPDATE and DELETE raise, except a DELETE inside a transaction that set
``guanwu.audit_purge = 'on'`` (the purge command). SQLite has no session settings: UPDATE
raises, DELETE raises unless the row is the oldest one, so only a prefix can go (the purge;
the test runner's flush, which deletes in id order). On both, the one UPDATE allowed is the
account-deletion SET NULL of actor_id, which the hash does not cover.
"""

from django.db import migrations

COLUMNS = (
    "id",
    "at",
    "actor_name",
    "event",
    "object_type",
    "object_id",
    "outcome",
    "address",
    "request_id",
    "detail",
    "prev_hash",
    "hash",
)

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND COALESCE(current_setting('guanwu.audit_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""

SQLITE_UNCHANGED = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in COLUMNS)
SQLITE_FORWARD = [
    "CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent "
    f"WHEN NOT (NEW.actor_id IS NULL AND {SQLITE_UNCHANGED}) "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
    "CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent "
    "WHEN OLD.id <> (SELECT MIN(id) FROM audit_auditevent) "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
]


def _run(schema_editor, postgresql, sqlite):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql, params=None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, PG_FORWARD, SQLITE_FORWARD)


def reverse(apps, schema_editor):
    _run(schema_editor, PG_REVERSE, SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
