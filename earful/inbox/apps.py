from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InboxConfig(AppConfig):
    name = "earful.inbox"
    label = "inbox"

    def ready(self) -> None:
        post_migrate.connect(_repair_search_index, sender=self)


def _repair_search_index(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """A schema change that rebuilds the item table on SQLite drops the search triggers with
    it; put them back (and rebuild the index) after every migrate. See inbox/search.py."""
    from django.db import connections

    from earful.inbox.search import repair_search_index

    repair_search_index(connections[using])
