"""Pages for the parts of the case format that describe the people and the work: who each
person is in the work (capacity, access needs, adjustments, vulnerability, whether they can say
no), the work's name and setting, its context, what the two people do together (its scope), and
the approach.

Who may change what is decided in access.py (`Permission.DESCRIBE` with `describes`,
`Permission.RECORD_CAPACITY`, `Permission.CO_PRODUCE` for the scope, which is both people's,
and `Permission.EDIT` for the rest); every form goes through `form_page`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from mutuality.framework import QUESTIONS_BY_ID, case_instruments
from mutuality.web.access import Permission, Reach, describes, reach
from mutuality.web.forms_flow import Result
from mutuality.web.relationships.actions import details as actions
from mutuality.web.relationships.case_io import to_case
from mutuality.web.relationships.forms.details import (
    CAPACITY_WORDS,
    CONTEXT_WORDS,
    OWN_CAPACITY_WORDS,
    RESOURCE_WORDS,
    VULNERABILITY_WORDS,
    AboutForm,
    ApproachForm,
    CapacityForm,
    ContextForm,
    PersonForm,
    TogetherForm,
    person_initial,
)
from mutuality.web.relationships.models import CapacityView, Participant, with_names
from mutuality.web.relationships.views.common import audit_view, form_page

_HISTORY = Prefetch("capacity_views", CapacityView.objects.select_related("by"))
_DECLINE_WORDS = {True: _("Yes"), False: _("No"), None: _("Not known yet")}
# An answer as it reads inside a sentence ("Priya answered not sure").
_ANSWER_WORDS = {
    "yes": _("yes"),
    "no": _("no"),
    "unsure": _("not sure"),
}


def _person(held: Reach, number: int) -> Participant:
    # By the participant's number, never their slug (often a first name), so no address names
    # anyone (ASVS 14.2.1); looked up within this relationship, so another's is a 404.
    return get_object_or_404(with_names(held.relationship.participants.all()), pk=number)


def _views(person: Participant, reader: Any) -> list[dict[str, Any]]:
    """Every view of the person's capacity, newest first, in words."""
    rows = []
    prefetch_related_objects([person], _HISTORY)  # once: a list fetches them for everyone
    for view in person.capacity_views.all():
        own = view.kind == "view"
        words = (OWN_CAPACITY_WORDS if own else CAPACITY_WORDS).get(view.capacity, view.capacity)
        if view.by_id == reader.pk:
            by = gettext("you")
        else:
            by = view.by.shown_name if view.by else gettext("someone")
        rows.append({"own": own, "words": words, "note": view.note, "by": by, "at": view.at})
    return rows


def _decline_answers(held: Reach) -> list[str]:
    """Each person's own answer to the two-sided question `can_decline`, in words."""
    question = QUESTIONS_BY_ID["can_decline"]
    answers = []
    for p in held.relationship.participants.all():
        answer = p.answers.get(question.id)
        if answer is not None:
            words = _ANSWER_WORDS.get(str(answer), str(answer))
            if held.participant and p.pk == held.participant.pk:
                answers.append(gettext("You answered %(answer)s") % {"answer": words})
            else:
                said = gettext("%(name)s answered %(answer)s")
                answers.append(said % {"name": p.called, "answer": words})
    return answers


def _row(held: Reach, person: Participant, reader: Any) -> dict[str, Any]:
    views = _views(person, reader)
    own = next((v for v in views if v["own"]), None)
    return {
        "person": person,
        "yours": held.participant is not None and held.participant.pk == person.pk,
        "capacity": CAPACITY_WORDS.get(person.capacity, person.capacity),
        "own_view": own,
        "history": views,
        "vulnerability": VULNERABILITY_WORDS.get(person.vulnerability or "not_assessed"),
        "can_decline": _DECLINE_WORDS[person.can_decline_freely],
        "may_describe": describes(held, person),
        "may_record": held.can(Permission.RECORD_CAPACITY),
        "may_add_view": describes(held, person) and not held.can(Permission.RECORD_CAPACITY),
    }


@login_required
@require_GET
def people(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone in the relationship as the case format describes them, with each view of their
    capacity, and links for those who may change what is said."""
    held = reach(request.user, pk, people=True)
    audit_view(request, held.relationship, "people")
    persons = list(held.relationship.participants.all())
    prefetch_related_objects(persons, _HISTORY)
    return render(
        request,
        "relationships/details/people.html",
        {
            "relationship": held.relationship,
            "rows": [_row(held, p, request.user) for p in persons],
            "decline_answers": _decline_answers(held),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    """The professional, or a co-producer about themselves, says what the work must take into
    account about one person."""
    held = reach(request.user, pk, Permission.DESCRIBE, people=True)
    found = _person(held, person)
    if not describes(held, found):
        raise PermissionDenied(gettext("A co-producer describes only themselves"))
    yours = held.participant is not None and held.participant.pk == found.pk

    def save(data: dict[str, Any]) -> str | Result:
        values = {field: data[field] for field in actions.PERSON_FIELDS if field in data}
        if values.get("vulnerability") == "not_assessed" and not found.vulnerability:
            values["vulnerability"] = ""  # unchanged: the case format's default already
        if not actions.describe_person(
            person=found, by=request.user, values=values, expected_revision=data["revision"]
        ):
            return Result.unchanged()
        if yours:
            return gettext("Your details are saved.")
        return gettext("What you said about %(name)s is saved.") % {"name": found.called}

    def make_form(data: QueryDict | None) -> PersonForm:
        found.refresh_from_db()
        return PersonForm(
            data,
            initial=person_initial(found),
            recipient=found.role == "recipient",
            yours=yours,
        )

    return form_page(
        request,
        held.relationship,
        make_form=make_form,
        save=save,
        template="relationships/details/person.html",
        context=lambda: {"person": found, "yours": yours},
        page="person",
        next_page="relationships:people",
    )


@login_required
@require_http_methods(["GET", "POST"])
def capacity(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    """The professional records a person's capacity; a co-producer adds their own view of
    theirs, kept beside the professional's record. Nothing earlier is ever replaced."""
    held = reach(request.user, pk, Permission.DESCRIBE, people=True)
    found = _person(held, person)
    records = held.can(Permission.RECORD_CAPACITY)
    if not records and not describes(held, found):
        raise PermissionDenied(gettext("A co-producer adds a view of their own capacity only"))

    def save(data: dict[str, Any]) -> str:
        actions.record_capacity(
            person=found,
            by=request.user,
            capacity=data["capacity"],
            note=data["note"],
            own_view=not records,
            expected_revision=data["revision"],
        )
        if not records:
            return gettext("Your view is saved beside the professional's.")
        return gettext("Your record of %(name)s's capacity is saved.") % {"name": found.called}

    def make_form(data: QueryDict | None) -> CapacityForm:
        mine = found.capacity_views.filter(kind="view").first() if not records else None
        initial = {"capacity": mine.capacity if mine else found.capacity}
        return CapacityForm(data, initial=initial, own_view=not records)

    return form_page(
        request,
        held.relationship,
        make_form=make_form,
        save=save,
        template="relationships/details/capacity.html",
        context=lambda: {
            "person": found,
            "own_view": not records,
            "recorded": CAPACITY_WORDS.get(found.capacity, found.capacity),
            "history": _views(found, request.user),
        },
        page="capacity",
        next_page="relationships:people",
    )


@login_required
@require_http_methods(["GET", "POST"])
def about(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional changes the work's name and setting, given when they proposed it."""
    held = reach(request.user, pk, Permission.EDIT)
    relationship = held.relationship

    def save(data: dict[str, Any]) -> str | Result:
        values = {field: data[field] for field in actions.ABOUT_FIELDS}
        if not actions.set_about(
            relationship=relationship,
            by=request.user,
            values=values,
            expected_revision=data["revision"],
        ):
            return Result.unchanged()
        return gettext("The name and setting are saved.")

    def make_form(data: QueryDict | None) -> AboutForm:
        initial = {"title": relationship.title, "setting": relationship.setting}
        return AboutForm(data, initial=initial)

    return form_page(
        request,
        relationship,
        make_form=make_form,
        save=save,
        template="relationships/details/about.html",
        context=dict,
        page="about",
    )


@login_required
@require_http_methods(["GET", "POST"])
def context(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional says whether best interests, compulsion or a court order apply, and
    whether the parts the two people share were agreed to lie outside them."""
    held = reach(request.user, pk, Permission.EDIT)
    relationship = held.relationship

    def save(data: dict[str, Any]) -> str | Result:
        values = {field: field in data["applies"] for field in CONTEXT_WORDS}
        values["coproduced_elements_outside"] = data["coproduced_elements_outside"]
        if not actions.set_context(
            relationship=relationship,
            by=request.user,
            values=values,
            expected_revision=data["revision"],
        ):
            return Result.unchanged()
        return gettext("The context of the work is saved.")

    def initial() -> dict[str, Any]:
        return {
            "applies": [field for field in CONTEXT_WORDS if getattr(relationship, field)],
            "coproduced_elements_outside": relationship.coproduced_elements_outside,
        }

    return form_page(
        request,
        relationship,
        make_form=lambda data: ContextForm(data, initial=initial()),
        save=save,
        template="relationships/details/context.html",
        context=dict,
        page="context",
    )


@login_required
@require_http_methods(["GET", "POST"])
def together(request: HttpRequest, pk: int) -> HttpResponse:
    """Either person changes what the two of them decide or make together: the scope is
    theirs jointly, so neither needs the other's leave (each change is audited, by name)."""
    held = reach(request.user, pk, Permission.CO_PRODUCE)
    relationship = held.relationship

    def save(data: dict[str, Any]) -> str | Result:
        if not actions.set_together(
            relationship=relationship,
            by=request.user,
            values={"co_produced_elements": data["co_produced_elements"]},
            expected_revision=data["revision"],
        ):
            return Result.unchanged()
        return gettext("What you do together is saved.")

    def make_form(data: QueryDict | None) -> TogetherForm:
        initial = {"co_produced_elements": "\n".join(relationship.co_produced_elements)}
        return TogetherForm(data, initial=initial)

    return form_page(
        request,
        relationship,
        make_form=make_form,
        save=save,
        template="relationships/details/together.html",
        context=dict,
        page="together",
    )


def _plan_choices(relationship: Any) -> dict[str, str]:
    """Every questionnaire the plan may name (shipped and the organisation's), and whatever the
    plan names already (a series such as `ons4.anxious`, from a case file), so saving keeps it."""
    instruments = case_instruments(to_case(relationship))[0]
    choices = {key: instrument.name for key, instrument in instruments.items()}
    for planned in relationship.outcome_plan:
        choices.setdefault(planned, planned)
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def approach(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional says which methods stay professional-led, how the cost compares, which
    other ways of helping were considered and which questionnaires will show change."""
    held = reach(request.user, pk, Permission.EDIT)
    relationship = held.relationship
    choices = _plan_choices(relationship)

    def save(data: dict[str, Any]) -> str | Result:
        values = {field: data[field] for field in actions.APPROACH_FIELDS}
        values["outcome_plan"] = [key for key in choices if key in set(data["outcome_plan"])]
        if not actions.set_approach(
            relationship=relationship,
            by=request.user,
            values=values,
            expected_revision=data["revision"],
        ):
            return Result.unchanged()
        return gettext("How you work is saved.")

    def initial() -> dict[str, Any]:
        return {
            "professional_led_methods": "\n".join(relationship.professional_led_methods),
            "resource_review": relationship.resource_review,
            "alternatives_considered": "\n".join(relationship.alternatives_considered),
            "outcome_plan": list(relationship.outcome_plan),
        }

    return form_page(
        request,
        relationship,
        make_form=lambda data: ApproachForm(data, initial=initial(), instruments=choices),
        save=save,
        template="relationships/details/approach.html",
        context=lambda: {"resource_words": RESOURCE_WORDS},
        page="approach",
    )


urlpatterns = [
    path("<int:pk>/people/", people, name="people"),
    path("<int:pk>/people/<int:person>/", person, name="person"),
    path("<int:pk>/people/<int:person>/capacity/", capacity, name="capacity"),
    path("<int:pk>/about/", about, name="about"),
    path("<int:pk>/context/", context, name="context"),
    path("<int:pk>/together/", together, name="together"),
    path("<int:pk>/approach/", approach, name="approach"),
]
