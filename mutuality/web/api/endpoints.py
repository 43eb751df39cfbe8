"""The endpoints of /api/v1/ (ADR 0018). Each asks `access.reach` what the token's person may
do, exactly as the pages do, and calls the same actions the pages call: no rule lives here."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Body, NinjaAPI, Path, Query, Status
from ninja.errors import AuthenticationError

from mutuality.framework import CaseError, Problem, parse_case
from mutuality.web.access import (
    Permission,
    Reach,
    administered_organisation,
    questionnaire_people,
    reach,
    standing_in_sql,
    visible_relationships,
)
from mutuality.web.api import schemas
from mutuality.web.api.auth import NeedsSecondFactor, PlainHttp, TokenBearer, TooManyRequests
from mutuality.web.api.schemas import ERRORS, PER_PAGE
from mutuality.web.audit.actions import record
from mutuality.web.outbox.models import OutgoingMessage
from mutuality.web.relationships import actions, fhir, score_import
from mutuality.web.relationships.actions import Refused, StaleEdit, records
from mutuality.web.relationships.actions import outcomes as outcome_actions
from mutuality.web.relationships.case_io import export_data, series_data
from mutuality.web.relationships.models import AssessmentRecord, Participant, Relationship
from mutuality.web.security_log import security_event

# The API's words are English in the OpenAPI document, which tools read, and marked
# (gettext_noop) so that the documentation page shows them in its reader's language.
DESCRIPTION = gettext_noop(
    """Mutuality's data for other systems: relationships, their assessments,
case files, outcome scores, worries, consent and the state of messages.

Every request carries a person's token: `Authorization: Bearer mty_…`. People make, list and
revoke their own tokens at /accounts/tokens/ (an operator can make one with `mutuality token
create --user NAME`). A token can do what its person can do on the website and no more: a
relationship they cannot see answers 404, as the pages do, and something they may not do 403.
Tokens expire (90 days unless asked otherwise, a year at most), are limited in how many
requests they make a minute (429, with Retry-After), and every request is recorded in the
organisation's audit trail."""
)

MAX_ID = 2**63 - 1  # the largest id a database row can have
RelationshipId = Annotated[
    int, Path(ge=1, le=MAX_ID, description=gettext_noop("The relationship's id."))
]
PageNumber = Annotated[
    int, Query(ge=1, le=1_000_000, description=gettext_noop("Which page, from 1."))
]

api = NinjaAPI(
    title="Mutuality API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,  # /api/v1/docs is our own page, without scripts from elsewhere (ADR 0018)
    openapi_url="/openapi.json",
    auth=TokenBearer(),
)


def _problem(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = _problem(
        request,
        401,
        "Send a token that is valid: Authorization: Bearer mty_… (it may be wrong, expired "
        "or revoked; make a new one at /accounts/tokens/).",
    )
    response["WWW-Authenticate"] = 'Bearer realm="mutuality"'
    return response


@api.exception_handler(TooManyRequests)
def _too_many(request: HttpRequest, error: TooManyRequests) -> HttpResponse:
    response = _problem(
        request,
        429,
        f"This token has made too many requests in the last minute. Try again in "
        f"{error.wait} seconds.",
    )
    response["Retry-After"] = str(error.wait)
    return response


@api.exception_handler(NeedsSecondFactor)
def _needs_second_factor(request: HttpRequest, error: NeedsSecondFactor) -> HttpResponse:
    return _problem(
        request,
        403,
        "Set up a second factor (an authenticator app or a passkey) on the website first.",
    )


@api.exception_handler(PlainHttp)
def _plain_http(request: HttpRequest, error: PlainHttp) -> HttpResponse:
    return _problem(
        request,
        403,
        "Send requests to this API over HTTPS (https://…). It does not redirect plain HTTP, so "
        "that a token sent in the clear is noticed: make a new one and revoke that one.",
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _problem(request, 404, "There is nothing here, or it is not yours to see.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return _problem(request, 403, str(error) or "You may not do this.")


@api.exception_handler(StaleEdit)
def _stale(request: HttpRequest, error: StaleEdit) -> HttpResponse:
    return _problem(request, 409, str(error))


@api.exception_handler(Refused)
def _refused(request: HttpRequest, error: Refused) -> HttpResponse:
    return _problem(request, 409, str(error))


@api.exception_handler(CaseError)
def _case_error(request: HttpRequest, error: CaseError) -> HttpResponse:
    problems = [
        {"loc": ["body", *(p.path.split(".") if p.path else [])], "msg": p.message, "type": "case"}
        for p in error.problems
    ]
    return api.create_response(request, {"detail": problems}, status=422)


@api.exception_handler(score_import.ImportRefused)
def _import_refused(request: HttpRequest, error: score_import.ImportRefused) -> HttpResponse:
    problems = []
    for problem in error.problems:
        where, _, message = problem.partition(": ")
        problems.append({"loc": ["body", where], "msg": message or where, "type": "import"})
    return api.create_response(request, {"detail": problems}, status=422)


def _reached(request: HttpRequest, pk: int, permission: Permission = Permission.VIEW) -> Reach:
    return reach(request.user, pk, permission)


def _page_of(rows: QuerySet[Any], page: int) -> tuple[dict[str, int], QuerySet[Any]]:
    """The page's numbers, and its rows (the last page when `page` is past it)."""
    count = rows.count()
    pages = max(1, math.ceil(count / PER_PAGE))
    page = min(page, pages)
    start = (page - 1) * PER_PAGE
    return {"count": count, "page": page, "pages": pages}, rows[start : start + PER_PAGE]


def _not_after_today(day: date | None, field: str) -> date:
    today = timezone.localdate()
    if day is None:
        return today
    if day > today or day.year < 1900:
        raise CaseError(
            "request", [Problem(field, f"expected a date from 1900 to today, not {day}")]
        )
    return day


# --- relationships ----------------------------------------------------------------------


def _latest_recommendation() -> Subquery:
    latest = AssessmentRecord.objects.filter(relationship=OuterRef("pk")).order_by(
        "-created", "-pk"
    )
    return Subquery(latest.values("recommendation")[:1])


def _relationship_rows(user: Any) -> QuerySet[Relationship]:
    withdrawn = Participant.objects.filter(relationship=OuterRef("pk"), consent="withdrawn")
    return (
        visible_relationships(user)
        .annotate(
            your_standing=standing_in_sql(user),
            recommendation=_latest_recommendation(),
            consent_withdrawn=Exists(withdrawn),
        )
        .order_by("pk")
    )


FIELDS = ("id", "title", "stage", "setting", "started", "ended_on", "revision")
ANNOTATED = ("your_standing", "recommendation", "consent_withdrawn")


@api.get(
    "/relationships",
    response={200: schemas.RelationshipPage, **ERRORS},
    summary=gettext_noop("The relationships you can see"),
    tags=["relationships"],
)
def list_relationships(request: HttpRequest, page: PageNumber = 1) -> dict[str, Any]:
    """Every relationship the token's person can see, oldest first, 50 to a page."""
    numbers, rows = _page_of(_relationship_rows(request.user), page)
    return {**numbers, "results": list(rows.values(*FIELDS, *ANNOTATED))}


@api.get(
    "/relationships/{relationship_id}",
    response={200: schemas.RelationshipOut, **ERRORS},
    summary=gettext_noop("One relationship"),
    tags=["relationships"],
)
def read_relationship(request: HttpRequest, relationship_id: RelationshipId) -> dict[str, Any]:
    _reached(request, relationship_id)
    row = _relationship_rows(request.user).filter(pk=relationship_id)
    return dict(row.values(*FIELDS, *ANNOTATED).get())


def _assessment(row: AssessmentRecord) -> dict[str, Any]:
    return {
        "revision": row.revision,
        "created": row.created,
        "recommendation": row.recommendation,
        "reason": row.reason_said(),
        "result": row.result,
    }


@api.get(
    "/relationships/{relationship_id}/assessment",
    response={200: schemas.AssessmentOut, **ERRORS},
    summary=gettext_noop("The current assessment"),
    tags=["assessments"],
)
def current_assessment(request: HttpRequest, relationship_id: RelationshipId) -> dict[str, Any]:
    relationship = _reached(request, relationship_id).relationship
    latest = relationship.assessments.order_by("-created", "-pk").first()
    if latest is None:
        raise Http404("Not assessed yet")
    return _assessment(latest)


@api.get(
    "/relationships/{relationship_id}/assessments",
    response={200: schemas.AssessmentPage, **ERRORS},
    summary=gettext_noop("Every assessment so far, newest first"),
    tags=["assessments"],
)
def assessment_history(
    request: HttpRequest, relationship_id: RelationshipId, page: PageNumber = 1
) -> dict[str, Any]:
    relationship = _reached(request, relationship_id).relationship
    numbers, rows = _page_of(relationship.assessments.order_by("-created", "-pk"), page)
    return {**numbers, "results": [_assessment(row) for row in rows]}


# --- case files ---------------------------------------------------------------------------


@api.get(
    "/relationships/{relationship_id}/case",
    response={200: dict[str, Any], **ERRORS},
    summary=gettext_noop("The relationship as a case file"),
    description=gettext_noop(
        "The case format of `mutuality schema`, as JSON: what `mutuality assess` reads. "
        "Worries you raised privately with the supervisor are in your copy alone."
    ),
    tags=["case files"],
)
def export_case(request: HttpRequest, relationship_id: RelationshipId) -> dict[str, Any]:
    relationship = _reached(request, relationship_id, Permission.EXPORT).relationship
    record(
        user=request.user,
        action="export",
        obj=relationship,
        relationship_id=relationship.pk,
        organisation_id=relationship.organisation_id,
        via="api",
    )
    security_event("export", "Case file downloaded", relationship_id=relationship.pk, format="json")
    own = relationship.private_worries.filter(raised_by=request.user.pk)
    return export_data(relationship, own_worries=list(own))


@api.post(
    "/relationships/{relationship_id}/case",
    response={200: schemas.CaseImportOut, **ERRORS},
    summary=gettext_noop("Bring a changed case file in"),
    description=gettext_noop(
        "As uploading a case file on the relationship's page: what the file changes is "
        "taken, what was recorded here and is not in the file is kept, and the notes say what was "
        "kept. Send `revision` (from the relationship) to be refused (409) if someone changed it "
        "since you read it."
    ),
    tags=["case files"],
)
def import_case(
    request: HttpRequest,
    relationship_id: RelationshipId,
    case: Annotated[dict[str, Any], Body(description=gettext_noop("A case file, as JSON."))],
    revision: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> dict[str, Any]:
    relationship = _reached(request, relationship_id, Permission.EDIT).relationship
    parsed = parse_case(json.dumps(case).encode(), "case", as_json=True)
    notes = records.upload_case(
        relationship=relationship, by=request.user, case=parsed, expected_revision=revision
    )
    security_event("upload", "Case file uploaded", relationship_id=relationship.pk)
    relationship.refresh_from_db(fields=["revision"])
    return {"revision": relationship.revision, "notes": notes}


# --- consent ------------------------------------------------------------------------------


@api.get(
    "/relationships/{relationship_id}/consent",
    response={200: list[schemas.ConsentOut], **ERRORS},
    summary=gettext_noop("Everyone's consent"),
    description=gettext_noop(
        "Each participant's consent (and the contract version it was given for) and "
        "each affected party's. As FHIR Consent resources: the relationship as FHIR R4, below."
    ),
    tags=["consent"],
)
def consent(request: HttpRequest, relationship_id: RelationshipId) -> list[dict[str, Any]]:
    return _consents(_reached(request, relationship_id).relationship)


def _consents(relationship: Relationship) -> list[dict[str, Any]]:
    """Each participant's consent, then each affected party's, as ConsentOut."""
    people = [
        {
            "party": "participant",
            "id": p.slug,
            "role": p.role,
            "consent": p.consent,
            "contract_version": p.consent_version,
        }
        for p in relationship.participants.all()
    ]
    affected = [
        {
            "party": "affected_party",
            "id": a.uid,
            "role": None,
            "consent": a.consent,
            "contract_version": None,
        }
        for a in relationship.affected_parties.all()
    ]
    return people + affected


NOTHING_TO_WITHDRAW = (
    "You have not given your consent, so there is nothing to withdraw. You can say whether you "
    "agree to working this way on the relationship's consent page."
)


@api.post(
    "/relationships/{relationship_id}/consent/withdrawal",
    response={200: list[schemas.ConsentOut], **ERRORS},
    summary=gettext_noop("Withdraw your own consent"),
    description=gettext_noop(
        "Takes effect at once, everywhere: the assessment, the FHIR Consent (inactive), "
        "messages waiting to go out about the relationship (cancelled), and the counts of active "
        "work in the next reports."
    ),
    tags=["consent"],
)
def withdraw_consent(
    request: HttpRequest, relationship_id: RelationshipId, withdrawal: schemas.WithdrawalIn
) -> list[dict[str, Any]]:
    held = _reached(request, relationship_id, Permission.CONSENT)
    me = held.participant
    if not withdrawal.confirm:
        raise CaseError(
            "request", [Problem("confirm", "expected true: withdrawing takes effect at once")]
        )
    if me is None or me.consent not in ("informed", "given"):
        raise Refused(NOTHING_TO_WITHDRAW)
    actions.set_consent(participant=me, consent="withdrawn", by=request.user)
    return _consents(held.relationship)


# --- outcome scores -----------------------------------------------------------------------


@api.get(
    "/relationships/{relationship_id}/scores",
    response={200: list[schemas.SeriesOut], **ERRORS},
    summary=gettext_noop("Every outcome score"),
    description=gettext_noop(
        "Each questionnaire (or goal) started for someone, with its scores oldest "
        "first; each score is its items' answers or, when only that was known, its total."
    ),
    tags=["outcomes"],
)
def list_scores(request: HttpRequest, relationship_id: RelationshipId) -> list[dict[str, Any]]:
    relationship = _reached(request, relationship_id).relationship
    series = relationship.outcome_series.select_related("of").prefetch_related("scores")
    return [series_data(s) for s in series]


@api.post(
    "/relationships/{relationship_id}/series/{series_id}/scores",
    response={201: schemas.SeriesOut, **ERRORS},
    summary=gettext_noop("Add a score"),
    description=gettext_noop(
        "One filled-in questionnaire for a series of /scores: `items` (every item's "
        "answer, null for one left out) or `value` (the total), not both. An answer about "
        "self-harm, or a reliable worsening, raises a safety flag for the professional and the "
        "supervisor, as on the website."
    ),
    tags=["outcomes"],
)
def add_score(
    request: HttpRequest,
    relationship_id: RelationshipId,
    series_id: Annotated[
        str, Path(max_length=64, description=gettext_noop("The series' id, from /scores."))
    ],
    score: schemas.ScoreIn,
) -> Status[dict[str, Any]]:
    relationship = _reached(request, relationship_id, Permission.SCORE).relationship
    series = relationship.outcome_series.select_related("of").filter(uid=series_id).first()
    if series is None:
        raise Http404("No such series")
    if not questionnaire_people(request.user, relationship).filter(pk=series.of_id).exists():
        raise PermissionDenied("You cannot fill in this person's questionnaire.")
    if (score.items is None) == (score.value is None):
        raise CaseError(
            "request", [Problem("items", "expected either items or value, and not both")]
        )
    outcome_actions.record_score(
        series=series,
        by=request.user,
        on=_not_after_today(score.date, "date"),
        items=score.items,
        value=score.value,
        expected_revision=None,
    )
    return Status(201, series_data(series))


CSV = "text/csv"
DryRun = Annotated[
    bool,
    Query(
        description=gettext_noop(
            "Only say what would change, and change nothing (the default: false)."
        )
    ),
]


def _imported(plan: score_import.ImportPlan, by: Any, *, dry_run: bool) -> dict[str, Any]:
    if not dry_run:
        score_import.apply_plan(plan, by)
    return score_import.summary(plan, dry_run=dry_run)


@api.post(
    "/relationships/{relationship_id}/scores/import",
    response={200: schemas.ImportOut, **ERRORS},
    summary=gettext_noop("Import scores from a CSV file"),
    description=gettext_noop(
        "Outcome scores as CSV, one score a row: `person,instrument,date,score` and "
        "`goal` for goal-based outcomes, `person` being a co-producer's id in the case file (as "
        "`mutuality outcomes` reads). Each score is added to that person's series of the "
        "instrument (started if need be), unless the same score on the same date is already "
        "there. With `dry_run=true`, says what would change and changes nothing. A file with any "
        "problem changes nothing; each problem names its line and column."
    ),
    tags=["outcomes"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {CSV: {"schema": {"type": "string"}}},
        }
    },
)
def import_scores_csv(
    request: HttpRequest, relationship_id: RelationshipId, dry_run: DryRun = False
) -> dict[str, Any]:
    relationship = _reached(request, relationship_id, Permission.SCORE).relationship
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise score_import.ImportRefused(["the file: expected text in UTF-8"]) from None
    plan = score_import.plan_csv(text, relationship)
    allowed = set(questionnaire_people(request.user, relationship).values_list("uid", flat=True))
    if any(planned.incoming.person not in allowed for planned in plan.scores):
        raise PermissionDenied("You cannot fill in questionnaires for everyone in this file.")
    return _imported(plan, request.user, dry_run=dry_run)


# --- worries ------------------------------------------------------------------------------


@api.post(
    "/relationships/{relationship_id}/worries",
    response={201: schemas.WorryOut, **ERRORS},
    summary=gettext_noop("Raise a worry"),
    description=gettext_noop(
        "A worry about how the relationship is going (collusion, say), on the shared "
        "record. With `private`, the person the relationship serves raises it with the supervisor "
        "alone: nobody else learns of it (ADR 0015)."
    ),
    tags=["worries"],
)
def raise_worry(
    request: HttpRequest, relationship_id: RelationshipId, worry: schemas.WorryIn
) -> Status[dict[str, Any]]:
    permission = Permission.RAISE_PRIVATELY if worry.private else Permission.OBSERVE
    relationship = _reached(request, relationship_id, permission).relationship
    on = _not_after_today(worry.date, "date")
    if worry.private:
        held = records.raise_private_worry(
            relationship=relationship, by=request.user, on=on, kind=worry.kind, note=worry.note
        )
        return Status(201, {"id": held.uid, "kind": held.kind, "date": held.date, "private": True})
    records.raise_observation(
        relationship=relationship,
        by=request.user,
        on=on,
        kind=worry.kind,
        note=worry.note,
        expected_revision=None,
    )
    raised = relationship.observations.filter(raised_by=request.user.pk).latest("pk")
    return Status(
        201, {"id": raised.uid, "kind": raised.kind, "date": raised.date, "private": False}
    )


# --- messages -----------------------------------------------------------------------------


@api.get(
    "/relationships/{relationship_id}/messages",
    response={200: list[schemas.MessageOut], **ERRORS},
    summary=gettext_noop("How messages about it were delivered"),
    description=gettext_noop(
        "The emails about this relationship sent to you (to an organisation's admin: "
        "to anyone), newest first, with how their delivery stands; never their words or address."
    ),
    tags=["messages"],
)
def messages(request: HttpRequest, relationship_id: RelationshipId) -> list[dict[str, Any]]:
    held = _reached(request, relationship_id)
    rows = OutgoingMessage.objects.filter(relationship=held.relationship)
    if held.standing != "admin":
        rows = rows.filter(recipient=request.user.pk)
    fields = ("kind", "state", "created", "sent_at", "attempts")
    return [dict(row) for row in rows.order_by("-created", "-pk").values(*fields)]


# --- FHIR R4 ------------------------------------------------------------------------------


@api.get(
    "/relationships/{relationship_id}/fhir",
    response={200: dict[str, Any], **ERRORS},
    summary=gettext_noop("The relationship as FHIR R4"),
    description=gettext_noop(
        "A Bundle (collection): one Consent for each person whose consent is asked "
        "(each participant, and each affected party unless their consent is not needed), with the "
        "person the relationship serves as `patient`, the consenting person as `performer` and the "
        "contract version as `policy`; status proposed, active, rejected or inactive (withdrawn). "
        "The people as Patient, Practitioner and RelatedPerson, by pseudonymous identifiers "
        "(urn:mutuality:person), named only where the organisation has turned names on; the outcome scores as QuestionnaireResponse and Observation. "
        "With `_history=true`, every earlier state of each Consent too, as its earlier versions."
    ),
    tags=["FHIR"],
)
def relationship_fhir(
    request: HttpRequest,
    relationship_id: RelationshipId,
    history: Annotated[bool, Query(alias="_history")] = False,
) -> dict[str, Any]:
    relationship = _reached(request, relationship_id).relationship
    security_event("export", "FHIR bundle read", relationship_id=relationship.pk, format="fhir")
    names = relationship.organisation.fhir_names
    return fhir.relationship_bundle(relationship, history=history, names=names)


NDJSON = "application/fhir+ndjson"
NDJSON_UTF8 = f"{NDJSON}; charset=utf-8"  # text: its character set said (ASVS v5 4.1.1)


@api.get(
    "/fhir/$export",
    response=ERRORS,
    summary=gettext_noop("Everything of your organisation as FHIR NDJSON (admins)"),
    description=gettext_noop(
        "For an organisation's admin: every relationship's current Consents, people "
        "and outcome resources, one resource to a line, each kind of resource together (Patient, "
        "Practitioner, RelatedPerson, Consent, QuestionnaireResponse, Observation), as FHIR bulk "
        "data is written."
    ),
    tags=["FHIR"],
    openapi_extra={
        "responses": {
            "200": {
                "description": "One FHIR resource (JSON) to a line.",
                "content": {NDJSON: {"schema": {"type": "string"}}},
            }
        }
    },
)
def organisation_export(request: HttpRequest) -> HttpResponseBase:
    organisation = administered_organisation(request.user, "fhir-export")
    record(
        user=request.user,
        action="export",
        obj=organisation,
        organisation_id=organisation.pk,
        via="api",
    )
    security_event("export", "FHIR bulk export", format="fhir-ndjson")
    lines = fhir.organisation_ndjson(organisation, names=organisation.fhir_names)
    response = StreamingHttpResponse(lines, content_type=NDJSON_UTF8)
    response["Content-Disposition"] = 'attachment; filename="mutuality-fhir.ndjson"'
    return response


@api.post(
    "/fhir/import",
    response={200: schemas.ImportOut, **ERRORS},
    summary=gettext_noop("Import outcome scores as FHIR QuestionnaireResponses (admins)"),
    description=gettext_noop(
        "For an organisation's admin: a FHIR R4 Bundle whose QuestionnaireResponses "
        "are scores, as this API's FHIR resources write them (ADR 0019): `questionnaire` a LOINC "
        "panel (PHQ-9, GAD-7) or urn:mutuality:instrument: followed by the instrument's id, "
        "`subject` the person's identifier "
        "(urn:mutuality:person), `authored` the date, item `total` the score and, for goal-based "
        "outcomes, item `goal` the goal. Each score is added to that person's series, unless it is "
        "already there; someone the organisation has not had gets a new relationship of their own, "
        "to be completed. Other resources (Observations, people) are passed over. With "
        "`dry_run=true`, says what would change and changes nothing. A bundle with any problem "
        "changes nothing; each problem names the element's path."
    ),
    tags=["FHIR"],
)
def import_fhir(
    request: HttpRequest, bundle: Annotated[dict[str, Any], Body()], dry_run: DryRun = False
) -> dict[str, Any]:
    organisation = administered_organisation(request.user, "fhir-import")
    plan = score_import.plan_fhir(bundle, organisation)
    return _imported(plan, request.user, dry_run=dry_run)
