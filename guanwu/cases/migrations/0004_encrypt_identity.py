"""Issue 8: askers' names and contacts encrypted at rest (guanwu.core.crypto).

The columns become text (a token is longer than the plaintext), then every stored value is
encrypted under the first key of GUANWU_FIELD_KEYS and its blind index written. Reversible:
going back decrypts into the old columns. Raw SQL throughout, so this step depends on neither
the current model nor the field's conversions. Needs the key (not for an empty table)."""

import guanwu.core.crypto
from django.db import migrations, models

BATCH = 500


def _walk(schema_editor, forward):
    from guanwu.core import crypto

    connection = schema_editor.connection
    table = connection.ops.quote_name("cases_case")
    after = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, name, phone, email, caller_number FROM {table} "  # nosec B608  # quoted table, bound values
                f"WHERE id > %s ORDER BY id LIMIT {BATCH}",
                [after],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            for pk, *values in rows:
                after = pk
                # Already a token (a re-run): keep it; plaintext is what the old column held.
                plain = [crypto.decrypt(v) if crypto.is_token(v) else (v or "") for v in values]
                if not forward:
                    cursor.execute(
                        f"UPDATE {table} SET name = %s, phone = %s, email = %s, "  # nosec B608  # as above
                        "caller_number = %s WHERE id = %s",
                        [*plain, pk],
                    )
                    continue
                stored = [v if crypto.is_token(v) else crypto.encrypt(p) for v, p in zip(values, plain)]
                cursor.execute(
                    f"UPDATE {table} SET name = %s, phone = %s, email = %s, caller_number = %s, "  # nosec B608  # as above
                    "phone_index = %s, email_index = %s WHERE id = %s",
                    [*stored, crypto.blind_index(plain[1]), crypto.blind_index(plain[2]), pk],
                )


def encrypt_rows(apps, schema_editor):
    _walk(schema_editor, forward=True)


def decrypt_rows(apps, schema_editor):
    _walk(schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_default_policies_and_templates"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="email_index",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="case",
            name="phone_index",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="case",
            name="caller_number",
            field=guanwu.core.crypto.EncryptedCharField(blank=True, max_length=30, verbose_name="来电号码"),
        ),
        migrations.AlterField(
            model_name="case",
            name="email",
            field=guanwu.core.crypto.EncryptedEmailField(blank=True, max_length=254, verbose_name="电子邮箱"),
        ),
        migrations.AlterField(
            model_name="case",
            name="name",
            field=guanwu.core.crypto.EncryptedCharField(blank=True, max_length=100, verbose_name="姓名"),
        ),
        migrations.AlterField(
            model_name="case",
            name="phone",
            field=guanwu.core.crypto.EncryptedCharField(blank=True, max_length=30, verbose_name="电话"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
