"""The CSV and JSON downloads are contracts for other programs (docs/architecture.md, "Other
languages"): a reader in another language gets them as an English reader does, while the pages
beside them are translated."""

from __future__ import annotations

from django.test import Client

from mutuality.web.accounts.models import User
from tests.factories import World
from tests.integration.pages import publish_transparency
from tests.pseudo_translation import PSEUDO, pseudo_translated, transformed

DOWNLOADS = ("/reports/service.csv", "/reports/public/home/v1.csv", "/reports/public/home/v1.json")


def _downloads(client: Client) -> dict[str, bytes]:
    return {url: client.get(url).content for url in DOWNLOADS}


def test_a_reader_in_another_language_gets_the_same_downloads(world: World) -> None:
    """The service report's CSV and a published transparency report's CSV and JSON are the
    same for a pseudo-translated admin as for an English one; the service page is not."""
    # Arrange
    publish_transparency(world)
    admin = world.users["admin"]
    client = Client()
    client.force_login(admin)
    english = _downloads(client)

    # Act
    User.objects.filter(pk=admin.pk).update(language=PSEUDO)
    with pseudo_translated():
        translated = _downloads(client)
        page = client.get("/reports/service/").content.decode()

    # Assert
    assert translated == english
    assert b"Relationships by stage" in english["/reports/service.csv"]
    assert transformed("Relationships by stage") in page
