"""Close wording of external fact-checks (trigrams, on PostgreSQL), and beat's catch-up of texts without vectors."""

from django.db import migrations

SWEEP = ("Embed the texts matching has no vector of", "claims.matching.tasks.embeddings_missing_task")


def forwards(apps, schema_editor):
    # `make run` uses SQLite, which has no trigrams: matching there reads the model's vectors only.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX matching_external_claim_trgm_idx ON matching_externalfactcheck "
            "USING gin (claim_reviewed gin_trgm_ops)"
        )
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(name=SWEEP[0], defaults={"task": SWEEP[1], "interval": every_five_minutes})


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP[0]).delete()
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS matching_external_claim_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        # pg_trgm is made there.
        ("claims", "0004_claim_search"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
