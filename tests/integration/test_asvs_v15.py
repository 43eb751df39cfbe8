"""OWASP ASVS 5.0.0, V15 (secure coding and architecture), through the web app: nothing of the
demo or of development outside the demo, only the documented fields in a download, a form
that changes only its own fields, and a body that is never mixed with the address's query
(SECURITY.md lists each requirement)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings

from mutuality.web.accounts.models import User
from mutuality.web.relationships.models import Participant, Relationship
from tests.factories import PASSWORD, TOTP_SECRET, World


def _row(world: World) -> dict[str, Any]:
    """The relationship's row, every column."""
    return dict(Relationship.objects.filter(pk=world.relationship.pk).values().get())


@pytest.mark.asvs("15.2.3")
@pytest.mark.parametrize("demo", [True, False], ids=["demo", "production"])
def test_outside_the_demo_nothing_of_the_demo_or_of_development_is_served(
    world: World, demo: bool
) -> None:
    """Outside the demo the sign-in code page shows no code and the demo's mailbox does not
    exist; in neither is there an admin site or a debugging page for anyone."""
    # Arrange
    client = Client()
    client.post("/accounts/login/", {"username": "pro", "password": PASSWORD})

    # Act
    with override_settings(DEMO=demo):
        code_page = client.get("/accounts/2fa/authenticate/").content.decode()
        mailbox = world.client("admin").get("/demo/mail/")
    admin_site = world.client("admin").get("/admin/")
    debug = world.client("admin").get("/__debug__/")

    # Assert
    assert ('id="demo-code"' in code_page) is demo
    assert (mailbox.status_code == 404) is not demo
    assert admin_site.status_code == debug.status_code == 404


@pytest.mark.asvs("15.3.1")
def test_a_persons_download_holds_no_secret_of_their_login(world: World) -> None:
    """The JSON of a person's own record names their login and second factor but holds no
    password hash, no authenticator secret and no session key."""
    # Arrange
    client = world.client("professional")
    user = User.objects.get(pk=world.users["professional"].pk)

    # Act
    text = client.get("/accounts/record.json").content.decode()

    # Assert
    data = json.loads(text)
    assert data["account"]["username"] == "pro"
    assert [f["kind"] for f in data["second_factors"]] == ["Authenticator app"]
    assert user.password not in text and "password" not in data["account"]
    assert TOTP_SECRET not in text
    assert client.session.session_key not in text
    assert str(client.session[SESSION_KEY]) == str(user.pk)


@pytest.mark.asvs("15.3.3")
def test_a_form_changes_only_its_own_fields_whatever_else_is_posted(world: World) -> None:
    """The work's name page, sent with extra fields for its stage, dates, organisation,
    supervisor and scrutiny, changes the name and setting and nothing else."""
    # Arrange
    before = _row(world)
    extra = {
        "stage": "ended",
        "started": "2020-01-01",
        "organisation": world.other.organisation_id + 99,
        "organisation_id": world.other.organisation_id + 99,
        "supervisor": world.users["other_professional"].pk,
        "supervisor_id": world.users["other_professional"].pk,
        "supervision_every_days": "1",
        "contrast": "[]",
        "id": world.other.pk,
    }

    # Act
    response = world.client("professional").post(
        f"/relationships/{world.relationship.pk}/about/",
        {"revision": before["revision"], "title": "Renamed", "setting": "community", **extra},
    )

    # Assert
    after = _row(world)
    assert response.status_code == 302
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"title", "setting", "revision", "updated"}


@pytest.mark.asvs("15.3.3")
def test_a_co_producer_cannot_set_their_role_consent_or_login_by_posting_them(
    world: World,
) -> None:
    """The co-producer's own page, sent with their role, consent and login as extra fields,
    changes only what the page is for."""
    # Arrange
    tomasz = Participant.objects.get(relationship=world.relationship, slug="tomasz")
    revision = _row(world)["revision"]

    # Act
    response = world.client("co_producer").post(
        f"/relationships/{world.relationship.pk}/people/{tomasz.pk}/",
        {
            "revision": revision,
            "access_needs": "large print",
            "adjustments": "",
            "vulnerability": "high",
            "can_decline_freely": "no",
            "role": "professional",
            "consent": "withdrawn",
            "user": world.users["admin"].pk,
            "slug": "admin",
        },
    )

    # Assert
    now = Participant.objects.get(pk=tomasz.pk)
    assert response.status_code == 302
    assert (now.role, now.consent, now.user_id, now.slug) == (
        tomasz.role,
        tomasz.consent,
        tomasz.user_id,
        tomasz.slug,
    )
    assert now.access_needs != tomasz.access_needs


@pytest.mark.asvs("15.3.7")
def test_a_form_reads_its_body_never_the_addresses_query(world: World) -> None:
    """A value in the address's query string neither replaces the same field in the body nor
    stands in for one the body leaves out: the title comes from the body, and a revision given
    only in the query counts as none (nothing is saved)."""
    # Arrange
    url = f"/relationships/{world.relationship.pk}/about/"
    revision = _row(world)["revision"]
    pro = world.client("professional")

    # Act
    saved = pro.post(
        f"{url}?title=From+the+address&setting=other",
        {"revision": revision, "title": "From the form", "setting": "community"},
    )
    after_first = _row(world)
    refused = pro.post(
        f"{url}?revision={after_first['revision']}",
        {"title": "Without a revision", "setting": "community"},
    )

    # Assert
    assert saved.status_code == 302
    assert (after_first["title"], after_first["setting"]) == ("From the form", "community")
    assert refused.status_code == 200
    assert _row(world)["title"] == "From the form"
