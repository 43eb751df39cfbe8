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
