"""Load a demo organisation into a new database, and print the demo logins.

Run by `make run`. It does nothing to a database that already has an
organisation, except print the logins it saved when it first ran. Its staff come with an
authenticator app (ADR 0010), whose current code the demo's code page shows, so the logins
printed are all anyone needs.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from mutuality.framework import load_case
from mutuality.web.accounts.addresses import mark_verified
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.case_io import import_case
from mutuality.web.relationships.models import Relationship

EXAMPLES = Path(settings.BASE_DIR) / "examples"
LOGINS = Path(settings.VAR_DIR) / "demo-logins.txt"
DEMO_DOMAIN = "demo.example.org"  # each login's confirmed address is <username>@ this
PEOPLE = [
    ("professional", Role.PROFESSIONAL, "Priya (professional)"),
    ("coproducer", Role.CO_PRODUCER, "Sam (co-producer)"),
    ("supervisor", Role.SUPERVISOR, "Dr Kaur (supervisor)"),
    ("reviewer", Role.REVIEWER, "Jo (independent reviewer)"),
    ("admin", Role.ADMIN, "Alex (organisation admin)"),
]


class Command(BaseCommand):
    help = "Load the demo organisation into an empty database and print its logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Organisation.objects.exists():
            self._seed()
        if LOGINS.exists():
            self.stdout.write(LOGINS.read_text(encoding="utf-8"))

    @transaction.atomic
    def _seed(self) -> None:
        organisation = Organisation.objects.create(slug="demo", name="Demo Community Trust")
        users, lines = (
            {},
            [
                "Demo logins (this machine only; sign in at http://127.0.0.1:8000;",
                "staff are then asked for a code, which the demo shows on that page):",
            ],
        )
        for username, role, name in PEOPLE:
            password = secrets.token_urlsafe(12)
            users[username] = User.objects.create_user(
                username=username,
                email=f"{username}@{DEMO_DOMAIN}",
                password=password,
                organisation=organisation,
                role=role,
                display_name=name,
            )
            # (confirmed, so that asking for a password reset by it mails a link)
            mark_verified(users[username], users[username].email, how="demo")
            if role != Role.CO_PRODUCER:  # staff must have a second factor; others may
                Authenticator.objects.create(
                    user=users[username],
                    type=Authenticator.Type.TOTP,
                    # (sealed, as allauth stores it: accounts/secrets_at_rest.py)
                    data={"secret": encrypt(generate_totp_secret())},
                )
            lines.append(f"  {name:<28} username: {username:<13} password: {password}")
        for path in sorted(EXAMPLES.glob("*.yaml")):
            self._link(import_case(load_case(path), organisation), users)
        lines.append(f"Each has the confirmed email address <username>@{DEMO_DOMAIN}.")
        LOGINS.write_text("\n".join(lines) + "\n", encoding="utf-8")

    @staticmethod
    def _link(relationship: Relationship, users: dict[str, User]) -> None:
        participants = list(relationship.participants.order_by("position"))
        professional = next(p for p in participants if p.role == "professional")
        recipient = next(p for p in participants if p.role == "recipient")
        professional.user, recipient.user = users["professional"], users["coproducer"]
        professional.save(update_fields=["user"])
        recipient.save(update_fields=["user"])
        relationship.supervisor = users["supervisor"]
        relationship.save(update_fields=["supervisor"])
        if relationship.pk % 2:
            relationship.reviewers.add(users["reviewer"])
        reassess(relationship, reason="loaded from the example case files")
