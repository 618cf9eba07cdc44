"""Who reads and imports other outlets' fact-checks: every role reads them, researchers and editors import them (the
`add` permission), editors also remove them."""

from typing import Any

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["matching.view_externalfactcheck"]
IMPORT = ["matching.add_externalfactcheck"]
REMOVE = ["matching.delete_externalfactcheck"]
ROLES = {"viewer": READ, "researcher": READ + IMPORT, "editor": READ + IMPORT + REMOVE}


def forwards(apps: Any, schema_editor: Any) -> None:
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


def backwards(apps: Any, schema_editor: Any) -> None:
    Permission = apps.get_model("auth", "Permission")
    granted = [dotted.split(".")[1] for dotted in READ + IMPORT + REMOVE]
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="matching", codename__in=granted))


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_search_and_schedule"),
        ("claims", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
