"""Rebuild the full-text index in its new form, from the stored document texts.

- Tokens: Chinese as overlapping character pairs plus each run's last character (see
  ``portal/search/text.py``) instead of one token a character.
- SQLite: each FTS5 row's rowid is its page id, so writing or deleting a document finds its
  row by rowid instead of scanning the table (doc_id is UNINDEXED); a one-character prefix
  index serves one-character queries.
- PostgreSQL: a second tsvector of the title and fields alone, with a GIN index of its own,
  for the title tiers of the ranking.
"""

from django.db import migrations


def rebuild(apps, schema_editor):
    from guanwu.portal.search.backends import FTS_TABLE, PostgresBackend, SQLiteBackend
    from guanwu.portal.search.text import segment

    vendor = schema_editor.connection.vendor
    backend_class = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}.get(vendor)
    if backend_class is None:
        return
    backend = backend_class()
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    for sql in backend.create_sql():
        schema_editor.execute(sql)
    documents = apps.get_model("portal", "SearchDocument").objects.values_list(
        "page_id", "title", "fields_text", "body_text"
    )
    rows = []
    for page_id, title, fields, body in documents.iterator(chunk_size=2000):
        rows.append((page_id, segment(title), segment(fields), segment(body)))
        if len(rows) == 2000:
            backend.upsert(rows)
            rows = []
    if rows:
        backend.upsert(rows)


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_kiosk_settings")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
