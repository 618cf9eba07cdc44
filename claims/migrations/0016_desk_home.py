"""The desk's home page (issue 11): the daily figures beat records (DeskDay) and its schedule, and the indexes the
home page's lists and charts read."""

from django.conf import settings
from django.db import migrations, models

# name, task, every (hours): beat records today's figures every hour, so that the day's last record is at most an
# hour before midnight, and a beat that was down for a while loses no more than those hours.
SCHEDULE = ("Record the desk's daily figures", "claims.tasks.desk_day_record_task", 1)


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    name, task, hours = SCHEDULE
    every, _ = IntervalSchedule.objects.get_or_create(every=hours, period="hours")
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0015_alert_events"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeskDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True, verbose_name="date")),
                ("published", models.PositiveIntegerField(verbose_name="published fact-checks")),
                ("healthy", models.PositiveIntegerField(verbose_name="healthy fact-checks")),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
            ],
            options={
                "verbose_name": "desk day",
                "verbose_name_plural": "desk days",
                "ordering": ["-date"],
            },
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("first_published_at__isnull", False)),
                fields=["first_published_at"],
                name="claim_first_published_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="flag",
            index=models.Index(fields=["raised_at"], name="flag_raised_at_idx"),
        ),
        migrations.AddIndex(
            model_name="flag",
            index=models.Index(
                condition=models.Q(("cleared_at__isnull", False)), fields=["cleared_at"], name="flag_cleared_at_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="deskday",
            constraint=models.CheckConstraint(
                condition=models.Q(("healthy__lte", models.F("published"))), name="desk_day_healthy_within_published"
            ),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
