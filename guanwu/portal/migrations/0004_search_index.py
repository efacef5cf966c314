"""The full-text index table: FTS5 on SQLite, tsvector with a GIN index on PostgreSQL."""

from django.db import migrations


def create_index(apps, schema_editor):
    from guanwu.portal.search.backends import PostgresBackend, SQLiteBackend

    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}.get(vendor)
    if statements is None:
        return
    for sql in statements().create_sql():
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    from guanwu.portal.search.backends import FTS_TABLE

    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_search")]

    operations = [migrations.RunPython(create_index, drop_index)]
