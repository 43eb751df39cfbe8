"""The outbox: one row for each email Mutuality means to send.

A row is written in the same transaction as the change that causes it, so a message exists
exactly when its change does; a sender claims it with a lease that expires (a dead sender's rows
are claimed again), and its `key` makes posting the same message twice a no-op. No row holds
health details: the subject and body say what happened in general words, with a link.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a message is about; a person chooses which non-urgent kinds they get."""

    INVITATION = "invitation", _("An invitation to a relationship")
    STAFF_INVITATION = "staff_invitation", _("An invitation to join the organisation")
    PASSWORD_RESET = "password_reset", _("A link to choose a new password")
    EMAIL_CONFIRMATION = "email_confirmation", _("A link to confirm your email address")
    SAFETY_FLAG = "safety_flag", _("A safety flag was raised")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent was withdrawn")
    CONTRACT_WAITING = "contract_waiting", _("A contract version waits for your agreement")
    QUESTIONNAIRE_DUE = "questionnaire_due", _("A questionnaire is due")
    OVERDUE_DIGEST = "overdue_digest", _("Supervision or review overdue (weekly)")
    WORRY_RAISED = "worry_raised", _("A worry was raised")
    CONSULTATION_REQUESTED = "consultation_requested", _("A consultation was asked for")


# Sent whatever a person chooses: safety, and the messages that are part of signing in.
ALWAYS_SENT = frozenset(
    {
        Kind.SAFETY_FLAG,
        Kind.PASSWORD_RESET,
        Kind.EMAIL_CONFIRMATION,
        Kind.INVITATION,
        Kind.STAFF_INVITATION,
    }
)
# Left pending when consent is withdrawn (the withdrawal notice is the reason for cancelling).
SURVIVE_WITHDRAWAL = frozenset({Kind.SAFETY_FLAG, Kind.CONSENT_WITHDRAWN})


class State(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be delivered")
    CANCELLED = "cancelled", _("Cancelled")


class OutgoingMessage(models.Model):
    """One email to one address."""

    key = models.CharField(
        max_length=200, unique=True, help_text="Idempotency key: the same message is posted once."
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    relationship = models.ForeignKey(
        "relationships.Relationship",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outgoing_messages",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outgoing_messages",
        help_text="Empty for an address that has no login yet (an invitation).",
    )
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    not_before = models.DateTimeField(help_text="Not sent before this time (retries back off).")
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            # The sender's question: what is pending and due now, oldest first.
            models.Index(fields=["state", "not_before"], name="outbox_due"),
            models.Index(fields=["relationship", "state"], name="outbox_by_relationship"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.state})"


class MessageChoice(models.Model):
    """A person's choice about one kind of non-urgent message (choices.py); without a row, they
    get it. Kinds in ALWAYS_SENT are never asked about."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_choices"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    wanted = models.BooleanField(default=True)
    changed = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="message_choice_once")]


class ScheduledRun(models.Model):
    """A piece of scheduled work done once (the weekly digest of `digest:2026-W49`), so that the
    scheduler, calling every minute, does not work the week's digest out again."""

    name = models.CharField(max_length=100, unique=True)
    done_at = models.DateTimeField(auto_now_add=True)
