"""Create the secretariat staff group; council.shared.permissions keeps its permissions."""

from django.db import migrations

SECRETARIAT_GROUP = "Tổ giúp việc"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=SECRETARIAT_GROUP)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=SECRETARIAT_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
