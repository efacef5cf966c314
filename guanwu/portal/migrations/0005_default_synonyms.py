from django.db import migrations

DEFAULTS = [
    ("加贸", "加工贸易"),
    ("报关", "申报"),
    ("通关110", "通关服务热线"),
    ("知产", "知识产权"),
    ("综保区", "综合保税区"),
    ("退税", "退还税款"),
]


def forwards(apps, schema_editor):
    SearchSynonym = apps.get_model("portal", "SearchSynonym")
    for term, synonyms in DEFAULTS:
        SearchSynonym.objects.get_or_create(term=term, defaults={"synonyms": synonyms})


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_search_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
