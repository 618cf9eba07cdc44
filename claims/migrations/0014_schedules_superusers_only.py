"""The background schedules and their task arguments are the superusers' (issue 10): migration 0006 let editors
change them in the admin, which lets an editor stop the watch or point a task at other arguments."""

from django.db import migrations

EDITOR_PERMISSIONS = [
    ("django_celery_beat", "view_periodictask"),
    ("django_celery_beat", "change_periodictask"),
    ("django_celery_beat", "view_intervalschedule"),
    ("django_celery_beat", "add_intervalschedule"),
    ("django_celery_beat", "change_intervalschedule"),
]


def _editor_and_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editor = Group.objects.filter(name="editor").first()
    permissions = [
        Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        for app_label, codename in EDITOR_PERMISSIONS
    ]
    return editor, [permission for permission in permissions if permission is not None]


def schedules_for_superusers_only(apps, schema_editor):
    editor, permissions = _editor_and_permissions(apps)
    if editor is not None:
        editor.permissions.remove(*permissions)


def schedules_for_editors_too(apps, schema_editor):
    editor, permissions = _editor_and_permissions(apps)
    if editor is not None:
        editor.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_history_comments_kept_whole"),
    ]
    operations = [migrations.RunPython(schedules_for_superusers_only, schedules_for_editors_too)]
