"""The desk's roles as Django groups: viewer reads, researcher researches, editor also decides and publishes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = [
    f"claims.view_{model}"
    for model in ("claim", "evidence", "source", "snapshot", "check", "rating", "flag", "transition")
]
RESEARCH = [
    "claims.add_claim",
    "claims.change_claim",
    "claims.add_evidence",
    "claims.change_evidence",
    "claims.delete_evidence",
    "taggit.view_tag",
]
EDIT = [
    "claims.publish_claim",
    "claims.reject_claim",
    "claims.reopen_claim",
    "claims.correct_published_claim",
    "claims.delete_claim",
    "claims.override_quote",
    "claims.add_rating",
    "claims.change_rating",
    "claims.delete_rating",
]
ROLES = {"viewer": READ, "researcher": READ + RESEARCH, "editor": READ + RESEARCH + EDIT}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations ran; the groups need them now.
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


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_default_rating_scale"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
