"""A co-productive relationship as data: everything in the case format, plus who uses it.

The fields mirror the case format (docs/case-format.md) so that a relationship converts to a
`Case` and back without loss (`case_io.py`). Lists the case format keeps as
plain strings (co-produced elements, contrast, other roles …) are JSON fields;
things people add one by one (participants, consents, contract versions,
observations, scores …) are rows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from mutuality.framework import VOCABULARY
from mutuality.web.accounts.models import Organisation, said_name
from mutuality.web.stored_words import read


def _choices(*values: str) -> list[tuple[str, str]]:
    """Choices of the web app's own enumerations (those of the case format are the framework's
    `VOCABULARY`, so every page spells them one way)."""
    return [(value, value.replace("_", " ").capitalize()) for value in values]


STAGES = VOCABULARY["stage"].choices()
SETTINGS = VOCABULARY["setting"].choices()
CAPACITIES = VOCABULARY["capacity"].choices()
CONSENTS = VOCABULARY["consent"].choices()
AFFECTED_CONSENTS = VOCABULARY["affected_consent"].choices()
VULNERABILITIES = VOCABULARY["vulnerability"].choices()
RESOURCE_REVIEWS = VOCABULARY["resource_review"].choices()
OBSERVATION_KINDS = VOCABULARY["observation_kind"].choices()
CONSULTATION_OUTCOMES = VOCABULARY["consultation_outcome"].choices()
# The case format's limits on text (framework `_types.Text` and `OptionalText`): a column holds
# whatever a valid case file may say, so an import never fails on a long value.
TEXT_LENGTH = 2000
LONG_TEXT_LENGTH = 4000


def new_record_id() -> str:
    """An opaque, stable id for a record, carried by exports so an upload updates that record."""
    return str(uuid.uuid4())


def _record_id() -> models.CharField[str, str]:
    return models.CharField(
        max_length=64,
        default=new_record_id,
        editable=False,
        help_text="The record's id in case files (unique within its relationship).",
    )


def _unique_id(*fields: str, name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=[*fields, "uid"], name=name)


class Relationship(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="relationships"
    )
    title = models.CharField(max_length=TEXT_LENGTH)
    stage = models.CharField(max_length=20, choices=STAGES, default="proposed")
    started = models.DateField(null=True, blank=True)
    ended_on = models.DateField(
        null=True, blank=True, help_text="The day the work was marked as ended (web only)."
    )
    setting = models.CharField(max_length=30, choices=SETTINGS, default="other")
    as_of = models.DateField(
        null=True, blank=True, help_text="Only for imported case files that fix their own date."
    )
    # context
    best_interests = models.BooleanField(default=False)
    compulsory = models.BooleanField(default=False)
    court_ordered = models.BooleanField(default=False)
    coproduced_elements_outside = models.BooleanField(default=False)
    # approach
    co_produced_elements = models.JSONField(default=list, blank=True)
    professional_led_methods = models.JSONField(default=list, blank=True)
    resource_review = models.CharField(max_length=30, choices=RESOURCE_REVIEWS, default="not_done")
    alternatives_considered = models.JSONField(default=list, blank=True)
    outcome_plan = models.JSONField(default=list, blank=True)
    contrast = models.JSONField(
        null=True,
        blank=True,
        default=None,
        help_text="The declared ways the work departs from usual care: empty when the two people "
        "looked and found none, null while nobody has looked (format 1.1).",
    )
    affected_identified = models.BooleanField(
        default=False, help_text="Whether anyone has said who else the relationship affects."
    )
    # scrutiny
    supervisor_name = models.CharField(max_length=LONG_TEXT_LENGTH, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervising",
    )
    supervisor_is_participant = models.BooleanField(default=False)
    supervision_every_days = models.PositiveIntegerField(null=True, blank=True)
    last_supervision = models.DateField(null=True, blank=True)
    team_informed = models.BooleanField(null=True, blank=True)
    public_reporting = models.BooleanField(null=True, blank=True)
    last_independent_review = models.DateField(null=True, blank=True)
    uncertain = models.BooleanField(default=False)
    instruments = models.JSONField(default=list, blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="reviewing"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped on every change; forms carry it so a stale edit is refused."
    )
    rows_version = models.PositiveSmallIntegerField(
        default=0,
        help_text="The version of the stored assessment rows last written (ROWS_VERSION).",
    )

    class Meta:
        indexes = [
            # Whether every relationship of an organisation is counted in its tallies.
            models.Index(fields=["organisation", "rows_version"], name="relationship_rows_version")
        ]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="participants"
    )
    slug = models.SlugField(max_length=64)
    name = models.CharField(
        max_length=TEXT_LENGTH,
        blank=True,
        default="",
        help_text="An optional display name from a case file, in any script (case format "
        "`participants[].name`).",
    )
    role = models.CharField(max_length=20, choices=VOCABULARY["role"].choices())
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    capacity = models.CharField(max_length=20, choices=CAPACITIES, default="presumed")
    consent = models.CharField(max_length=20, choices=CONSENTS, default="not_sought")
    other_roles = models.JSONField(default=list, blank=True)
    vulnerability = models.CharField(max_length=20, choices=VULNERABILITIES, blank=True)
    can_decline_freely = models.BooleanField(null=True, blank=True)
    access_needs = models.JSONField(default=list, blank=True)
    adjustments = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    consent_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The contract version this person's consent was given for (the web app's own: "
        "the case format does not hold it); none when it was given before any contract, or "
        "came from a case file.",
    )
    uid = models.CharField(
        max_length=64,
        default=new_record_id,
        editable=False,
        help_text="The person's pseudonymous identifier in FHIR (urn:mutuality:person): "
        "random, and kept when their scores are imported elsewhere (so unique only "
        "within their relationship).",
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "slug"], name="participant_slug_unique"
            ),
            _unique_id("relationship", name="participant_uid_unique"),
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def own_name(self) -> str:
        """The name the person chose on their login (display name, else full name), '' if
        none: it wins over the relationship's `name`, because people say what they are called.
        Reads `user`, so lists fetch it with the participants (`select_related("user")`)."""
        if self.user_id is None or self.user is None:
            return ""
        user = self.user
        return user.display_name or f"{user.first_name} {user.last_name}".strip()

    @property
    def called(self) -> str:
        """How pages and findings name this person: their own name, else the name this
        relationship gives them (`name`, from a case file), else their id here."""
        return said_name(self.own_name or self.name) or self.slug


def with_names(people: models.QuerySet[Participant]) -> models.QuerySet[Participant]:
    """Participants with what `called` reads, in the same query."""
    return people.select_related("user")


def named_people(relationship: Relationship) -> list[Participant]:
    """The relationship's participants with what `called` reads: those fetched with it (by
    `people_with_names`), else in one query."""
    if "participants" in getattr(relationship, "_prefetched_objects_cache", {}):
        return list(relationship.participants.all())
    return list(with_names(relationship.participants.all()))


def people_with_names() -> models.Prefetch[Any]:
    """A relationship's participants with what `called` reads, for `prefetch_related`, in the
    one query that fetches them anyway."""
    return models.Prefetch("participants", with_names(Participant.objects.all()))


class AffectedParty(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="affected_parties"
    )
    uid = _record_id()
    name = models.CharField(max_length=TEXT_LENGTH)
    consent = models.CharField(max_length=20, choices=AFFECTED_CONSENTS, default="not_sought")
    reason = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [_unique_id("relationship", name="affected_party_uid_unique")]


class ConsentEvent(models.Model):
    """One state of a person's consent, from when it began: a participant's or an affected
    party's (exactly one of the two). Rows are only ever added, in the transaction that changed
    the consent (consent_history.py is their one writer), so the record keeps every earlier
    state, which the FHIR export can show (fhir.py)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="consent_events"
    )
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent_events",
    )
    affected_party = models.ForeignKey(
        AffectedParty,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consent_events",
    )
    consent = models.CharField(
        max_length=20, help_text="The vocabulary's code, as the person's row stores it."
    )
    contract_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The contract version the consent was given for (participants only).",
    )
    at = models.DateTimeField(default=timezone.now, help_text="When this state began.")

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(participant__isnull=False, affected_party__isnull=True)
                    | models.Q(participant__isnull=True, affected_party__isnull=False)
                ),
                name="consent_event_one_party",
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The history is only added to: a state once recorded is never rewritten.
        if not self._state.adding:
            raise ValueError("A consent event is never changed once recorded.")
        super().save(*args, **kwargs)


class ContractVersion(models.Model):
    """One version of the psychological contract; any change makes a new version. A version is
    proposed by one of the two people (or came from a case file: nobody), and stays the latest
    when it is declined, so the assessment sees the disagreement (ADR 0014)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="contract_versions"
    )
    version = models.PositiveIntegerField()
    costs_and_benefits = models.JSONField(default=list, blank=True)
    communicated_to = models.JSONField(default=list, blank=True)
    payments = models.JSONField(default=list, blank=True)
    inequalities_addressed = models.TextField(blank=True, null=True)
    power_differential = models.TextField(blank=True, null=True)
    multiple_roles_plan = models.TextField(blank=True, null=True)
    exit_plan = models.TextField(blank=True, null=True)
    review_every_days = models.PositiveIntegerField(null=True, blank=True)
    last_review = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    proposed_by = models.ForeignKey(
        "Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone declined it: it can no longer be agreed."
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "version"], name="contract_version_unique"
            )
        ]


class ContractAgreement(models.Model):
    contract = models.ForeignKey(
        ContractVersion, on_delete=models.CASCADE, related_name="agreements"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE)
    agreed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "participant"], name="agreement_unique")
        ]


class ContractResponse(models.Model):
    """One person's answer to one version: agreed, declined (with a reason) or a comment. Rows
    are only ever added, so the conversation is kept whole."""

    contract = models.ForeignKey(
        ContractVersion, on_delete=models.CASCADE, related_name="responses"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=_choices("agreed", "declined", "comment"))
    reason = models.TextField(blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class Disclosure(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="disclosures"
    )
    uid = _record_id()
    by = models.ForeignKey(Participant, on_delete=models.CASCADE)
    date = models.DateField()
    about = models.TextField()
    rationale = models.TextField(blank=True, null=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [_unique_id("relationship", name="disclosure_uid_unique")]


class Observation(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="observations"
    )
    uid = _record_id()
    date = models.DateField()
    kind = models.CharField(max_length=30, choices=OBSERVATION_KINDS)
    by = models.CharField(max_length=TEXT_LENGTH)
    status = models.CharField(
        max_length=10, choices=VOCABULARY["observation_status"].choices(), default="open"
    )
    note = models.TextField(blank=True, null=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["date", "pk"]
        constraints = [_unique_id("relationship", name="observation_uid_unique")]


PRIVATE_WORRY_STATES = _choices("held", "on_record", "resolved")
ACT_WITHIN_DAYS = 14
"""How many days a supervisor has to put a private worry on the record or resolve it: the one
place this number lives (the due list, the forms and the pages read it from here)."""
RAISED_PRIVATELY_BY = "someone who spoke privately with the supervisor"
"""Who raised an observation that a supervisor put on the record from a private worry: never
the person's name (with two people in a relationship, any other words would name them)."""


class PrivateWorry(models.Model):
    """A worry a co-producer raised for the supervisor alone (ADR 0015). It is no part of the
    shared record or the shared assessment (case_io never reads it) until the supervisor puts it
    on the record, as an observation that does not name who raised it, or resolves it privately
    with a note."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="private_worries"
    )
    uid = _record_id()
    date = models.DateField(help_text="When the person noticed it.")
    kind = models.CharField(max_length=30, choices=OBSERVATION_KINDS)
    note = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=PRIVATE_WORRY_STATES, default="held")
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True, help_text="The supervisor's note, when resolved.")
    observation = models.OneToOneField(
        Observation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="from_private_worry",
        help_text="The observation it became, once put on the record.",
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]


class Consultation(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="consultations"
    )
    uid = _record_id()
    date = models.DateField()
    with_whom = models.CharField(max_length=TEXT_LENGTH)
    outcome = models.CharField(max_length=20, choices=CONSULTATION_OUTCOMES)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who recorded it here; empty for consultations that came from a case file.",
    )

    class Meta:
        ordering = ["date", "pk"]
        constraints = [_unique_id("relationship", name="consultation_uid_unique")]


class ConsultationRequest(models.Model):
    """A co-producer's request for a consultation about another model of helping: on the
    professional's and the supervisor's lists of what is due until a consultation is recorded
    (which answers every request still open)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="consultation_requests"
    )
    requested_by = models.ForeignKey(
        Participant, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    answered_by = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]


class OutcomeSeries(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="outcome_series"
    )
    uid = _record_id()
    of = models.ForeignKey(Participant, on_delete=models.CASCADE)
    instrument = models.CharField(max_length=TEXT_LENGTH)
    goal = models.TextField(blank=True, null=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [_unique_id("relationship", name="outcome_series_uid_unique")]


class Score(models.Model):
    series = models.ForeignKey(OutcomeSeries, on_delete=models.CASCADE, related_name="scores")
    uid = _record_id()
    date = models.DateField()
    value = models.FloatField(null=True, blank=True)
    items = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [_unique_id("series", name="score_uid_unique")]


class AssessmentRecord(models.Model):
    """The assessment stored after every change, so the history shows how and why it moved."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="assessments"
    )
    created = models.DateTimeField(auto_now_add=True)
    revision = models.PositiveIntegerField()
    recommendation = models.CharField(max_length=30)
    result = models.JSONField()
    reason = models.CharField(max_length=300)
    reason_words = models.JSONField(
        default=dict, blank=True, help_text="`reason` as its message and values (stored_words)."
    )

    def reason_said(self) -> str:
        """Why it was assessed, in the reader's language."""
        return read(self.reason_words, self.reason)

    class Meta:
        ordering = ["-created", "-pk"]


class Invitation(models.Model):
    """A single-use, expiring link that lets a co-producer set their own password."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    display_name = models.CharField(
        max_length=200, blank=True, help_text="The name the professional gave them, if any."
    )
    # An emailed invitation has a second token of its own, only in the email: accepting by it
    # proves the person receives mail at `emailed_to`, which the link on the professional's
    # screen (token_hash) cannot (ADR 0009, "Verified email addresses").
    emailed_to = models.EmailField(max_length=254, blank=True)
    email_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)


class SupervisionRecord(models.Model):
    """A supervision session, recorded by the supervisor (keeps `last_supervision` current)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="supervision_records"
    )
    date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-pk"]


class CapacityView(models.Model):
    """One view of a person's capacity for the decisions the work shares, kept for good: the
    professional's record (which is also the case format's `capacity`) or the co-producer's own
    view of their capacity, shown beside it. A later view never replaces an earlier one."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="capacity_views"
    )
    about = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="capacity_views")
    kind = models.CharField(
        max_length=20,
        choices=[("record", "The professional's record"), ("view", "Their own view")],
    )
    capacity = models.CharField(max_length=20, choices=CAPACITIES)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]


class ReviewRecord(models.Model):
    """A review of the contract (by the two people) or an independent review."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="review_records"
    )
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=VOCABULARY["review_kind"].choices())
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-pk"]


SAFETY_KINDS = _choices("self_harm_thoughts", "reliable_deterioration")


class SafetyFlag(models.Model):
    """A safety signal from a questionnaire, shown to the professional and the supervisor at
    the top of their dashboards until someone records what was done about it."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="safety_flags"
    )
    about = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=SAFETY_KINDS)
    series = models.ForeignKey(
        OutcomeSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.TextField()
    words = models.JSONField(
        default=dict, blank=True, help_text="`detail` as its message and values (stored_words)."
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action_taken = models.TextField(blank=True)

    def said(self) -> str:
        """What the flag says, in the reader's language."""
        return read(self.words, self.detail)

    class Meta:
        ordering = ["-raised_at", "-pk"]


# The stored assessment as rows the database can query (issue 10). `actions.reassess` is their
# only writer, in the same transaction as the change that called it. Lists and reports read
# these, never the JSON of an assessment. What depends on today's date is stored as the day from
# which it applies (`starts`) and the day it stops (`ends`, exclusive; empty for as long as the
# record stays as it is), so a relationship nobody touches still falls overdue on time.

ROWS_VERSION = 8
"""What the stored rows hold: raised when a new release stores more, so that `mutuality reassess
--missing` (which `make run` runs after `migrate`) writes them again for every relationship
whose rows are older. 1: the rows of ADR 0007; 2: each series' categories at every horizon and
the paired PHQ-9 and GAD-7 outcomes (`PairedSummary`), so reports count them in SQL; 3: each
relationship's share of its organisation's tallies (`TallyShare`, ADR 0008); 4: framework
format 1.1 (contrast counted from the answers and the record; `contrast_unexamined`); 5: the
stored findings and due items name people by their display names, not their ids; 6: private
worries held apart from the shared assessment, and due items for them and for requests for a
consultation (ADR 0015); 7: each stored finding carries its words' parameters (who, what,
when), and a due item about a person reads "you" to them; 8: a relationship under way in which
someone withdrew their consent is no longer running in the reports' figures, and by stage is
counted as `withdrawn` (tallies.py): no row changes, but what the kept facts add to the tallies
does, so `--missing` builds the tallies of every organisation it touched again."""

URGENCY = {"alternative_model": 0, "consult": 1, "proceed_with_safeguards": 2, "proceed": 3}
"""Recommendations, most urgent first (the order of every list)."""


class _Span(models.Model):
    """Something that applies from one day (`starts`) until another (`ends`, exclusive).

    Rows a list reads also carry their relationship's organisation and title (written with
    them: any change to a relationship reassesses it), so a list finds and orders its rows
    through one index, without joining every relationship.
    """

    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


class _Listed(_Span):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=TEXT_LENGTH, help_text="The relationship's title.")

    class Meta:
        abstract = True


class AssessedPeriod(_Listed):
    """The relationship's assessment over a span of days: what it recommends, its scrutiny and
    the status of each principle, and (for its own page only) the whole result."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="periods")
    stage = models.CharField(max_length=20, choices=STAGES, help_text="The relationship's.")
    recommendation = models.CharField(max_length=30)
    urgency = models.PositiveSmallIntegerField(help_text="0 is the most urgent recommendation.")
    scrutiny_level = models.CharField(max_length=20)
    supervision_every_days = models.PositiveIntegerField(
        help_text="The supervision interval its scrutiny level needs."
    )
    respect = models.CharField(max_length=20)
    competence = models.CharField(max_length=20)
    responsibility = models.CharField(max_length=20)
    integrity = models.CharField(max_length=20)
    result = models.JSONField(help_text="The whole assessment as of `starts`, as framework JSON.")

    class Meta:
        ordering = ["starts"]
        indexes = [
            models.Index(fields=["relationship", "starts"], name="period_relationship_starts"),
            models.Index(
                fields=["organisation", "urgency", "title", "relationship", "starts", "ends"],
                name="period_most_urgent",
            ),
        ]


class CurrentFinding(_Span):
    """A finding of the assessment over a span of days."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="current_findings"
    )
    code = models.CharField(max_length=80)
    principle = models.CharField(max_length=20)
    severity = models.CharField(max_length=20)
    concerns = models.JSONField(default=list, blank=True)
    message = models.TextField()
    since = models.DateField(help_text="The first day of the unbroken run it has been open.")
    position = models.PositiveSmallIntegerField(help_text="Its place, most severe first.")

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["relationship", "starts"], name="finding_relationship_starts"),
            models.Index(fields=["code", "starts"], name="finding_code_starts"),
        ]


DUE_CATEGORIES = _choices(
    "safety",
    "withdrawn",
    "private_worries",
    "consent",
    "contract",
    "overdue",
    "observations",
    "consultation_requests",
    "questionnaires",
)


class DueItem(_Listed):
    """One thing due in a relationship, and who sees it on their "what is due" list: everyone
    whose standing is ticked, and the one person it is addressed to (if any), except the person
    it must not go to (someone told "your agreement" is not also told "their agreement")."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="due_items"
    )
    category = models.CharField(max_length=30, choices=DUE_CATEGORIES)
    rank = models.PositiveSmallIntegerField(help_text="Its category's place in the list.")
    text = models.TextField()
    words = models.JSONField(
        default=dict, blank=True, help_text="`text` as its message and values (stored_words)."
    )
    url = models.CharField(max_length=300, blank=True)
    code = models.CharField(
        max_length=80, blank=True, help_text="The finding behind it; its link depends on who looks."
    )
    position = models.PositiveSmallIntegerField(default=0)
    for_professional = models.BooleanField(default=False)
    for_co_producer = models.BooleanField(default=False)
    for_supervisor = models.BooleanField(default=False)
    for_reviewer = models.BooleanField(default=False)
    for_admin = models.BooleanField(default=False)
    to_participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    except_participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    series = models.ForeignKey(
        OutcomeSeries,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The questionnaire that is due, for a questionnaire.",
    )

    class Meta:
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["relationship", "starts"], name="due_relationship_starts"),
            models.Index(
                fields=["organisation", "rank", "title", "relationship", "position"],
                name="due_in_order",
            ),
        ]


class SeriesSummary(models.Model):
    """One outcome series as the framework classified it, for reports to count in SQL."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="series_summaries"
    )
    person = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    series_id = models.CharField(max_length=TEXT_LENGTH, help_text="phq9, ons4.anxious, gbo.1 …")
    instrument = models.CharField(max_length=TEXT_LENGTH, help_text="The instrument's id.")
    group_key = models.CharField(
        max_length=TEXT_LENGTH, help_text="Goals pool into their instrument; the rest stay apart."
    )
    goal = models.BooleanField(default=False)
    n_scores = models.PositiveIntegerField()
    first_date = models.DateField()
    first_score = models.FloatField()
    last_date = models.DateField()
    last_score = models.FloatField()
    change = models.CharField(max_length=30, blank=True)
    category = models.CharField(max_length=30, blank=True)
    short_score = models.FloatField(null=True, blank=True, help_text="Last score in 0–90 days.")
    medium_score = models.FloatField(null=True, blank=True, help_text="Last in 91–365 days.")
    long_score = models.FloatField(null=True, blank=True, help_text="Last after 365 days.")
    short_change = models.CharField(max_length=30, blank=True)
    medium_change = models.CharField(max_length=30, blank=True)
    long_change = models.CharField(max_length=30, blank=True)
    short_category = models.CharField(max_length=30, blank=True)
    medium_category = models.CharField(max_length=30, blank=True)
    long_category = models.CharField(max_length=30, blank=True)
    reliable = models.BooleanField(
        default=False, help_text="Its instrument has a reliable-change statistic."
    )
    clinical = models.BooleanField(
        default=False,
        help_text="On the clinical side at the first score, on an instrument that can say "
        "whether someone recovered (a cut-off and a reliable-change statistic).",
    )
    paired = models.BooleanField(
        default=False, help_text="The person has both PHQ-9 and GAD-7 (NHS Talking Therapies)."
    )

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["group_key"], name="series_summary_group")]


class PairedSummary(models.Model):
    """One person's paired PHQ-9 and GAD-7 outcome at one horizon (NHS Talking Therapies), as
    the outcomes package classified it, for reports to count in SQL."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="paired_summaries"
    )
    person = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    horizon = models.CharField(max_length=10, help_text="latest, short, medium or long")
    first_date = models.DateField(
        help_text="The later of the two first scores: the horizon begins for the person when "
        "it has begun for both measures."
    )
    finished = models.BooleanField(help_text="Both measures have a later score at this horizon.")
    caseness = models.BooleanField(default=False)
    recovered = models.BooleanField(default=False)
    reliable_recovery = models.BooleanField(default=False)
    reliable_improvement = models.BooleanField(default=False)
    reliable_deterioration = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["horizon", "first_date"], name="paired_horizon_from")]


# Organisation-wide figures as tallies by day (ADR 0008). `actions.reassess` keeps them, in the
# same transaction as the typed rows, from what each relationship adds (`TallyShare`): the
# organisation's unfiltered service report and its transparency report read a few hundred
# tally rows however many relationships it has (tallies.py says how).


class Tally(models.Model):
    """A change, from `day` on, to one of an organisation's figures: the figure as of a day is
    the sum of its changes up to that day."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    figure = models.CharField(max_length=20, help_text="stage, period, open, group, …")
    item = models.TextField(help_text="What within the figure, as a JSON list.")
    day = models.DateField(help_text="From when the change applies (0001-01-01: always).")
    value = models.FloatField(help_text="A count, or a sum of scores.")
    written = models.DateField(help_text="The day it was last changed.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "figure", "item", "day"], name="tally_once"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "day"], name="tally_organisation_day"),
            models.Index(fields=["organisation", "written"], name="tally_organisation_written"),
        ]


class TallyShare(models.Model):
    """What one relationship adds to its organisation's tallies, as the facts they come from
    (tallies.py `facts`), kept so that the next reassessment can take them away again."""

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, primary_key=True, related_name="tally_share"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    facts = models.JSONField()


class QuestionnaireSchedule(models.Model):
    """How often the two people agreed a questionnaire is due (every so many weeks): a reminder
    is emailed on each due date (outbox/scheduled.py) once the other person has agreed to it.
    Setting or changing it by one person waits for the other's agreement again."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="questionnaire_schedules"
    )
    instrument = models.CharField(max_length=TEXT_LENGTH, help_text="An instrument's id.")
    every_weeks = models.PositiveSmallIntegerField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instrument", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "instrument"], name="questionnaire_schedule_once"
            )
        ]


class QuestionnaireDraft(models.Model):
    """Answers to a questionnaire someone has begun and not yet finished (issue 13, point 6).

    A draft is not a score: the case, the assessment and every export leave it out. It is
    private to the person filling it in (`by`), while they may still fill in that person's
    questionnaires (access.questionnaire_people), and is deleted when they finish or discard
    it. A self-harm answer in it is still never just stored (actions/outcomes.py, `raised`).
    """

    series = models.ForeignKey(OutcomeSeries, on_delete=models.CASCADE, related_name="drafts")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(
        default=dict, help_text="The form's answers so far, by field name, as typed or chosen."
    )
    raised = models.ForeignKey(
        SafetyFlag,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The safety flag a self-harm answer in this draft raised, so that finishing "
        "with the same answer does not raise it twice.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "by"], name="questionnaire_draft_once")
        ]
