"""What the secretariat staff group ("Tổ giúp việc") may do in the admin."""

from django.apps import apps as global_apps

SECRETARIAT_GROUP = "Tổ giúp việc"

# The group edits all the site's content: these apps' models, in full.
CONTENT_APPS = {"council", "members", "meetings", "polls", "flatpages"}
# ...but never login accounts, groups or permissions.
EXCLUDED_MODELS = {("members", "user")}


def secretariat_permissions(apps=global_apps):
    """The permissions the secretariat group should hold."""
    Permission = apps.get_model("auth", "Permission")
    wanted = Permission.objects.filter(content_type__app_label__in=CONTENT_APPS)
    for app_label, model in EXCLUDED_MODELS:
        wanted = wanted.exclude(content_type__app_label=app_label, content_type__model=model)
    return wanted


def sync_secretariat_group(*, apps=global_apps, using="default", **kwargs) -> None:
    """Give the secretariat group every content permission (post_migrate hook).

    The group is made by a data migration; this adds the permissions of models
    added since, which only exist once `migrate` has created them, and makes the
    group again after a database flush (which re-sends post_migrate).
    Idempotent: it sets the whole list each time.
    """
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.using(using).get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.set(secretariat_permissions(apps).using(using))
