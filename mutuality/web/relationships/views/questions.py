"""The two-sided questions and the contract. Views parse, authorise (access.py), call one
action, render.

The professional answers first, as the framework asks: a co-producer's form stays locked
until a professional has answered, and each person sees the other side's answers only
after giving their own.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from mutuality.framework import QUESTIONS
from mutuality.web.access import Permission, can, is_outsider, participant_of, relationship_for
from mutuality.web.audit.actions import record
from mutuality.web.forms_flow import FormFlow, Outcome, Result, handle
from mutuality.web.relationships.actions import Refused, StaleEdit
from mutuality.web.relationships.actions import contract as conversation_actions
from mutuality.web.relationships.actions import questions as actions
from mutuality.web.relationships.forms.common import STALE
from mutuality.web.relationships.forms.questions import (
    AgreeForm,
    AnswersForm,
    ContractForm,
    contract_terms,
    paid_words,
    same_terms,
    who,
)
from mutuality.web.relationships.models import (
    ContractVersion,
    Participant,
    Relationship,
    named_people,
)
from mutuality.web.relationships.views.contract import conversation, version_changes
from mutuality.web.relationships.views.contract import urlpatterns as contract_urls


def _me(request: HttpRequest, relationship: Relationship) -> Participant:
    me = participant_of(request.user, relationship)
    if me is None:  # only participants hold these permissions; never expected
        raise PermissionDenied(gettext("Only the people in this relationship can do this"))
    return me


def _other_side(relationship: Relationship, me: Participant) -> list[Participant]:
    return [p for p in named_people(relationship) if p.role != me.role]


def _side_by_side(me: Participant, others: list[Participant]) -> list[dict[str, Any]]:
    """Each question in this person's wording, their answer, and the other side's."""
    rows = []
    for question in QUESTIONS:
        label = question.wording["recipient" if me.role == "recipient" else "professional"]
        mine = me.answers.get(question.id)
        theirs = [p.answers.get(question.id) for p in others]
        rows.append(
            {
                "id": question.id,
                "question": label,
                "mine": question.answers.get(mine or "", ""),
                "theirs": [question.answers.get(answer or "", "") for answer in theirs],
                "differs": bool(mine) and any(answer and answer != mine for answer in theirs),
            }
        )
    return rows


def _latest_answers_form(me: Participant, revision: int) -> AnswersForm:
    """This person's answers as recorded now, at the latest revision (after a stale page)."""
    form = AnswersForm(data={**me.answers, "revision": revision}, role=me.role)
    form.is_valid()
    return form


def _stale_revision(form: forms.BaseForm) -> Result | None:
    """A missing or garbled revision is a stale page; other errors are the person's to fix."""
    return Result.stale() if form.has_error("revision") else None


@login_required
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the two-sided questions, and compare answers once you have given yours."""
    relationship = relationship_for(request.user, pk, Permission.ANSWER)
    me = _me(request, relationship)
    if me.role == "recipient" and not actions.professional_has_answered(relationship):
        return render(
            request, "relationships/questions/locked.html", {"relationship": relationship}
        )

    def make_form(data: QueryDict | None) -> AnswersForm:
        if data is not None:
            return AnswersForm(data, role=me.role)
        return AnswersForm(initial={**me.answers, "revision": relationship.revision}, role=me.role)

    def act(form: AnswersForm) -> Result:
        changed = actions.save_answers(
            participant=me,
            answers=form.answers(),
            by=request.user,
            expected_revision=form.cleaned_data["revision"],
        )
        if changed:
            return Result.saved(gettext("Your answers are saved."))
        return Result.unchanged(gettext("Your answers are the same as before."))

    def again(form: AnswersForm, result: Result) -> AnswersForm:
        relationship.refresh_from_db()
        me.refresh_from_db()
        return _latest_answers_form(me, relationship.revision)

    def show(form: AnswersForm) -> HttpResponse:
        others = _other_side(relationship, me)
        context = {
            "relationship": relationship,
            "me": me,
            "form": form,
            "answered": bool(me.answers),
            "others": [who(p) for p in others],
            "rows": _side_by_side(me, others) if me.answers else [],
        }
        return render(request, "relationships/questions/questions.html", context)

    return handle(
        request,
        FormFlow(
            form=make_form,
            act=act,
            show=show,
            then=reverse("relationships:questions", kwargs={"pk": pk}),
            page="questions",
            relationship_id=pk,
            again=again,
            invalid=_stale_revision,
        ),
    )


_SUMMARY_KEYS = {
    "inequalities_addressed": _("How differences in pay and other advantages are handled"),
    "power_differential": _("The power difference between you"),
    "multiple_roles_plan": _("Keeping other roles apart"),
    "exit_plan": _("How either of you can end it"),
}


def _contract_parts(contract: ContractVersion | None, people: list[Participant]) -> dict[str, Any]:
    """The contract's terms, arranged for reading in plain English."""
    if contract is None:
        return {}
    by_party: dict[str, dict[str, list[str]]] = {}
    for entry in contract.costs_and_benefits:
        party = by_party.setdefault(entry["party"], {"costs": [], "benefits": []})
        party["costs"] += entry.get("costs", [])
        party["benefits"] += entry.get("benefits", [])
    paid = {entry["to"]: entry["kind"] for entry in contract.payments}
    told = set(contract.communicated_to)
    return {
        "parties": [
            {
                "who": who(p),
                "costs": by_party.get(p.slug, {}).get("costs", []),
                "benefits": by_party.get(p.slug, {}).get("benefits", []),
                "paid": paid_words(paid.get(p.slug, "")),
            }
            for p in people
        ],
        "told": [who(p) for p in people if p.slug in told],
        "texts": [(label, getattr(contract, name)) for name, label in _SUMMARY_KEYS.items()],
        "review_every_days": contract.review_every_days,
        "last_review": contract.last_review,
    }


def _agreements(relationship: Relationship, people: list[Participant]) -> list[dict[str, Any]]:
    """Each person's latest agreement, and whether it is to the current version."""
    current = actions.current_contract(relationship)
    rows = []
    for p in people:
        latest = (
            p.contractagreement_set.filter(contract__relationship=relationship)
            .select_related("contract")
            .order_by("-contract__version")
            .first()
        )
        rows.append(
            {
                "who": who(p),
                "version": latest.contract.version if latest else None,
                "when": latest.agreed_at if latest else None,
                "current": bool(latest and current and latest.contract_id == current.pk),
            }
        )
    return rows


def _contract_context(request: HttpRequest, relationship: Relationship) -> dict[str, Any]:
    people = named_people(relationship)
    contract = actions.current_contract(relationship)
    me = participant_of(request.user, relationship)
    mine = (
        me.contractagreement_set.filter(contract__relationship=relationship)
        .select_related("contract")
        .order_by("-contract__version")
        .first()
        if me
        else None
    )
    versions = [
        {
            "version": v.version,
            "created": v.created,
            "agreed_by": [who(a.participant) for a in v.agreements.all()],
            "declined": v.declined_at is not None,
        }
        for v in relationship.contract_versions.order_by("-version").prefetch_related(
            "agreements__participant"
        )
    ]
    may_talk = can(request.user, Permission.AGREE_CONTRACT, relationship) and me is not None
    return {
        "relationship": relationship,
        "contract": contract,
        "parts": _contract_parts(contract, people),
        "agreements": _agreements(relationship, people),
        "versions": versions,
        "me": me,
        "mine": mine,
        "agreed_current": bool(mine and contract and mine.contract_id == contract.pk),
        "declined": bool(contract and contract.declined_at),
        "changes": version_changes(relationship, contract, people) if contract else [],
        "conversation": conversation(relationship, people, me),
        "open": conversation_actions.open_version(relationship),
        "can_edit": may_talk,
        "can_agree": may_talk and not (contract and contract.declined_at),
    }


@login_required
@require_GET
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    """The current contract in plain English, and who has agreed which version."""
    relationship = relationship_for(request.user, pk)
    if is_outsider(request.user, relationship):
        record(
            user=request.user,
            action="view",
            obj=relationship,
            relationship_id=relationship.pk,
            organisation_id=relationship.organisation_id,
            page="contract",
        )
    return render(
        request,
        "relationships/questions/contract.html",
        _contract_context(request, relationship),
    )


def _latest_contract_form(relationship: Relationship, people: list[Participant]) -> ContractForm:
    """The contract as it is now, at the latest revision (after a stale page)."""
    relationship.refresh_from_db()
    terms = contract_terms(actions.current_contract(relationship))
    form = ContractForm(
        data=ContractForm.initial_from(terms, relationship.revision), participants=people
    )
    form.is_valid()
    return form


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Either person proposes a version; saving any change makes a new version. Refused, with a
    link to it, while a version someone else proposed is still waiting for an answer."""
    relationship = relationship_for(request.user, pk, Permission.AGREE_CONTRACT)
    me = _me(request, relationship)
    people = named_people(relationship)
    current = actions.current_contract(relationship)
    blocking = conversation_actions.may_propose(relationship, me)
    if blocking is not None:
        return render(
            request,
            "relationships/questions/contract_open.html",
            {"relationship": relationship, "contract": blocking},
        )
    to_contract = reverse("relationships:contract", kwargs={"pk": pk})

    def make_form(data: QueryDict | None) -> ContractForm:
        if data is not None:
            return ContractForm(data, participants=people)
        initial = ContractForm.initial_from(contract_terms(current), relationship.revision)
        return ContractForm(initial=initial, participants=people)

    def act(form: ContractForm) -> Result:
        terms = form.terms()
        if same_terms(terms, contract_terms(current)):
            if current is None:
                return Result.refused(
                    gettext("Write at least one part of the contract before you save it.")
                )
            return Result.unchanged(
                gettext(
                    "You did not change anything, so the contract is still version %(version)s."
                )
                % {"version": current.version}
            )
        # Refused while someone else's proposal waits: the typing is kept, with a link to it.
        made = conversation_actions.propose(
            participant=me,
            terms=terms,
            by=request.user,
            expected_revision=form.cleaned_data["revision"],
        )
        if made.version == 1:
            saved = gettext(
                "Your proposal is saved as version %(version)s. Each of you now needs to read "
                "it and agree to it; we have told the other person."
            )
        else:
            saved = gettext(
                "Your proposal is saved as version %(version)s. Each of you now needs to read "
                "it and agree to it again; we have told the other person."
            )
        return Result.saved(saved % {"version": made.version})

    def again(form: ContractForm, result: Result) -> ContractForm:
        if result.outcome is Outcome.STALE:
            return _latest_contract_form(relationship, people)
        return form

    def show(form: ContractForm) -> HttpResponse:
        waiting = conversation_actions.may_propose(relationship, me) if form.is_bound else None
        context = {"relationship": relationship, "contract": current, "form": form}
        return render(
            request, "relationships/questions/contract_edit.html", {**context, "open": waiting}
        )

    return handle(
        request,
        FormFlow(
            form=make_form,
            act=act,
            show=show,
            then=to_contract,
            page="contract-edit",
            relationship_id=pk,
            again=again,
            invalid=_stale_revision,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_agree(request: HttpRequest, pk: int) -> HttpResponse:
    """A person reads the current version and agrees to it, on their own login."""
    relationship = relationship_for(request.user, pk, Permission.AGREE_CONTRACT)
    me = _me(request, relationship)
    found = actions.current_contract(relationship)
    if found is None:
        messages.info(request, gettext("There is no contract to agree to yet."))
        return redirect("relationships:contract", pk=pk)
    current: ContractVersion = found
    if current.declined_at is not None:
        messages.info(
            request,
            gettext(
                "Version %(version)s was declined, so nobody can agree to it now. "
                "Either of you can propose a new version."
            )
            % {"version": current.version},
        )
        return redirect("relationships:contract", pk=pk)
    to_contract = reverse("relationships:contract", kwargs={"pk": pk})

    def agreed_already() -> Result | None:
        if actions.agreement_of(me, current):
            return Result.unchanged(
                gettext("You have already agreed to version %(version)s.")
                % {"version": current.version}
            )
        return None

    def act(form: AgreeForm) -> Result:
        nonlocal current
        if (already := agreed_already()) is not None:
            return already
        try:
            actions.agree_contract(
                participant=me,
                version=form.cleaned_data["version"],
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
            )
        except Refused as refused:  # declined while this page was open: said on the contract
            return Result.refused(str(refused), then=to_contract)
        except StaleEdit:
            relationship.refresh_from_db()
            current = actions.current_contract(relationship) or current
            if actions.agreement_of(me, current):  # sent twice: the first one counted
                return Result.unchanged(
                    gettext("You have agreed to version %(version)s.")
                    % {"version": current.version}
                )
            return Result.stale()
        return Result.saved(
            gettext("Thank you. You have agreed to version %(version)s.")
            % {"version": current.version}
        )

    def show(form: AgreeForm) -> HttpResponse:
        context = _contract_context(request, relationship)
        context.update(
            # The form has no field to show: any problem with it is a stale page.
            stale=form.is_bound and bool(form.errors),
            stale_message=STALE,
            revision=relationship.revision,
            agree_text=gettext("I agree to version %(version)s")
            % {"version": context["contract"].version},
        )
        return render(request, "relationships/questions/contract_agree.html", context)

    return handle(
        request,
        FormFlow(
            form=AgreeForm,
            act=act,
            show=show,
            then=to_contract,
            page="contract-agree",
            relationship_id=pk,
            invalid=lambda form: agreed_already() or Result.stale(),
        ),
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/questions/", questions, name="questions"),
    path("<int:pk>/contract/", contract, name="contract"),
    path("<int:pk>/contract/edit/", contract_edit, name="contract-edit"),
    path("<int:pk>/contract/agree/", contract_agree, name="contract-agree"),
    *contract_urls,
]
