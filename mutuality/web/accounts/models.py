"""Organisations and the people who use Mutuality, each on their own login."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models


class Organisation(models.Model):
    """A service or team; everything in Mutuality belongs to one."""

    slug = models.SlugField(unique=True, max_length=64)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PROFESSIONAL = "professional", "Professional"
    CO_PRODUCER = "co_producer", "Co-producer"
    SUPERVISOR = "supervisor", "Supervisor"
    REVIEWER = "reviewer", "Independent reviewer"
    ADMIN = "admin", "Organisation admin"


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

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Email addresses are kept in lower case, as django-allauth looks them up (ADR 0009).
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @property
    def shown_name(self) -> str:
        return self.name_shown(self.display_name, self.first_name, self.last_name, self.username)

    SHOWN_NAME_FIELDS = ("display_name", "first_name", "last_name", "username")
    """What `name_shown` needs, for lists that read only those columns."""

    @staticmethod
    def name_shown(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """The name pages show: the display name, else the full name, else the login."""
        return display_name or f"{first_name} {last_name}".strip() or username


def hash_token(token: str) -> str:
    """Invitation tokens are stored hashed, so a database leak reveals no working link."""
    return hashlib.sha256(token.encode()).hexdigest()
