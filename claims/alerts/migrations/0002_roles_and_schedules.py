"""Who manages alerts, and beat's two alert schedules: the minute's safety net and the morning digests."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Editors manage the webhook endpoints and read their delivery logs; every desk member chooses their own mail.
EDITOR = [
    "alerts.view_webhookendpoint",
    "alerts.add_webhookendpoint",
    "alerts.change_webhookendpoint",
    "alerts.delete_webhookendpoint",
    "alerts.view_delivery",
]
EVERYONE = ["alerts.view_alertsettings", "alerts.add_alertsettings", "alerts.change_alertsettings"]
ROLES = {"viewer": EVERYONE, "researcher": EVERYONE, "editor": EVERYONE + EDITOR}

DUE = ("Plan and resend alerts", "claims.alerts.tasks.alerts_due_task")
DIGESTS = ("Mail the daily digests", "claims.alerts.tasks.digests_send_task")


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(name=DUE[0], defaults={"task": DUE[1], "interval": every_minute})
    # At 7:00 in the desk's time zone, before the morning meeting.
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.get_or_create(name=DIGESTS[0], defaults={"task": DIGESTS[1], "crontab": morning})


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[DUE[0], DIGESTS[0]]).delete()
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="alerts"))


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("claims", "0015_alert_events"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
