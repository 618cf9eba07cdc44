"""The background schedules, as django-celery-beat rows that editors see and change in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SCHEDULES = [
    # name, task, every (minutes)
    ("Dispatch due source checks", "claims.tasks.sources_dispatch_task", 1),
    ("Sweep the flags of every claim", "claims.tasks.flags_sweep_task", 10),
]
EDITOR_PERMISSIONS = [
    ("django_celery_beat", "view_periodictask"),
    ("django_celery_beat", "change_periodictask"),
    ("django_celery_beat", "view_intervalschedule"),
    ("django_celery_beat", "add_intervalschedule"),
    ("django_celery_beat", "change_intervalschedule"),
]


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes in SCHEDULES:
        every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor = Group.objects.get(name="editor")
    for app_label, codename in EDITOR_PERMISSIONS:
        editor.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_source_checking"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedules, remove_schedules)]
