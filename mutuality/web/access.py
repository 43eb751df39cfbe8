"""Who may see and do what: decided here and nowhere else.

A person sees only the relationships they belong to: as a participant (the
professional or the co-producer), as its supervisor, as an independent reviewer
assigned to it, or as an admin of its organisation. Anyone else is told the
relationship does not exist (404), so its existence is not revealed. Views call
`relationship_for()`; they never query relationships themselves. An organisation's own pages
(people, assignments, settings, a person's record for a subject access request) are its
admins' alone (`administered_organisation`). Each refusal is logged as a security event (security_log.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    Expression,
    F,
    Field,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from mutuality.web.accounts.models import Organisation, Role
from mutuality.web.relationships.models import (
    AffectedParty,
    Consultation,
    ConsultationRequest,
    ContractResponse,
    Disclosure,
    Observation,
    OutcomeSeries,
    Participant,
    PrivateWorry,
    QuestionnaireDraft,
    Relationship,
    Score,
    people_with_names,
    with_names,
)
from mutuality.web.security_log import refused


class Standing(StrEnum):
    """How a person stands towards one relationship."""

    PROFESSIONAL = "professional"
    CO_PRODUCER = "co_producer"
    SUPERVISOR = "supervisor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Permission(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # the relationship's details, contract drafts, records
    NAME_AFFECTED = "name_affected"  # who else the relationship affects, and their consent (both)
    DESCRIBE = "describe"  # a person's access needs, adjustments, vulnerability … (`describes`)
    RECORD_CAPACITY = "record_capacity"  # the professional's record of each person's capacity
    CO_PRODUCE = "co_produce"  # what the two people decide or make together (both people)
    ANSWER = "answer"  # one's own two-sided answers
    CONSENT = "consent"  # one's own consent, including withdrawing it
    DECLARE_CONTRAST = "declare_contrast"  # how the work departs from usual care (both people)
    AGREE_CONTRACT = "agree_contract"
    SUPERVISE = "supervise"  # supervision records, independent reviews
    CONSULT = "consult"  # record a consultation about another model of helping
    OBSERVE = "observe"  # raise an observation of a destructive dynamic
    SCORE = "score"  # outcome questionnaires
    EXPORT = "export"
    # Issue 13, ADR 0015: asked for by the co-producer, recorded by the reviewer, held by the
    # supervisor.
    REQUEST_CONSULTATION = "request_consultation"  # ask for a consultation about another model
    INDEPENDENT_REVIEW = "independent_review"  # record an independent review
    RAISE_PRIVATELY = "raise_privately"  # raise a worry for the supervisor alone
    PRIVATE_WORRIES = "private_worries"  # see private worries: the supervisor all, a raiser theirs
    HOLD_PRIVATE_WORRIES = "hold_private_worries"  # put one on the record, or resolve it privately


REFUSALS = {
    Permission.VIEW: _("You cannot see this relationship"),
    Permission.EDIT: _("You cannot edit here"),
    Permission.NAME_AFFECTED: _("You cannot say who else this relationship affects"),
    Permission.DESCRIBE: _("You cannot describe the people in this relationship"),
    Permission.RECORD_CAPACITY: _("You cannot record capacity here"),
    Permission.CO_PRODUCE: _("You cannot change what the two people decide or make together"),
    Permission.ANSWER: _("You cannot answer here"),
    Permission.CONSENT: _("You cannot consent here"),
    Permission.DECLARE_CONTRAST: _("You cannot say how this work differs from usual care"),
    Permission.AGREE_CONTRACT: _("You cannot agree to the contract here"),
    Permission.SUPERVISE: _("You cannot supervise here"),
    Permission.CONSULT: _("You cannot consult here"),
    Permission.OBSERVE: _("You cannot observe here"),
    Permission.SCORE: _("You cannot fill in questionnaires here"),
    Permission.EXPORT: _("You cannot export here"),
    Permission.REQUEST_CONSULTATION: _("You cannot ask for a consultation here"),
    Permission.INDEPENDENT_REVIEW: _("You cannot record an independent review here"),
    Permission.RAISE_PRIVATELY: _("You cannot raise a worry privately here"),
    Permission.PRIVATE_WORRIES: _("You cannot see worries raised privately here"),
    Permission.HOLD_PRIVATE_WORRIES: _("You cannot act on worries raised privately here"),
}
"""What a 403 page says when a standing lacks a permission (`reach`): one whole message for
each, in plain words rather than the permission's code."""


_GRANTS: dict[Standing, frozenset[Permission]] = {
    Standing.PROFESSIONAL: frozenset(
        {
            Permission.VIEW,
            Permission.EDIT,
            Permission.NAME_AFFECTED,
            Permission.DESCRIBE,
            Permission.RECORD_CAPACITY,
            Permission.CO_PRODUCE,
            Permission.ANSWER,
            Permission.CONSENT,
            Permission.DECLARE_CONTRAST,
            Permission.AGREE_CONTRACT,
            Permission.CONSULT,
            Permission.OBSERVE,
            Permission.SCORE,
            Permission.EXPORT,
        }
    ),
    Standing.CO_PRODUCER: frozenset(
        {
            Permission.VIEW,
            Permission.ANSWER,
            Permission.CONSENT,
            Permission.DECLARE_CONTRAST,
            Permission.NAME_AFFECTED,
            Permission.DESCRIBE,
            Permission.CO_PRODUCE,
            Permission.AGREE_CONTRACT,
            Permission.OBSERVE,
            Permission.SCORE,
            Permission.EXPORT,
            Permission.REQUEST_CONSULTATION,
            Permission.RAISE_PRIVATELY,
            Permission.PRIVATE_WORRIES,
        }
    ),
    Standing.SUPERVISOR: frozenset(
        {
            Permission.VIEW,
            Permission.SUPERVISE,
            Permission.CONSULT,
            Permission.OBSERVE,
            Permission.EXPORT,
            Permission.INDEPENDENT_REVIEW,
            Permission.PRIVATE_WORRIES,
            Permission.HOLD_PRIVATE_WORRIES,
        }
    ),
    Standing.REVIEWER: frozenset({Permission.VIEW, Permission.INDEPENDENT_REVIEW}),
    Standing.ADMIN: frozenset({Permission.VIEW, Permission.EXPORT}),
}
PARTICIPANT_STANDINGS = frozenset({Standing.PROFESSIONAL, Standing.CO_PRODUCER})


def visible_relationships(user: Any) -> QuerySet[Relationship]:
    """Every relationship this person may see, and no other."""
    if not user.is_authenticated:
        return Relationship.objects.none()
    return Relationship.objects.filter(seen_by(user, "pk"))


_Reviewer = Relationship.reviewers.through


_ANYONE = -1
"""The stand-in id the subqueries of `_held_sql` are written for (no one's: ids start at 1)."""


@functools.cache
def _held_sql(database: str) -> dict[Standing, tuple[str, tuple[Any, ...]]]:
    """The ids of the relationships in which a person holds each standing other than admin, as
    subqueries the database runs once each (not once per row), so that a list of any size can
    find its rows through an index: Django's SQL for them, written once per process for a
    stand-in person (SQL text only: no answer is kept)."""
    own = Participant.objects.using(database).filter(user_id=_ANYONE).values("relationship_id")
    subqueries = {
        Standing.PROFESSIONAL: own.filter(role="professional"),
        Standing.CO_PRODUCER: own.filter(role="recipient"),
        Standing.SUPERVISOR: Relationship.objects.using(database)
        .filter(supervisor_id=_ANYONE)
        .values("pk"),
        Standing.REVIEWER: _Reviewer.objects.using(database)
        .filter(user_id=_ANYONE)
        .values("relationship_id"),
    }
    held = {}
    for standing, ids in subqueries.items():
        # As Django writes a subquery inside another query: unordered, its tables named U0….
        query = ids.order_by().query.clone()
        query.bump_prefix(Relationship.objects.all().query)
        query.subquery = True
        sql, params = query.get_compiler(using=database).as_sql()
        if params.count(_ANYONE) != 1:
            raise AssertionError(f"the subquery for {standing} must name the person once")
        held[standing] = (sql, tuple(params))
    return held


class _Held(Expression):
    """Where a person stands in the relationship of each row, in SQL.

    Without `values`, whether they hold any standing but admin in it (`column IN (… UNION ALL
    …)`);
    with them, the value given for their strongest standing there (`CASE WHEN column IN (…)
    THEN … ELSE <admin's> END`). Written from `_held_sql` with the person's id as a parameter:
    lists name these conditions several times a query, and Django's `__in` lookups and
    `Case(When(Q(…)))` cost a filter to build and a subquery to compile for every one, most of
    the time a dashboard took."""

    def __init__(
        self,
        user_pk: int,
        relationship: str,
        values: Mapping[Standing, Any] | None = None,
        output_field: Field[Any, Any] | None = None,
        *,
        ids_first: bool = False,
    ) -> None:
        super().__init__(output_field=output_field or BooleanField())
        self.user_pk = user_pk
        self.column: Any = F(relationship)
        self.values = None if values is None else {held: values[held] for held in Standing}
        self.ids_first = ids_first

    def get_source_expressions(self) -> list[Any]:
        return [self.column, *(self.values or {}).values()]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.column, *values = exprs
        if self.values is not None:
            self.values = dict(zip(self.values, values, strict=True))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if self.values is None:
            return self._any_sql(compiler, connection)
        column, column_params = compiler.compile(self.column)
        parts, params = [], []
        for held, (subquery, subquery_params) in _held_sql(connection.alias).items():
            parts.append(f"{column} IN ({subquery})")
            params += [*column_params]
            params += [self.user_pk if p == _ANYONE else p for p in subquery_params]
            if self.values is not None:
                value, value_params = compiler.compile(self.values[held])
                parts[-1] = f"WHEN {parts[-1]} THEN {value}"
                params += value_params
        default, default_params = compiler.compile(self.values[Standing.ADMIN])
        return f"CASE {' '.join(parts)} ELSE {default} END", [*params, *default_params]

    def _any_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # One IN over the union of the four sets, not four INs joined by OR: PostgreSQL cannot
        # reach rows through an index for an OR of subqueries (it scans the table and tests
        # each row), but for one IN it looks each of the person's relationships up in the
        # index; SQLite does either.
        column, params = compiler.compile(self.column)
        subqueries, subquery_params = [], []
        for subquery, values in _held_sql(connection.alias).values():
            subqueries.append(subquery)
            subquery_params += [self.user_pk if p == _ANYONE else p for p in values]
        union = " UNION ALL ".join(subqueries)
        if self.ids_first and connection.vendor == "postgresql":
            # The ids as an array the database makes once, before it reads any row: each is
            # then looked up in the column's index (`= ANY`). Given the `IN`, PostgreSQL may
            # instead join the subqueries to every current row of a table with many (the due
            # items). SQLite reads the `IN` that way already.
            return f"{column} = ANY(ARRAY({union}))", [*params, *subquery_params]
        return f"{column} IN ({union})", [*params, *subquery_params]


def held_by(user: Any, relationship: str) -> Q:
    """Rows of the relationships this person holds a standing in other than admin, found by
    reading those relationships' ids first and then each one's rows through the index on
    `relationship` (for a table with many rows per relationship, such as the due items); in
    one query."""
    return Q(_Held(user.pk, relationship, ids_first=True))


def _admin_of(user: Any) -> int | None:
    return int(user.organisation_id) if user.role == Role.ADMIN and user.organisation_id else None


def seen_by(user: Any, relationship: str, organisation: str = "organisation_id") -> Q:
    """`visible_relationships` as a condition on rows that name their relationship in the field
    `relationship` (and its organisation in `organisation`): for lists of relationships and of
    their records."""
    mine = Q(_Held(user.pk, relationship))
    admin = _admin_of(user)
    if admin is None:
        return mine
    if not _holds_any_outside(user, admin):
        # Everything they see is their organisation's: one condition, which lets the database
        # walk an index in list order and stop after a page (ADR 0007).
        return Q(**{organisation: admin})
    return mine | Q(**{organisation: admin})


def _holds_any_outside(user: Any, organisation_id: int) -> bool:
    """Whether an admin belongs to any relationship of another organisation (asked once per
    request: the answer is kept on the user object)."""
    cached = getattr(user, "_mutuality_outside", None)
    if cached is None:
        outside = Relationship.objects.exclude(organisation_id=organisation_id)
        cached = outside.filter(_Held(user.pk, "pk")).exists()
        user._mutuality_outside = cached
    return bool(cached)


def standing_in_sql(
    user: Any, relationship: str = "pk", organisation: str = "organisation_id"
) -> Expression:
    """`standing()` as an SQL expression, for lists that must not ask it once per row.

    `relationship` is the field holding the relationship's id in the rows being annotated
    ("pk" on relationships, "relationship_id" on their records). Only for rows already narrowed
    to `visible_relationships(user)`. `test_access_matrix` checks it agrees with `standing()`.
    """
    return by_standing_in_sql(
        user, relationship, {held: Value(held.value) for held in Standing}, CharField()
    )


def by_standing_in_sql(
    user: Any, relationship: str, values: Mapping[Standing, Any], output_field: Field[Any, Any]
) -> Expression:
    """One of `values` for each row, chosen by this person's standing in its relationship (as
    `standing_in_sql` works it out): e.g. a column that says whether a row is for that
    standing, so that a list filters on it with one CASE rather than comparing
    `standing_in_sql` with each standing in turn (a copy of every subquery each time)."""
    return _Held(user.pk, relationship, values, output_field)


def grants(held: Standing) -> frozenset[Permission]:
    """What a standing allows (for lists that know each row's standing from SQL)."""
    return _GRANTS[held]


def standing(user: Any, relationship: Relationship) -> Standing | None:
    """The strongest way this person belongs to the relationship, or None."""
    return _standing_and_participant(user, relationship)[0]


def _standing_and_participant(
    user: Any, relationship: Relationship, reviewer: bool | None = None
) -> tuple[Standing | None, Participant | None]:
    """`standing()`, and the person's own participant record when that is how they belong.
    `reviewer`: whether they are assigned to review it, when already known."""
    if not user.is_authenticated:
        return None, None
    participant = participant_of(user, relationship)
    if participant is not None:
        held = Standing.PROFESSIONAL if participant.role == "professional" else Standing.CO_PRODUCER
        return held, participant
    if relationship.supervisor_id == user.pk:
        return Standing.SUPERVISOR, None
    if reviewer is None:
        reviewer = relationship.reviewers.filter(pk=user.pk).exists()
    if reviewer:
        return Standing.REVIEWER, None
    if user.role == Role.ADMIN and user.organisation_id == relationship.organisation_id:
        return Standing.ADMIN, None
    return None, None


def participant_of(user: Any, relationship: Relationship) -> Participant | None:
    if not user.is_authenticated:
        return None
    if "participants" in getattr(relationship, "_prefetched_objects_cache", {}):
        # Already read, in the same order (`reach(…, people=True)`).
        return next((p for p in relationship.participants.all() if p.user_id == user.pk), None)
    return relationship.participants.filter(user=user).first()


def can(user: Any, permission: Permission, relationship: Relationship) -> bool:
    held = standing(user, relationship)
    return held is not None and permission in _GRANTS[held]


@dataclass(frozen=True)
class Reach:
    """How one person stands towards one relationship, worked out once for a page that asks
    several questions of it (each `standing()` costs a query or two)."""

    relationship: Relationship
    standing: Standing
    participant: Participant | None  # their own record, when they are a participant

    def can(self, permission: Permission) -> bool:
        return permission in _GRANTS[self.standing]

    @property
    def outsider(self) -> bool:
        """Whether a view by this person must be audited (they are not a participant)."""
        return self.standing not in PARTICIPANT_STANDINGS

    @property
    def acts_on_safety(self) -> bool:
        """`may_act_on_safety`: its professional and its supervisor."""
        return self.standing in _ACT_ON_SAFETY


def relationship_for(user: Any, pk: int, permission: Permission = Permission.VIEW) -> Relationship:
    """The relationship if this person may do this to it.

    Raises:
        Http404: they cannot see it at all (so its existence is not revealed).
        PermissionDenied: they can see it but may not do this.
    """
    return reach(user, pk, permission).relationship


_REVIEWER = "mutuality_reviewer"
"""The annotation `reach` reads whether the person reviews the relationship by."""


def reach(
    user: Any,
    pk: int,
    permission: Permission = Permission.VIEW,
    *,
    people: bool = False,
    also: Mapping[str, Any] | None = None,
) -> Reach:
    """`relationship_for`, with how this person stands towards the relationship. With `people`,
    the relationship's participants are read too and kept on it (as `prefetch_related` keeps
    them), for a page that lists them: the person's own record is found among them. `also`:
    values a page reads with the relationship, in the same query (as `annotate` does)."""
    found = Relationship.objects.filter(pk=pk).select_related("organisation")
    if also:
        found = found.annotate(**also)
    if user.is_authenticated:
        # Whether they review it, in the same query (one query fewer for reviewers and admins).
        reviews = _Reviewer.objects.filter(relationship_id=OuterRef("pk"), user_id=user.pk)
        found = found.annotate(**{_REVIEWER: Exists(reviews)})
    if people:
        found = found.prefetch_related(people_with_names())  # a page names them
    relationship = found.first()
    held, participant = None, None
    if relationship is not None:
        # Asked afresh by any later `standing()` of this request.
        reviewer = relationship.__dict__.pop(_REVIEWER, None)
        held, participant = _standing_and_participant(user, relationship, reviewer)
    if relationship is None or held is None:  # every standing may view
        refused(user, 404, relationship_id=pk, permission=permission.value)
        raise Http404("No such relationship")
    if permission not in _GRANTS[held]:
        refused(user, 403, relationship_id=pk, permission=permission.value)
        raise PermissionDenied(REFUSALS[permission])
    return Reach(relationship, held, participant)


def is_outsider(user: Any, relationship: Relationship) -> bool:
    """Whether a view by this person must be audited (they are not a participant)."""
    return standing(user, relationship) not in PARTICIPANT_STANDINGS


def visible_private_worries(user: Any, relationship: Relationship) -> QuerySet[PrivateWorry]:
    """The private worries this person may know of (ADR 0015): every one to the supervisor, a
    co-producer's own to them, and none to anyone else (not even that there are any)."""
    worries = relationship.private_worries.all()
    held = standing(user, relationship)
    if held is not None and Permission.HOLD_PRIVATE_WORRIES in _GRANTS[held]:
        return worries
    if held is not None and Permission.PRIVATE_WORRIES in _GRANTS[held]:
        return worries.filter(raised_by=user)
    return worries.none()


def own_relationships(user: Any) -> QuerySet[Participant]:
    """This person's own participant records, one for each relationship they are part of (the
    relationships of their own record, /accounts/record/), with the relationship."""
    if not user.is_authenticated:
        return Participant.objects.none()
    return Participant.objects.filter(user_id=user.pk).select_related("relationship__organisation")


def observations_in_own_relationships(user: Any) -> QuerySet[Observation]:
    """The observations of every relationship this person is a participant of, in one query
    however many relationships they are part of. Every observation is shared with the
    participants; a worry raised privately is a `PrivateWorry`, never an observation."""
    mine = own_relationships(user).values("relationship_id")
    return Observation.objects.filter(relationship_id__in=mine)


def own_private_worries(user: Any) -> QuerySet[PrivateWorry]:
    """The private worries this person raised, in every relationship they are part of (ADR
    0015: a raiser reads their own, and nobody's else)."""
    if not user.is_authenticated:
        return PrivateWorry.objects.none()
    return PrivateWorry.objects.filter(raised_by_id=user.pk).select_related("relationship")


def contract_responses_in_own_relationships(user: Any) -> QuerySet[ContractResponse]:
    """Every answer to the contract in every relationship this person is a participant of:
    the contract page shows each of the two people the whole conversation."""
    mine = own_relationships(user).values("relationship_id")
    return ContractResponse.objects.filter(contract__relationship_id__in=mine)


def own_consultation_requests(user: Any) -> QuerySet[ConsultationRequest]:
    """The consultations this person asked for, in every relationship they are part of."""
    return ConsultationRequest.objects.filter(requested_by__in=own_relationships(user))


def own_questionnaire_drafts(user: Any) -> QuerySet[QuestionnaireDraft]:
    """The half-filled questionnaires this person began, in the relationships they are part
    of: a draft is private to whoever fills it in, so never one someone else began."""
    if not user.is_authenticated:
        return QuestionnaireDraft.objects.none()
    mine = own_relationships(user).values("relationship_id")
    return QuestionnaireDraft.objects.filter(by_id=user.pk, series__relationship_id__in=mine)


def questionnaire_people(user: Any, relationship: Relationship) -> QuerySet[Participant]:
    """The people whose wellbeing questionnaires this person may start and fill in.

    The professional may do it for anyone they work with (say, from a paper copy); a
    co-producer only for themselves; nobody else at all.
    """
    recipients = with_names(relationship.participants.filter(role="recipient"))  # for labels
    held = standing(user, relationship)
    if held == Standing.PROFESSIONAL:
        return recipients
    if held == Standing.CO_PRODUCER:
        return recipients.filter(user=user)
    return recipients.none()


def must_set_up_second_factor(user: Any) -> bool:
    """Whether this person must set up a second factor before reaching any relationship,
    report or organisation page: everyone on staff who has none (ADR 0010). Co-producers are
    offered one and never made to. Reads the user already loaded, so it costs no query."""
    return bool(
        user.is_authenticated and user.role != Role.CO_PRODUCER and not user.has_second_factor
    )


def factors_to_confirm(user: Any) -> tuple[str, ...]:
    """What this person confirms again, each within the last few minutes, before changing how
    they sign in or recover their account, or ending their other sessions (ASVS v5 7.5.1):
    everything they sign in with. Their password ("password", allauth's name), and their
    second factor ("mfa": an app's code, a recovery code or a passkey) if they have one.
    Reads the user already loaded, so it costs no query."""
    factors = ("password",) if user.has_usable_password() else ()
    return (*factors, "mfa") if user.has_second_factor else factors


def audit_trail_organisation(user: Any) -> int | None:
    """The organisation whose audit trail this person may read (its admins only), or None."""
    if user.is_authenticated and user.role == Role.ADMIN and user.organisation_id:
        return int(user.organisation_id)
    return None


def administered_organisation(user: Any, page: str) -> Organisation:
    """The organisation whose own pages (people, assignments, settings) this person runs: its
    admins only. Anyone else is told the page does not exist (404), as with the audit log."""
    organisation_id = audit_trail_organisation(user)
    found = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
    if found is None:
        refused(user, 404, page=page)
        raise Http404("No such page")
    return found


def staff_member_for(user: Any, pk: int) -> Any:
    """A person with a login in the organisation this admin runs (404 for anyone else, and for
    people of other organisations, whose existence is not revealed)."""
    organisation = administered_organisation(user, "organisation person")
    found = get_user_model().objects.filter(pk=pk, organisation=organisation).first()
    if found is None:
        refused(user, 404, page="organisation person")
        raise Http404("No such person")
    return found


def subject_access_person(user: Any, pk: int) -> Any:
    """A person whose record this admin may make for a subject access request: anyone with a
    login in the organisation they run, but themselves (their own is /accounts/record/, read
    without an audit row and with their own private worries). 404 for anyone else, as for the
    organisation's other pages."""
    organisation = administered_organisation(user, "subject access")
    found = (
        get_user_model()
        .objects.filter(pk=pk, organisation=organisation)
        .exclude(pk=user.pk)
        .select_related("organisation")
        .first()
    )
    if found is None:
        refused(user, 404, page="subject access")
        raise Http404("No such person")
    return found


def relationship_to_assign(user: Any, pk: int) -> Relationship:
    """A relationship of the organisation this admin runs, whose supervisor and reviewers they
    choose (whatever their own standing in it); 404 for anyone else."""
    organisation = administered_organisation(user, "assign supervisor and reviewers")
    found = Relationship.objects.filter(pk=pk, organisation=organisation).first()
    if found is None:
        refused(user, 404, relationship_id=pk, page="assign supervisor and reviewers")
        raise Http404("No such relationship")
    return found


def undelivered_messages_organisation(user: Any) -> int | None:
    """The organisation whose undelivered messages this person may see and send again (its
    admins only), or None."""
    return audit_trail_organisation(user)


def may_act_on_safety(user: Any, relationship: Relationship) -> bool:
    """Whether this person sees the relationship's safety flags on their dashboard and records
    what was done about them: its professional and its supervisor."""
    return standing(user, relationship) in _ACT_ON_SAFETY


_ACT_ON_SAFETY = frozenset({Standing.PROFESSIONAL, Standing.SUPERVISOR})


def service_report_relationships(user: Any) -> QuerySet[Relationship] | None:
    """The relationships this person's service report covers, or None if they have none.

    An organisation admin's covers their organisation; a supervisor's, the relationships
    they supervise. Everyone else has no service report (its pages are a 404 for them).
    """
    if not user.is_authenticated:
        return None
    if user.role == Role.ADMIN and user.organisation_id:
        return Relationship.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.SUPERVISOR:
        return Relationship.objects.filter(supervisor=user)
    return None


def may_publish_transparency(user: Any, organisation_id: int | None) -> bool:
    """Whether this person may review and publish this organisation's transparency report
    (its admins only)."""
    return organisation_id is not None and audit_trail_organisation(user) == organisation_id


def speaks_for(user: Any, person: Participant) -> bool:
    """Whether this user may give this participant's consent, answers and agreement: only
    the person themselves, on their own login. Nobody gives them for someone else, by a form
    or by a file."""
    return bool(user.is_authenticated) and person.user_id == user.pk


def describes(held: Reach, person: Participant) -> bool:
    """Whether this person may set what the case format says about `person` (access needs,
    adjustments, vulnerability, whether they can decline freely) and add their view of that
    person's capacity: the professional for anyone in the relationship, a co-producer for
    themselves only. `held` must grant `Permission.DESCRIBE`."""
    if not held.can(Permission.DESCRIBE) or person.relationship_id != held.relationship.pk:
        return False
    if held.standing == Standing.PROFESSIONAL:
        return True
    return held.participant is not None and held.participant.pk == person.pk


def file_reach(user: Any, relationship: Relationship) -> Callable[[Any], bool]:
    """Which records of this relationship an uploaded case file from this user may change (or
    resolve): a test of one record, decided once per upload.

    Only what the uploader could change on the pages, and only what they wrote themselves:
    records written here belong to whoever wrote them; records that came in from a case file
    (no author here) are the file's, so whoever may edit the relationship may change them.
    Wellbeing scores are evidence: a file adds new ones, never changes one on record.
    """
    if not can(user, Permission.EDIT, relationship):
        return lambda record: False

    def reaches(record: Any) -> bool:
        if isinstance(record, Observation):
            return record.raised_by_id in (None, user.pk)
        if isinstance(record, Consultation):
            return record.recorded_by_id in (None, user.pk)
        if isinstance(record, Disclosure):
            return speaks_for(user, record.by)
        if isinstance(record, AffectedParty):
            return True
        if isinstance(record, OutcomeSeries | Score):
            return False
        raise TypeError(f"no rule for changing a {type(record).__name__} by a file")

    return reaches
