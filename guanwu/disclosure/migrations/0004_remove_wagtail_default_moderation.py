"""Remove Wagtail's starter "Moderators approval" workflow and the Editors/Moderators groups.

They come with Wagtail's initial data; Moderators may publish anything under the root page.
Guanwu's roles and its review workflow replace them (seed 六.四), so they are removed while no
one uses them.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowState = apps.get_model("wagtailcore.WorkflowState")
    for workflow in Workflow.objects.filter(name="Moderators approval"):
        if not WorkflowState.objects.filter(workflow=workflow).exists():
            workflow.delete()
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        if not group.user_set.exists():
            group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0003_catalogue_and_categories"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
