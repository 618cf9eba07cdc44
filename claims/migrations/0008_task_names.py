"""The background tasks moved to claims/sources/tasks.py: beat's schedules name them by their new module."""

from django.db import migrations

RENAMED = {
    "claims.tasks.sources_dispatch_task": "claims.sources.tasks.sources_dispatch_task",
    "claims.tasks.flags_sweep_task": "claims.sources.tasks.flags_sweep_task",
}


def rename(apps, schema_editor, renamed=RENAMED):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in renamed.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, renamed={new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_source_checking_throughput"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(rename, rename_back)]
