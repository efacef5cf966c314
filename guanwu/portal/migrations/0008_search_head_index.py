"""Issue 9, target 3: the title tiers get indexes of their own.

- SQLite: ``portal_search_head`` (FTS5: title, fields; rowid = page id), filled here from the
  main index, answers the two title tiers.
- PostgreSQL: a ``title`` tsvector (the title-weighted lexemes of ``head``) with its own GIN
  index answers the first tier without a weight (see ``portal/search/backends.py``).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from guanwu.portal.search.backends import SQLiteBackend

    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # The title alone: the title-weighted (A) lexemes of head.
        schema_editor.execute(
            "ALTER TABLE portal_search_fts ADD COLUMN IF NOT EXISTS title tsvector"
        )
        schema_editor.execute(
            "UPDATE portal_search_fts SET title = ts_filter(head, '{a}') WHERE title IS NULL"
        )
        schema_editor.execute("ALTER TABLE portal_search_fts ALTER COLUMN title SET NOT NULL")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS portal_search_fts_title ON portal_search_fts "
            "USING GIN (title)"
        )
        schema_editor.execute("ANALYZE portal_search_fts")
        return
    if vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS portal_search_head")
    for sql in SQLiteBackend().create_sql():
        schema_editor.execute(sql)
    schema_editor.execute(
        "INSERT INTO portal_search_head (rowid, title, fields) "
        "SELECT rowid, title, fields FROM portal_search_fts"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS portal_search_head")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE portal_search_fts DROP COLUMN IF EXISTS title")


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_search_index_pairs")]

    operations = [migrations.RunPython(forwards, backwards)]
