"""A history row's comment is kept whole (the workflow allows 5,000 characters, simple-history's column held 100), and
it is only ever what a person typed: the English "Researching → In review" written for moves without a comment goes,
since the history says the move itself, in the reader's language, from the status field."""

from django.db import migrations, models

STATUS_LABELS = ["Draft", "Researching", "In review", "Published", "Rejected"]
GENERATED = [f"{frm} → {to}" for frm in STATUS_LABELS for to in STATUS_LABELS if frm != to]


def forget_generated_comments(apps, schema_editor):
    apps.get_model("claims", "HistoricalClaim").objects.filter(history_change_reason__in=GENERATED).update(
        history_change_reason=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_flag_reasons_by_kind"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalclaim",
            name="history_change_reason",
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name="historicalevidence",
            name="history_change_reason",
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name="historicalrating",
            name="history_change_reason",
            field=models.TextField(null=True),
        ),
        migrations.RunPython(forget_generated_comments, migrations.RunPython.noop),
    ]
