"""A flag's reason is said from its kind, in the reader's language (claims.reasons.FLAG_REASONS): the English
sentence stored with each flag goes, and `details` holds what a reason may add."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0011_reasons_as_codes"),
    ]

    operations = [
        migrations.RemoveField(model_name="flag", name="reason"),
        migrations.AddField(
            model_name="flag",
            name="details",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
    ]
