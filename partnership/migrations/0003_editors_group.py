"""The Editors group: add and change releases and records (not users or groups)."""

from django.db import migrations

RECORDS = ["organisation", "official", "cooperationarea", "agreement", "pressrelease", "meeting"]
# Rows owned by a record: editors remove them through the inlines.
LINKS = ["post", "participation", "meetingorganisation", "meetingarea", "meetingagreement", "outcome", "relationship"]


def codenames() -> list[str]:
    names = []
    for model in RECORDS:
        names += [f"add_{model}", f"change_{model}", f"view_{model}"]
    for model in LINKS:
        names += [f"add_{model}", f"change_{model}", f"delete_{model}", f"view_{model}"]
    return names


def create_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    wanted = codenames()
    permissions = Permission.objects.filter(content_type__app_label="partnership", codename__in=wanted)
    missing = set(wanted) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions missing for the Editors group: {sorted(missing)}")
    group.permissions.set(permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0002_history_and_merge_redirects"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
