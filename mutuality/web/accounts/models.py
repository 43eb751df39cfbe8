"""Organisations and the people who use Mutuality, each on their own login."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

CRISIS_TEXT_LENGTH = 1000
RETENTION_YEARS = 20
"""How long a relationship's record is kept after the work ended, unless its organisation
sets another period: the NHS Records Management Code of Practice keeps mental health records
for 20 years after the end of care (ADR 0017)."""
RETENTION_RANGE = (1, 100)
"""The whole years an organisation may choose, fewest and most."""
ERASED_NAME = gettext_noop("A person whose details were erased")
"""What a login and a participant are called once the person's details are erased (ADR 0017):
kept in English, like every stored word, and said in the reader's language (`said_name`)."""


def said_name(name: str) -> str:
    """A stored name as a page says it: the label of an erased person in the reader's
    language, any other name as it is."""
    return gettext(ERASED_NAME) if name == ERASED_NAME else name


class Organisation(models.Model):
    """A service or team; everything in Mutuality belongs to one."""

    slug = models.SlugField(unique=True, max_length=64)
    name = models.CharField(max_length=200)
    # Its own settings, which its admins change (mutuality/web/organisation; ADR 0012).
    policy = models.JSONField(
        default=dict,
        blank=True,
        help_text="The numbers of the framework's policy this organisation sets, as a TOML policy "
        "file holds them; what it leaves out (all of it, when empty) is the framework's default.",
    )
    crisis_text = models.TextField(
        blank=True,
        max_length=CRISIS_TEXT_LENGTH,
        help_text="The organisation's own lines for someone who needs help now (plain text).",
    )
    report_name = models.CharField(
        max_length=200, blank=True, help_text="The name its public transparency report goes by."
    )
    instruments = models.JSONField(
        default=list,
        blank=True,
        help_text="Its own instrument definitions (the case format's), offered to every "
        "relationship of the organisation beside the shipped ones and a relationship's own.",
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped on every change of settings; a stale form is refused."
    )
    policy_revision = models.PositiveIntegerField(
        default=0, help_text="Bumped on every change of policy; each asks for a reassessment."
    )
    reassessed_revision = models.PositiveIntegerField(
        default=0, help_text="The policy revision every relationship was last reassessed for."
    )
    reassessed_at = models.DateTimeField(null=True, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        default=RETENTION_YEARS,
        validators=[MinValueValidator(RETENTION_RANGE[0]), MaxValueValidator(RETENTION_RANGE[1])],
        help_text="Whole years a relationship's record is kept after its work ended, then "
        "deleted (organisation/retention.py). 20 by default: the NHS Records Management Code "
        "of Practice's period for mental health records.",
    )
    fhir_names = models.BooleanField(
        default=False,
        help_text="Whether the FHIR data other systems read through the API names people "
        "(Patient, Practitioner and RelatedPerson names); by default they are known only by "
        "pseudonymous identifiers (ADR 0003, ADR 0018).",
    )

    def __str__(self) -> str:
        return self.name

    @property
    def public_name(self) -> str:
        """The name its public transparency report goes by."""
        return self.report_name or self.name

    @property
    def reassessing(self) -> bool:
        """Whether a change of policy is still being applied to its relationships."""
        return self.reassessed_revision < self.policy_revision


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    CO_PRODUCER = "co_producer", _("Co-producer")
    SUPERVISOR = "supervisor", _("Supervisor")
    REVIEWER = "reviewer", _("Independent reviewer")
    ADMIN = "admin", _("Organisation admin")


class User(AbstractUser):
    """A person with a login. What they may see is decided in `access.py`, not here."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PROFESSIONAL)
    display_name = models.CharField(max_length=200, blank=True)
    team = models.CharField(
        max_length=200, blank=True, help_text="The team a professional works in (service report)."
    )
    # Whether they have an authenticator app or a passkey (allauth.mfa's Authenticator rows),
    # kept in step with those rows by accounts/second_factors.py, so that the check every page
    # makes for staff (ADR 0010) reads the user already loaded and costs no query.
    has_second_factor = models.BooleanField(default=False, editable=False)
    # The language their pages are in: a code of settings.LANGUAGES, or empty for the one their
    # browser asks for. No choices here, so that adding a language needs no migration.
    language = models.CharField(max_length=16, blank=True, default="")

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Email addresses are kept in lower case, as django-allauth looks them up (ADR 0009).
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @property
    def shown_name(self) -> str:
        return self.name_shown(self.display_name, self.first_name, self.last_name, self.username)

    @property
    def erased(self) -> bool:
        """Whether this login's person had their details erased (organisation/erasure.py)."""
        return bool(self.pk) and self.username == erased_username(self.pk)

    SHOWN_NAME_FIELDS = ("display_name", "first_name", "last_name", "username")
    """What `name_shown` needs, for lists that read only those columns."""

    @staticmethod
    def name_shown(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """The name pages show: the display name, else the full name, else the login."""
        return said_name(display_name) or f"{first_name} {last_name}".strip() or username


def erased_username(pk: int) -> str:
    """The username an erased login keeps: its id, which the audit trail names it by."""
    return f"erased-{pk}"


def hash_token(token: str) -> str:
    """Invitation tokens are stored hashed, so a database leak reveals no working link."""
    return hashlib.sha256(token.encode()).hexdigest()
