from django.apps import apps
from django.core.management.base import BaseCommand

from council.shared.textsearch import SearchIndexed, refresh_search_vectors


class Command(BaseCommand):
    help = (
        "Recompute the stored search vector of every searchable row (articles, meetings, documents, "
        "members, agreements). Run it after renaming a province or an organisation, whose names the "
        "vectors of other rows hold. Safe to run again; does nothing on SQLite."
    )

    def handle(self, *args, **options) -> None:
        for model in apps.get_models():
            if issubclass(model, SearchIndexed):
                count = refresh_search_vectors(model._base_manager.all())
                self.stdout.write(f"{model._meta.label}: {count}")
