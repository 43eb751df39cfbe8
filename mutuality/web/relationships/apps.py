from typing import Any

from django.apps import AppConfig
from django.db.models.signals import pre_delete


class RelationshipsConfig(AppConfig):
    name = "mutuality.web.relationships"
    label = "relationships"
    verbose_name = "Co-productive relationships"

    def ready(self) -> None:
        from mutuality.web.relationships.models import TallyShare

        pre_delete.connect(_share_deleted, sender=TallyShare, dispatch_uid="tally-share-deleted")


def _share_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A relationship deleted (its share goes with it) is taken out of its organisation's
    tallies, in the deleting transaction."""
    from django.utils import timezone

    from mutuality.web.relationships import tallies

    tallies.take_away(instance, timezone.localdate())
