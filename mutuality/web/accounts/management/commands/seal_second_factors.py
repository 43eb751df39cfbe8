"""`manage.py seal_second_factors`: seal every second factor's secret again under the
current SECRET_KEY.

For whoever runs the service, when changing the key (docs/security.md, "Secrets at rest"):
with the old key in MUTUALITY_SECRET_KEY_FALLBACKS, this seals each authenticator app's key
and each seed of recovery codes again under the new one, after which the old key can be
dropped. It also seals any secret still stored plain. Each login whose secrets it sealed again
is audited as an operator's update; running it twice changes nothing the second time.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mutuality.web.accounts.second_factors import KIND
from mutuality.web.accounts.secrets_at_rest import UnreadableSecret, seal_every_secret
from mutuality.web.audit.actions import record

HOW = "sealed again by an operator"


class Command(BaseCommand):
    help = (
        "Seal every second factor's secret under the current SECRET_KEY (those sealed under a "
        "key in SECRET_KEY_FALLBACKS, or stored plain), so that the old key can be dropped."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                changed = seal_every_secret(Authenticator)
                for row in changed:
                    record(
                        user=None,
                        action="update",
                        obj=row.user,
                        organisation_id=getattr(row.user, "organisation_id", None),
                        field="second_factor",
                        how=HOW,
                        kind=KIND.get(row.type, row.type),
                    )
        except UnreadableSecret:
            raise CommandError(
                "A second factor's secret opens with no key in MUTUALITY_SECRET_KEY or "
                "MUTUALITY_SECRET_KEY_FALLBACKS: put the key it was sealed with back in the "
                "fallbacks and run this again. Nothing was changed."
            ) from None
        count = len(changed)
        self.stdout.write(f"Sealed {count} second factor{'' if count == 1 else 's'} again.")
