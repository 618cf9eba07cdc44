"""Why a check ended as it did becomes a code and its parameters (claims.reasons), said in the reader's language.

The English sentences stored before are kept, as the `legacy` code's text: no reason an editor could read is lost.
"""

from django.db import migrations, models


def sentences_to_codes(apps, schema_editor):
    for model, sentence, code, params in (
        ("Check", "error", "error_code", "error_params"),
        ("Source", "last_error", "last_error_code", "last_error_params"),
    ):
        rows = apps.get_model("claims", model).objects.exclude(**{sentence: ""})
        for row in rows.iterator():
            setattr(row, code, "legacy")
            setattr(row, params, {"text": getattr(row, sentence)})
            row.save(update_fields=[code, params])


def codes_to_sentences(apps, schema_editor):
    from claims.reasons import reason_text

    for model, sentence, code, params in (
        ("Check", "error", "error_code", "error_params"),
        ("Source", "last_error", "last_error_code", "last_error_params"),
    ):
        rows = apps.get_model("claims", model).objects.exclude(**{code: ""})
        for row in rows.iterator():
            setattr(row, sentence, reason_text(getattr(row, code), getattr(row, params)))
            row.save(update_fields=[sentence])


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_published_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="check",
            name="error_code",
            field=models.CharField(blank=True, max_length=40, verbose_name="error"),
        ),
        migrations.AddField(
            model_name="check",
            name="error_params",
            field=models.JSONField(blank=True, default=dict, verbose_name="error's details"),
        ),
        migrations.AddField(
            model_name="source",
            name="last_error_code",
            field=models.CharField(blank=True, max_length=40, verbose_name="last error"),
        ),
        migrations.AddField(
            model_name="source",
            name="last_error_params",
            field=models.JSONField(blank=True, default=dict, verbose_name="last error's details"),
        ),
        migrations.RunPython(sentences_to_codes, codes_to_sentences),
        migrations.RemoveField(model_name="check", name="error"),
        migrations.RemoveField(model_name="source", name="last_error"),
    ]
