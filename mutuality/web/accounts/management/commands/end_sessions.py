"""`manage.py end_sessions USERNAME … | --all`: sign people out everywhere, at once.

For whoever runs the service (ASVS v5 7.4.5): a stolen laptop, a login that must stop now, or
after a leak, everyone. Each session ended is allauth's way of ending it (its stored session
deleted, so that browser's next request signs in again), audited as an operator's delete and
logged (`sessions_ended`). An organisation's admin signs one of its logins out everywhere by
turning it off (docs/security.md, "Sessions").
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from allauth.usersessions.adapter import get_adapter as usersessions_adapter
from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mutuality.web.audit.actions import record
from mutuality.web.security_log import security_event

HOW = "ended by an operator"


class Command(BaseCommand):
    help = (
        "End every session of the logins named, or of everyone with --all. They sign in again "
        "at their next request."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("usernames", nargs="*", help="The logins to sign out everywhere.")
        parser.add_argument("--all", action="store_true", help="Sign everyone out.")

    def handle(self, *args: Any, **options: Any) -> None:
        usernames: list[str] = options["usernames"]
        if bool(usernames) == bool(options["all"]):
            raise CommandError("Name the logins to sign out, or give --all, but not both.")
        ended = _end_all() if options["all"] else _end_for(usernames)
        self.stdout.write(f"Ended {ended} session{'' if ended == 1 else 's'}.")


def _end(rows: list[UserSession]) -> None:
    """End these sessions, each in the audit trail, in one transaction."""
    with transaction.atomic():
        for row in rows:
            organisation_id = getattr(row.user, "organisation_id", None)
            record(user=None, action="delete", obj=row, organisation_id=organisation_id, how=HOW)
        usersessions_adapter().end_sessions(rows)


def _end_for(usernames: list[str]) -> int:
    """Every session of these logins; none at all if one of the names is nobody's."""
    people = list(get_user_model().objects.filter(username__in=usernames))
    unknown = sorted(set(usernames) - {person.get_username() for person in people})
    if unknown:
        raise CommandError(f"No login has the username {', '.join(unknown)}. No session was ended.")
    rows = list(UserSession.objects.filter(user__in=people).select_related("user"))
    _end(rows)
    for person in people:
        security_event(
            "sessions_ended",
            "Every session ended by an operator",
            user=person,
            organisation_id=getattr(person, "organisation_id", None),
        )
    return len(rows)


def _end_all() -> int:
    """Every session there is, signed in or not (one left from before the sessions list was
    kept has no row, so the store is emptied too)."""
    rows = list(UserSession.objects.select_related("user"))
    _end(rows)
    stored, _ = Session.objects.all().delete()
    security_event("sessions_ended", "Every session ended by an operator: everyone signed out")
    return len(rows) + stored
