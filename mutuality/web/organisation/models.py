"""Invitations of staff: a single-use, expiring link with which a new member of staff chooses
the password of the login their admin made for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StaffInvitation(models.Model):
    """A link to set the first password of a staff login. Only the token's hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # The emailed link has a token of its own: choosing a password by it proves the person
    # receives mail at `emailed_to`; the link shown to the admin cannot (ADR 0009).
    emailed_to = models.EmailField(max_length=254, blank=True)
    email_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
