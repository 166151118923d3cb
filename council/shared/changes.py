"""Changes to rows, announced on one path whatever made them.

A save or delete of one row sends Django's post_save, post_delete or
m2m_changed; the bulk paths (QuerySet.update, bulk_create, bulk_update,
delete) send nothing of their own. `ChangeAnnouncingQuerySet` sends
`rows_changed` for them, so that one receiver (council.shared.shells.content_changed)
hears every change and nobody has to remember to invalidate a cache by hand
after an update. Every model shown on public pages uses it (or a queryset
built on it) for its manager; tests/council/test_caching.py checks that.
"""

from __future__ import annotations

from django.db import models
from django.dispatch import Signal

# Sent with sender=the model whose rows a bulk operation changed (no instance: it may be many).
rows_changed = Signal()


class ChangeAnnouncingQuerySet(models.QuerySet):
    """A QuerySet whose bulk writes send `rows_changed` when they change a row."""

    def _announce(self) -> None:
        rows_changed.send(sender=self.model)

    def update(self, **kwargs):
        count = super().update(**kwargs)
        if count:
            self._announce()
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            self._announce()
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if count:
            self._announce()
        return count

    bulk_update.alters_data = True

    def delete(self):
        # Django sends post_delete for each row it deletes one by one, but not
        # for rows it deletes in one statement (a "fast delete").
        deleted, per_model = super().delete()
        if deleted:
            self._announce()
        return deleted, per_model

    delete.alters_data = True
    delete.queryset_only = True
