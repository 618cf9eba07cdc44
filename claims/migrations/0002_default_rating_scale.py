"""The newsroom's default verdict scale; editors change it in the admin afterwards."""

from django.db import migrations

DEFAULT_SCALE = [
    # slug, English, French, colour, ClaimReview value
    ("true", "True", "Vrai", "#1a7f37", 5),
    ("mostly-true", "Mostly true", "Plutôt vrai", "#4c9a2a", 4),
    ("mixed", "Mixed", "Mitigé", "#9a6700", 3),
    ("mostly-false", "Mostly false", "Plutôt faux", "#bc4c00", 2),
    ("false", "False", "Faux", "#cf222e", 1),
    ("misleading", "Misleading", "Trompeur", "#8250df", None),
    ("unproven", "Unproven", "Non prouvé", "#57606a", None),
]


def create_scale(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    for order, (slug, label_en, label_fr, colour, value) in enumerate(DEFAULT_SCALE, start=1):
        Rating.objects.update_or_create(
            slug=slug,
            defaults={
                "label_en": label_en,
                "label_fr": label_fr,
                "colour": colour,
                "claimreview_value": value,
                "order": order,
            },
        )


def remove_scale(apps, schema_editor):
    apps.get_model("claims", "Rating").objects.filter(slug__in=[row[0] for row in DEFAULT_SCALE]).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(create_scale, remove_scale)]
