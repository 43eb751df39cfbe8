"""A person's own record: everything Mutuality holds about them, for them to read and keep
(/accounts/record/, a page that also downloads as a PDF, and JSON: docs/personal-record.md).

The record is gathered in parts. A part is one small function, registered with `about_you`
(about their login) or `in_each_relationship` (about them in each relationship they are a
participant of), that reads its kind of record with one or two queries over all of their
relationships at once, so the record costs the same number of queries however many
relationships a person has. A part returns plain values (text, numbers, true/false, dates,
lists and objects of them): the JSON is those values; the page shows the fields its labels
name, in the labels' order. A new kind of record is a new part, and a property in
docs/personal-record.schema.json.

What a part shows is what the person may see on the relationship's own pages, by the same
rules (access.py): their own private notes, never anyone else's.

An organisation's admin makes the same record for a subject access request
(`personal_record(user, for_subject_access=True)`, /organisation/people/<pk>/record/). That
copy leaves out what ADR 0015 keeps between a worry's raiser and the supervisor (the parts
marked `held_by_supervisor`, and the audit rows written outside the organisation's log), says
so in `SUBJECT_ACCESS_NOTE` whether or not there is any, and covers only the relationships of
the person's own organisation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from allauth.mfa.models import Authenticator
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutuality.framework import QUESTIONS_BY_ID, VOCABULARY
from mutuality.outcomes import shipped_instruments
from mutuality.web.access import (
    contract_responses_in_own_relationships,
    observations_in_own_relationships,
    own_consultation_requests,
    own_private_worries,
    own_questionnaire_drafts,
    own_relationships,
)
from mutuality.web.accounts.addresses import is_verified, pending_address
from mutuality.web.accounts.models import User
from mutuality.web.accounts.session_views import device, live_sessions
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.choices import WORDS, offered, wanted
from mutuality.web.outbox.models import Kind, OutgoingMessage
from mutuality.web.relationships.forms.details import OWN_CAPACITY_WORDS
from mutuality.web.relationships.models import (
    CapacityView,
    Consultation,
    ContractAgreement,
    ContractVersion,
    Disclosure,
    OutcomeSeries,
    Participant,
    ReviewRecord,
    SafetyFlag,
    Score,
    SupervisionRecord,
)
from mutuality.web.relationships.private_worries import STATE_WORDS
from mutuality.web.relationships.views.audit_log import ACTIONS
from mutuality.web.spoken import spoken_date, spoken_time

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FORMAT = "mutuality.personal-record/1"
"""The JSON's format and version (docs/personal-record.md): a new field keeps the version; a
field renamed, removed or changed in meaning raises it."""

Value = Any
Item = dict[str, Value]


@dataclass
class Person:
    """Whose record it is, and what every part reads: their own participant records (one per
    relationship, read once) and the names of everyone in those relationships."""

    user: User
    participants: list[Participant]
    for_subject_access: bool = False  # the admin's copy (module docstring)

    @cached_property
    def relationship_ids(self) -> list[int]:
        return sorted({p.relationship_id for p in self.participants})

    @cached_property
    def own_ids(self) -> set[int]:
        """The ids of their own participant records."""
        return {p.pk for p in self.participants}

    @cached_property
    def _everyone(self) -> list[Participant]:
        found = Participant.objects.filter(relationship_id__in=self.relationship_ids)
        return list(found.select_related("user"))

    @cached_property
    def names(self) -> dict[int, str]:
        """Each participant of their relationships by id, as pages call them."""
        return {p.pk: p.called for p in self._everyone}

    @cached_property
    def names_by_slug(self) -> dict[tuple[int, str], str]:
        """The same names by (relationship, the participant's id in case files)."""
        return {(p.relationship_id, p.slug): p.called for p in self._everyone}

    def slug_name(self, relationship_id: int, slug: str) -> str:
        return self.names_by_slug.get((relationship_id, slug), slug)


Gather = Callable[[Person], Any]


NOTHING_RECORDED = _("Nothing recorded.")


@dataclass(frozen=True)
class Part:
    """One kind of record: its key in the JSON, its heading on the page, the fields the page
    shows (by key, with their labels), and the function that gathers it."""

    key: str
    heading: StrOrPromise
    labels: Mapping[str, StrOrPromise]
    gather: Gather
    empty: StrOrPromise = NOTHING_RECORDED
    shown_at_most: int | None = None  # the page's limit; the JSON holds every item
    single: bool = False  # one item, which the JSON holds as itself rather than in a list
    # Kept between a worry's raiser and the supervisor (ADR 0015): never in an admin's copy.
    held_by_supervisor: bool = False


ABOUT_YOU: list[Part] = []
"""Parts about the person's login: each gathers a list of items."""
IN_EACH_RELATIONSHIP: list[Part] = []
"""Parts about them in their relationships: each gathers items by relationship id."""


def about_you(
    key: str, heading: StrOrPromise, labels: Mapping[str, StrOrPromise], **options: Any
) -> Callable[[Gather], Gather]:
    """Register a part about the person's login (its function returns a list of items)."""

    def register(gather: Gather) -> Gather:
        ABOUT_YOU.append(Part(key, heading, labels, gather, **options))
        return gather

    return register


def in_each_relationship(
    key: str, heading: StrOrPromise, labels: Mapping[str, StrOrPromise], **options: Any
) -> Callable[[Gather], Gather]:
    """Register a part about the person in each of their relationships (its function returns
    the items by relationship id, for all of them at once)."""

    def register(gather: Gather) -> Gather:
        IN_EACH_RELATIONSHIP.append(Part(key, heading, labels, gather, **options))
        return gather

    return register


def by_relationship(rows: Any, item: Callable[[Any], Item]) -> dict[int, list[Item]]:
    """Items grouped by their row's relationship, in the rows' order."""
    grouped: dict[int, list[Item]] = defaultdict(list)
    for row in rows:
        grouped[row.relationship_id].append(item(row))
    return grouped


def _name(user: User | None) -> str | None:
    return user.shown_name if user is not None else None


def _words(enumeration: str, code: str) -> str:
    """A code as every page says it (the framework's one vocabulary, ADR 0016), or the code
    itself if the vocabulary does not know it."""
    return dict(VOCABULARY[enumeration].choices()).get(code, code)


# --- About the person's login ------------------------------------------------------------


@about_you(
    "account",
    _("Your login"),
    {
        "name": _("Name"),
        "username": _("Username"),
        "email": _("Email address"),
        "email_confirmed": _("Email address confirmed"),
        "email_waiting_to_be_confirmed": _("Change of email address waiting to be confirmed"),
        "role": _("Role"),
        "organisation": _("Organisation"),
        "joined": _("Login made"),
        "last_signed_in": _("Last signed in"),
        "active": _("Login turned on"),
    },
    single=True,
)
def _account(person: Person) -> list[Item]:
    user = person.user
    waiting = pending_address(user)
    return [
        {
            "name": user.shown_name,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.get_username(),
            "email": user.email or None,
            "email_confirmed": is_verified(user),
            "email_waiting_to_be_confirmed": waiting.email if waiting else None,
            "role": user.get_role_display(),
            "organisation": user.organisation.name if user.organisation else None,
            "joined": user.date_joined,
            "last_signed_in": user.last_login,
            "active": user.is_active,
        }
    ]


_FACTOR_WORDS = {
    Authenticator.Type.TOTP: _("Authenticator app"),
    Authenticator.Type.WEBAUTHN: _("Passkey"),
    Authenticator.Type.RECOVERY_CODES: _("Recovery codes"),
}


@about_you(
    "second_factors",
    _("The second step when you sign in"),
    {"kind": _("Kind"), "name": _("Name"), "added": _("Added"), "last_used": _("Last used")},
    empty=_("None set up."),
)
def _second_factors(person: Person) -> list[Item]:
    """Which second factors they have, never their secrets (a passkey's name is its only part
    kept here)."""
    rows = Authenticator.objects.filter(user_id=person.user.pk).order_by("created_at", "pk")
    return [
        {
            "kind": _FACTOR_WORDS.get(row.type, row.type),
            "name": str(row.data.get("name", ""))
            if row.type == Authenticator.Type.WEBAUTHN
            else "",
            "added": row.created_at,
            "last_used": row.last_used_at,
        }
        for row in rows
    ]


@about_you(
    "sessions",
    _("Where you are signed in"),
    {
        "device": _("Device"),
        "address": _("Internet address"),
        "signed_in": _("Signed in"),
        "last_used": _("Last used"),
    },
    empty=_("No session recorded."),
)
def _sessions(person: Person) -> list[Item]:
    return [
        {
            "device": device(row.user_agent),
            "address": row.ip,
            "signed_in": row.created_at,
            "last_used": row.last_seen_at,
        }
        for row in live_sessions(person.user)
    ]


@about_you(
    "message_choices",
    _("Emails you chose to get"),
    {"message": _("Email"), "wanted": _("You get it")},
    empty=_(
        "Your role has no emails to choose about: you get the ones about safety and signing in."
    ),
)
def _message_choices(person: Person) -> list[Item]:
    getting = wanted(person.user)
    return [
        {"kind": kind.value, "message": WORDS[kind], "wanted": kind in getting}
        for kind in offered(person.user)
    ]


_LINK_KINDS = frozenset(
    str(kind.value)
    for kind in (
        Kind.PASSWORD_RESET,
        Kind.EMAIL_CONFIRMATION,
        Kind.INVITATION,
        Kind.STAFF_INVITATION,
    )
)
"""Messages whose body holds a link that signs someone in or proves an address: left out of
the record (the link may still work; a file kept for years should not hold one)."""
LEFT_OUT = _(
    "Left out of your record: this email held a link for signing in, which may still work."
)


@about_you(
    "messages",
    _("Emails sent to you"),
    {
        "created": _("Written"),
        "subject": _("Subject"),
        "to": _("To"),
        "state": _("What happened to it"),
        "sent_at": _("Sent"),
        "body": _("What it said"),
    },
    empty=_("None."),
)
def _messages(person: Person) -> list[Item]:
    rows = OutgoingMessage.objects.filter(recipient_id=person.user.pk).order_by("-created", "-pk")
    return [
        {
            "kind": row.kind,
            "relationship": row.relationship_id,
            "created": row.created,
            "subject": row.subject,
            "to": row.to,
            "state": row.get_state_display(),
            "sent_at": row.sent_at,
            "body": LEFT_OUT if row.kind in _LINK_KINDS else row.body,
        }
        for row in rows
    ]


AUDIT_SHOWN = 200
HELD_BY_SUPERVISOR = "held_by_supervisor"
"""The detail that marks an audit row of a private worry (`relationships.actions.audit_held`)."""
_AUDITED_WORDS = {
    User._meta.label: _("your login"),
    Participant._meta.label: _("your part in a relationship"),
    "reports.PublishedReport": _("a published transparency report"),
}


@about_you(
    "audit_events",
    _("What the audit trail holds about you"),
    {
        "at": _("When"),
        "by": _("Who"),
        "action": _("What was done"),
        "what": _("To what"),
        "relationship": _("In relationship"),
        "detail": _("Details"),
    },
    empty=_("Nothing."),
    shown_at_most=AUDIT_SHOWN,
)
def _audit_events(person: Person) -> list[Item]:
    """The audit trail's rows in which they acted, or about their login or their participant
    records, newest first."""
    user = person.user
    about = Q(object_type=User._meta.label, object_id=str(user.pk))
    if person.own_ids:
        ids = [str(pk) for pk in person.own_ids]
        about |= Q(object_type=Participant._meta.label, object_id__in=ids)
    rows = AuditEvent.objects.filter(Q(user_id=user.pk) | about).select_related("user")
    if person.for_subject_access:
        # A private worry's events (its raising, the supervisor's reads and decisions) are kept
        # out of the organisation's own log (ADR 0015), so out of its admin's copy too.
        rows = rows.exclude(detail__has_key=HELD_BY_SUPERVISOR)
    return [
        {
            "at": row.at,
            "by": _name(row.user),
            "action": row.action,
            "what": _AUDITED_WORDS.get(row.object_type, row.object_type),
            "object_type": row.object_type,
            "object_id": row.object_id,
            "relationship": row.relationship_id,
            "detail": row.detail,
        }
        for row in rows.order_by("-at", "-pk")
    ]


# --- About them in each relationship ---------------------------------------------------


def _answers(participant: Participant) -> list[Item]:
    """Their two-sided answers, with the question as they were asked it."""
    rows = []
    for question_id, answer in (participant.answers or {}).items():
        question = QUESTIONS_BY_ID.get(question_id)
        asked, words = question_id, str(answer)
        if question is not None:
            wording = {str(role): text for role, text in question.wording.items()}
            asked = wording.get(participant.role, question.asks)
            words = question.answers.get(str(answer), str(answer))
        rows.append({"question": question_id, "asked": asked, "answer": answer, "words": words})
    return rows


@in_each_relationship(
    "participation",
    _("You in this relationship"),
    {
        "role": _("Your role"),
        "name_here": _("The name this relationship gives you"),
        "consent": _("Your consent"),
        "consent_version": _("The contract version your consent was given for"),
        "capacity": _("Capacity to decide"),
        "can_decline_freely": _("Can say no freely"),
        "vulnerability": _("Vulnerability"),
        "access_needs": _("Access needs"),
        "adjustments": _("Adjustments"),
        "other_roles": _("Other roles"),
        "answers": _("Your answers to the two-sided questions"),
    },
)
def _participation(person: Person) -> dict[int, list[Item]]:
    return by_relationship(
        person.participants,
        lambda p: {
            "id": p.slug,
            "role": _words("role", p.role),
            "name_here": p.name or None,
            "consent": p.get_consent_display(),
            "consent_version": p.consent_version,
            "capacity": p.get_capacity_display(),
            "can_decline_freely": p.can_decline_freely,
            "vulnerability": p.get_vulnerability_display() or None,
            "access_needs": list(p.access_needs),
            "adjustments": list(p.adjustments),
            "other_roles": list(p.other_roles),
            "answers": _answers(p),
        },
    )


@in_each_relationship(
    "consent_history",
    _("Changes to your consent"),
    {"at": _("When"), "by": _("Who"), "before": _("Before"), "after": _("After")},
    empty=_("No change recorded here (your consent as it came with the relationship stands)."),
)
def _consent_history(person: Person) -> dict[int, list[Item]]:
    rows = AuditEvent.objects.filter(
        object_type=Participant._meta.label,
        object_id__in=[str(pk) for pk in person.own_ids],
        detail__field="consent",
    ).select_related("user")
    return by_relationship(
        rows.order_by("at", "pk"),
        lambda row: {
            "at": row.at,
            "by": _name(row.user),
            "before": row.detail.get("before"),
            "after": row.detail.get("after"),
        },
    )


_CAPACITY_KIND_WORDS = {"record": _("The professional's record"), "view": _("Your own view")}


@in_each_relationship(
    "capacity_views",
    _("Your capacity to decide: the professional's records and your own views"),
    {
        "at": _("When"),
        "whose": _("Whose"),
        "by": _("Who"),
        "words": _("What it says"),
        "note": _("Note"),
    },
    empty=_("Nothing recorded here (your capacity is presumed)."),
)
def _capacity_views(person: Person) -> dict[int, list[Item]]:
    """Every view of their capacity, oldest first, as the people page shows them: the
    professional's records and their own views beside them (none is ever replaced)."""
    rows = CapacityView.objects.filter(about_id__in=person.own_ids).select_related("by")

    def item(view: CapacityView) -> Item:
        own = view.kind == "view"  # their own words for their own view, as the people page asks
        words = OWN_CAPACITY_WORDS.get(view.capacity) if own else None
        return {
            "at": view.at,
            "kind": view.kind,
            "whose": _CAPACITY_KIND_WORDS.get(view.kind, view.kind),
            "by": _name(view.by),
            "capacity": view.capacity,
            "words": str(words or _words("capacity", view.capacity)),
            "note": view.note,
        }

    return by_relationship(rows.order_by("at", "pk"), item)


@in_each_relationship(
    "contract_versions",
    _("The contract, version by version"),
    {
        "version": _("Version"),
        "created": _("Written"),
        "proposed_by": _("Proposed by"),
        "agreed": _("Agreed by"),
        "declined_at": _("Declined"),
        "costs_and_benefits": _("Costs and benefits"),
        "payments": _("Payments"),
        "power_differential": _("The difference in power"),
        "inequalities_addressed": _("Inequalities addressed"),
        "multiple_roles_plan": _("Plan for other roles"),
        "exit_plan": _("How either of you can stop"),
        "review_every_days": _("Reviewed every (days)"),
        "last_review": _("Last reviewed"),
    },
    empty=_("There is no written contract yet."),
)
def _contracts(person: Person) -> dict[int, list[Item]]:
    agreements = ContractAgreement.objects.order_by("agreed_at", "pk")
    versions = ContractVersion.objects.filter(relationship_id__in=person.relationship_ids)
    versions = versions.prefetch_related(Prefetch("agreements", queryset=agreements))

    def item(v: ContractVersion) -> Item:
        name = person.names.get
        named = person.slug_name
        return {
            "version": v.version,
            "created": v.created,
            "proposed_by": name(v.proposed_by_id) if v.proposed_by_id else None,
            "declined_at": v.declined_at,
            "agreed": [
                {"by": name(a.participant_id), "on": a.agreed_at} for a in v.agreements.all()
            ],
            "costs_and_benefits": [
                {**row, "party": named(v.relationship_id, row.get("party", ""))}
                for row in v.costs_and_benefits
            ],
            "communicated_to": [named(v.relationship_id, slug) for slug in v.communicated_to],
            "payments": [
                {**row, "to": named(v.relationship_id, row.get("to", ""))} for row in v.payments
            ],
            "power_differential": v.power_differential,
            "inequalities_addressed": v.inequalities_addressed,
            "multiple_roles_plan": v.multiple_roles_plan,
            "exit_plan": v.exit_plan,
            "review_every_days": v.review_every_days,
            "last_review": v.last_review,
        }

    return by_relationship(versions.order_by("relationship_id", "-version"), item)


_RESPONSE_WORDS = {
    "agreed": _("agreed to version %(version)s"),
    "declined": _("declined version %(version)s"),
    "comment": _("commented on version %(version)s"),
}
"""What each kind of answer says, as the contract page's conversation says it."""


@in_each_relationship(
    "contract_conversation",
    _("What each of you said about the contract"),
    {"at": _("When"), "by": _("Who"), "what": _("What"), "reason": _("Reason or comment")},
    empty=_("Nobody has answered a version of the contract here yet."),
)
def _contract_conversation(person: Person) -> dict[int, list[Item]]:
    """Every agreement, decline (with its reason) and comment on the contract, by either
    person, oldest first: the whole conversation, as the contract page shows it to each of
    them."""
    rows = contract_responses_in_own_relationships(person.user).select_related("contract")
    grouped: dict[int, list[Item]] = defaultdict(list)
    for row in rows.order_by("at", "pk"):
        grouped[row.contract.relationship_id].append(
            {
                "at": row.at,
                "version": row.contract.version,
                "by": person.names.get(row.participant_id),
                "by_you": row.participant_id in person.own_ids,
                "kind": row.kind,
                "what": _RESPONSE_WORDS[row.kind] % {"version": row.contract.version}
                if row.kind in _RESPONSE_WORDS
                else row.kind,
                "reason": row.reason or None,
            }
        )
    return grouped


@in_each_relationship(
    "disclosures",
    _("What the professional shared about themselves"),
    {"date": _("Date"), "by": _("Who"), "about": _("About"), "rationale": _("Why")},
)
def _disclosures(person: Person) -> dict[int, list[Item]]:
    rows = Disclosure.objects.filter(relationship_id__in=person.relationship_ids)
    return by_relationship(
        rows.order_by("date", "pk"),
        lambda d: {
            "id": d.uid,
            "date": d.date,
            "by": person.names.get(d.by_id),
            "about": d.about,
            "rationale": d.rationale,
        },
    )


@in_each_relationship(
    "observations",
    _("Worries about how you work together"),
    {
        "date": _("Date"),
        "kind_words": _("What"),
        "by": _("Raised by"),
        "status": _("Status"),
        "note": _("Note"),
    },
)
def _observations(person: Person) -> dict[int, list[Item]]:
    """The shared observations of their relationships (a worry raised privately is a private
    worry, below, until the supervisor puts it on the record without naming who raised it)."""
    rows = observations_in_own_relationships(person.user).order_by("date", "pk")
    return by_relationship(
        rows,
        lambda o: {
            "id": o.uid,
            "date": o.date,
            "kind": o.kind,
            "kind_words": _words("observation_kind", o.kind),
            "by": person.slug_name(o.relationship_id, o.by),
            "raised_by_you": o.raised_by_id == person.user.pk,
            "status": o.status,
            "note": o.note,
        },
    )


@in_each_relationship(
    "private_worries",
    _("Worries you raised with the supervisor alone"),
    {
        "date": _("Date"),
        "kind_words": _("What"),
        "note": _("What you wrote"),
        "state_words": _("What happened"),
        "resolution": _("The supervisor's note"),
    },
    held_by_supervisor=True,
)
def _private_worries(person: Person) -> dict[int, list[Item]]:
    """The private worries they raised themselves (ADR 0015), never anyone else's."""
    rows = own_private_worries(person.user).order_by("date", "pk")
    return by_relationship(
        rows,
        lambda w: {
            "id": w.uid,
            "date": w.date,
            "kind": w.kind,
            "kind_words": _words("observation_kind", w.kind),
            "note": w.note,
            "state": w.state,
            "state_words": STATE_WORDS.get(w.state, w.state),
            "resolution": w.resolution,
        },
    )


@in_each_relationship(
    "consultations",
    _("Consultations about another way of working"),
    {"date": _("Date"), "with_whom": _("With whom"), "outcome_words": _("Outcome")},
)
def _consultations(person: Person) -> dict[int, list[Item]]:
    rows = Consultation.objects.filter(relationship_id__in=person.relationship_ids)
    return by_relationship(
        rows.order_by("date", "pk"),
        lambda c: {
            "id": c.uid,
            "date": c.date,
            "with_whom": c.with_whom,
            "outcome": c.outcome,
            "outcome_words": _words("consultation_outcome", c.outcome),
        },
    )


@in_each_relationship(
    "consultation_requests",
    _("Consultations you asked for"),
    {"asked_at": _("Asked"), "reason": _("Why you asked"), "answered_on": _("Consultation held")},
    empty=_("None."),
)
def _consultation_requests(person: Person) -> dict[int, list[Item]]:
    """The consultations they asked for, and the consultation that answered each, if any."""
    rows = own_consultation_requests(person.user).select_related("answered_by")
    return by_relationship(
        rows.order_by("requested_at", "pk"),
        lambda r: {
            "asked_at": r.requested_at,
            "reason": r.reason,
            "answered": r.answered_by_id is not None,
            "answered_on": r.answered_by.date if r.answered_by else None,
            "answer": r.answered_by.uid if r.answered_by else None,
        },
    )


@in_each_relationship(
    "supervision",
    _("Supervision"),
    {"date": _("Date"), "recorded_by": _("Recorded by"), "note": _("Note")},
)
def _supervision(person: Person) -> dict[int, list[Item]]:
    rows = SupervisionRecord.objects.filter(relationship_id__in=person.relationship_ids)
    return by_relationship(
        rows.select_related("recorded_by").order_by("date", "pk"),
        lambda s: {"date": s.date, "recorded_by": _name(s.recorded_by), "note": s.note},
    )


@in_each_relationship(
    "reviews",
    _("Reviews"),
    {"date": _("Date"), "kind": _("Kind"), "recorded_by": _("Recorded by"), "note": _("Note")},
)
def _reviews(person: Person) -> dict[int, list[Item]]:
    rows = ReviewRecord.objects.filter(relationship_id__in=person.relationship_ids)
    return by_relationship(
        rows.select_related("recorded_by").order_by("date", "pk"),
        lambda r: {
            "date": r.date,
            "kind": r.get_kind_display(),
            "recorded_by": _name(r.recorded_by),
            "note": r.note,
        },
    )


@in_each_relationship(
    "questionnaires",
    _("Your wellbeing questionnaires"),
    {"name": _("Questionnaire"), "goal": _("Goal"), "scores": _("Scores")},
    empty=_("None."),
)
def _questionnaires(person: Person) -> dict[int, list[Item]]:
    """Their own score series, each score with its item-by-item answers."""
    scores = Score.objects.order_by("date", "pk")
    rows = OutcomeSeries.objects.filter(of_id__in=person.own_ids).prefetch_related(
        Prefetch("scores", queryset=scores)
    )
    names = {key: instrument.name for key, instrument in shipped_instruments().items()}
    return by_relationship(
        rows.order_by("relationship_id", "position", "pk"),
        lambda s: {
            "id": s.uid,
            "instrument": s.instrument,
            "name": names.get(s.instrument, s.instrument),
            "goal": s.goal,
            "scores": [
                {"date": score.date, "score": score.value, "items": score.items}
                for score in s.scores.all()
            ],
        },
    )


@in_each_relationship(
    "questionnaire_drafts",
    _("Questionnaires you began and have not finished"),
    {
        "name": _("Questionnaire"),
        "about": _("About"),
        "started": _("Begun"),
        "saved": _("Last saved"),
        "answered": _("Questions answered so far"),
    },
    empty=_("None."),
)
def _questionnaire_drafts(person: Person) -> dict[int, list[Item]]:
    """The half-filled questionnaires they began (a draft is its writer's alone), with the
    answers kept so far."""
    rows = own_questionnaire_drafts(person.user).select_related("series")
    names = {key: instrument.name for key, instrument in shipped_instruments().items()}
    grouped: dict[int, list[Item]] = defaultdict(list)
    for draft in rows.order_by("created", "pk"):
        series = draft.series
        grouped[series.relationship_id].append(
            {
                "questionnaire": series.uid,
                "instrument": series.instrument,
                "name": names.get(series.instrument, series.instrument),
                "about": person.names.get(series.of_id),
                "started": draft.created,
                "saved": draft.updated,
                # The page counts them; the JSON holds them, by the form's field names.
                "answered": sum(
                    1 for key, given in draft.answers.items() if key != "date" and given
                ),
                "answers": {str(key): str(given) for key, given in draft.answers.items()},
            }
        )
    return grouped


@in_each_relationship(
    "safety_flags",
    _("Safety flags about you"),
    {
        "raised_at": _("Raised"),
        "detail": _("What"),
        "done_on": _("Followed up"),
        "action_taken": _("What was done"),
    },
    empty=_("None."),
)
def _safety_flags(person: Person) -> dict[int, list[Item]]:
    rows = SafetyFlag.objects.filter(about_id__in=person.own_ids).order_by("raised_at", "pk")
    return by_relationship(
        rows,
        lambda f: {
            "kind": f.kind,
            "raised_at": f.raised_at,
            "detail": f.said(),
            "done_on": f.resolved_at,
            "action_taken": f.action_taken or None,
        },
    )


# --- The whole record ----------------------------------------------------------------------


SUBJECT_ACCESS = "subject_access"
"""The `kind` of the audit row of an admin's read of someone's record, and the security event's
name (reports/views/personal_record.py)."""

SUBJECT_ACCESS_NOTE = _(
    "This copy was made by the organisation for a subject access request. It leaves out any "
    "worry this person told a supervisor alone, and what the supervisor did about it, whether "
    "or not there are any: those stay between the two of them. The person can download them "
    "from their own record at /accounts/record/, or ask the supervisor."
)
"""What the admin's copy says it leaves out: always, so that it tells nobody whether there is
anything left out (the page, the PDF, and the JSON's `note`)."""


def parts_of(parts: list[Part], *, for_subject_access: bool) -> list[Part]:
    """The parts a record holds: all of them in one's own, all but those kept between a
    worry's raiser and the supervisor in an admin's copy."""
    return [part for part in parts if not (for_subject_access and part.held_by_supervisor)]


@dataclass
class Record:
    """The record as data: what the JSON is, and what the page shows."""

    made_at: datetime
    about_you: dict[str, list[Item]]
    relationships: list[Item] = field(default_factory=list)
    for_subject_access: bool = False

    @property
    def note(self) -> str | None:
        """What the copy says it leaves out (an admin's copy), else None."""
        return str(SUBJECT_ACCESS_NOTE) if self.for_subject_access else None

    def as_json(self) -> dict[str, Value]:
        """The record in the documented format (docs/personal-record.md)."""
        about_you = {
            part.key: self.about_you[part.key][0] if part.single else self.about_you[part.key]
            for part in parts_of(ABOUT_YOU, for_subject_access=self.for_subject_access)
        }
        noted = {"note": self.note} if self.note else {}
        return {
            "format": FORMAT,
            "made_at": self.made_at,
            **noted,
            **about_you,
            "relationships": self.relationships,
        }


def personal_record(user: User, *, for_subject_access: bool = False) -> Record:
    """Everything held about this person that they may see, gathered part by part; with
    `for_subject_access`, the copy an admin of their organisation makes for a subject access
    request (the module's docstring says what it leaves out)."""
    participants = own_relationships(user).order_by("relationship__title", "relationship_id")
    if for_subject_access:  # the organisation answers for its own relationships alone
        organisation = user.organisation_id
        participants = (
            participants.filter(relationship__organisation_id=organisation)
            if organisation is not None
            else participants.none()
        )
    person = Person(user, list(participants), for_subject_access=for_subject_access)
    in_each = parts_of(IN_EACH_RELATIONSHIP, for_subject_access=for_subject_access)
    found = {part.key: part.gather(person) for part in in_each}
    seen: set[int] = set()
    relationships = []
    for participant in person.participants:
        relationship = participant.relationship
        if relationship.pk in seen:
            continue
        seen.add(relationship.pk)
        relationships.append(
            {
                "id": relationship.pk,
                "title": relationship.title,
                "organisation": relationship.organisation.name,
                "stage": relationship.stage,
                "setting": relationship.setting,
                "started": relationship.started,
                "ended": relationship.ended_on,
                **{key: items.get(relationship.pk, []) for key, items in found.items()},
            }
        )
    about_you = parts_of(ABOUT_YOU, for_subject_access=for_subject_access)
    return Record(
        made_at=timezone.now(),
        about_you={part.key: part.gather(person) for part in about_you},
        relationships=relationships,
        for_subject_access=for_subject_access,
    )


# --- The record as the page shows it ----------------------------------------------------


def _spoken(value: Value) -> str | list[str]:
    """A value in words: dates spoken, true and false as yes and no, lists as lines."""
    if value is None or value == "":
        return gettext("Not recorded")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return spoken_time(value)
    if isinstance(value, date):
        return spoken_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_line(v)}" for k, v in value.items())
    if isinstance(value, list):
        return [_line(v) for v in value] or gettext("None")
    return str(value)


def _line(value: Value) -> str:
    spoken = _spoken(value)
    return ", ".join(spoken) if isinstance(spoken, list) else spoken


_INNER_LABELS = {
    "by": _("By"),
    "on": _("On"),
    "party": _("Party"),
    "costs": _("Costs"),
    "benefits": _("Benefits"),
    "to": _("To"),
    "kind": _("Kind"),
    # In an audit event's details.
    "version": _("Version"),
    "page": _("Page"),
    "field": _("Field"),
    "before": _("Before"),
    "after": _("After"),
}
"""Labels for the fields inside a value (who agreed and when, each person's costs and
benefits, each payment, an audit event's details), which the JSON holds by their names."""


def _label(key: str) -> str:
    return str(_INNER_LABELS.get(key) or key.replace("_", " ").capitalize())


_SUBJECT_ACCESS_WORDS = {
    "record": _("For a subject access request: your record, read as a page"),
    "record.pdf": _("For a subject access request: your record, downloaded as a PDF"),
    "record.json": _("For a subject access request: your record, downloaded as data (JSON)"),
}
"""An audit row of an admin's read of the person's record (`kind` SUBJECT_ACCESS, `page` how),
as the page says it; the JSON keeps the codes."""


def _read_for_subject_access(detail: Value) -> Value:
    if isinstance(detail, dict) and detail.get("kind") == SUBJECT_ACCESS:
        return _SUBJECT_ACCESS_WORDS.get(str(detail.get("page")), detail)
    return detail


def _shown_item(part: Part, item: Item) -> list[dict[str, Any]]:
    """The fields the part's labels name, each as a line of words or a list of lines."""
    rows = []
    for key, label in part.labels.items():
        value = item.get(key)
        if key == "answers" and isinstance(value, list):  # question and answer, in words
            value = [f"{a['asked']}: {a['words']}" for a in value]
        if key == "payments" and isinstance(value, list):  # each kind of payment in words
            value = [{**p, "kind": _words("payment_kind", p.get("kind", ""))} for p in value]
        if (part.key, key) == ("observations", "status"):  # the JSON holds the code
            value = _words("observation_status", str(value))
        if (part.key, key) == ("audit_events", "action"):  # as the audit log says it
            value = str(dict(ACTIONS).get(str(value), value))
        if (part.key, key) == ("audit_events", "detail"):  # an admin's read of it, in words
            value = _read_for_subject_access(value)
        words = _spoken(value)
        if isinstance(words, list):
            rows.append({"label": label, "lines": words})
        else:
            rows.append({"label": label, "text": words})
    return rows


def _shown_part(part: Part, items: list[Item]) -> dict[str, Any]:
    limit = part.shown_at_most
    shown = items if limit is None else items[:limit]
    return {
        "key": part.key,
        "heading": part.heading,
        "empty": part.empty,
        "items": [_shown_item(part, item) for item in shown],
        "left_out": len(items) - len(shown),
    }


def shown(record: Record) -> dict[str, Any]:
    """The record ready for the page's and the PDF's templates."""
    held = record.for_subject_access
    in_each = parts_of(IN_EACH_RELATIONSHIP, for_subject_access=held)
    return {
        "made_at": record.made_at,
        "note": record.note,
        "about_you": [
            _shown_part(p, record.about_you[p.key])
            for p in parts_of(ABOUT_YOU, for_subject_access=held)
        ],
        "relationships": [
            {
                "id": r["id"],
                "title": r["title"],
                "organisation": r["organisation"],
                "parts": [_shown_part(p, r[p.key]) for p in in_each],
            }
            for r in record.relationships
        ],
    }
