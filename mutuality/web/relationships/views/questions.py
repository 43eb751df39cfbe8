"""The two-sided questions and the contract. Views parse, authorise (access.py), call one
action, render.

The professional answers first, as the framework asks: a co-producer's form stays locked
until a professional has answered, and each person sees the other side's answers only
after giving their own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from mutuality.framework import QUESTIONS
from mutuality.web.access import Permission, can, is_outsider, participant_of, relationship_for
from mutuality.web.audit.actions import record
from mutuality.web.relationships.actions import Refused, StaleEdit
from mutuality.web.relationships.actions import contract as conversation_actions
from mutuality.web.relationships.actions import questions as actions
from mutuality.web.relationships.forms.common import STALE
from mutuality.web.relationships.forms.questions import (
    PAYMENT_KINDS,
    AgreeForm,
    AnswersForm,
    ContractForm,
    contract_terms,
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
        raise PermissionDenied("Only the people in this relationship can do this")
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


def _stale_answers_form(me: Participant, revision: int) -> AnswersForm:
    form = AnswersForm(data={**me.answers, "revision": revision}, role=me.role)
    form.is_valid()
    form.add_error(None, STALE)
    return form


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
    if request.method == "POST":
        form = AnswersForm(request.POST, role=me.role)
        if form.is_valid():
            try:
                changed = actions.save_answers(
                    participant=me,
                    answers=form.answers(),
                    by=request.user,
                    expected_revision=form.cleaned_data["revision"],
                )
            except StaleEdit:
                relationship.refresh_from_db()
                me.refresh_from_db()
                form = _stale_answers_form(me, relationship.revision)
            else:
                messages.success(
                    request,
                    "Your answers are saved."
                    if changed
                    else "Your answers are the same as before.",
                )
                return redirect("relationships:questions", pk=pk)
        elif form.has_error("revision"):
            form = _stale_answers_form(me, relationship.revision)
    else:
        form = AnswersForm(initial={**me.answers, "revision": relationship.revision}, role=me.role)
    others = _other_side(relationship, me)
    return render(
        request,
        "relationships/questions/questions.html",
        {
            "relationship": relationship,
            "me": me,
            "form": form,
            "answered": bool(me.answers),
            "others": [who(p) for p in others],
            "rows": _side_by_side(me, others) if me.answers else [],
        },
    )


_SUMMARY_KEYS = {
    "inequalities_addressed": "How differences in pay and other advantages are handled",
    "power_differential": "The power difference between you",
    "multiple_roles_plan": "Keeping other roles apart",
    "exit_plan": "How either of you can end it",
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
                "paid": PAYMENT_KINDS.get(paid.get(p.slug, ""), "Not decided yet"),
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


def _stale_contract_form(relationship: Relationship, people: list[Participant]) -> ContractForm:
    relationship.refresh_from_db()
    terms = contract_terms(actions.current_contract(relationship))
    form = ContractForm(
        data=ContractForm.initial_from(terms, relationship.revision), participants=people
    )
    form.is_valid()
    form.add_error(None, STALE)
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
    if request.method == "POST":
        form = ContractForm(request.POST, participants=people)
        if form.is_valid():
            terms = form.terms()
            if same_terms(terms, contract_terms(current)):
                if current is None:
                    form.add_error(
                        None, "Write at least one part of the contract before you save it."
                    )
                else:
                    messages.info(
                        request,
                        f"You did not change anything, so the contract is still version "
                        f"{current.version}.",
                    )
                    return redirect("relationships:contract", pk=pk)
            else:
                try:
                    made = conversation_actions.propose(
                        participant=me,
                        terms=terms,
                        by=request.user,
                        expected_revision=form.cleaned_data["revision"],
                    )
                except StaleEdit:
                    form = _stale_contract_form(relationship, people)
                except Refused as refused:
                    form.add_error(None, str(refused))  # someone proposed first: typing kept
                    blocking = conversation_actions.may_propose(relationship, me)
                else:
                    again = " again" if made.version > 1 else ""
                    messages.success(
                        request,
                        f"Your proposal is saved as version {made.version}. Each of you now "
                        f"needs to read it and agree to it{again}; we have told the other person.",
                    )
                    return redirect("relationships:contract", pk=pk)
        elif form.has_error("revision"):
            form = _stale_contract_form(relationship, people)
    else:
        form = ContractForm(
            initial=ContractForm.initial_from(contract_terms(current), relationship.revision),
            participants=people,
        )
    return render(
        request,
        "relationships/questions/contract_edit.html",
        {"relationship": relationship, "contract": current, "form": form, "open": blocking},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_agree(request: HttpRequest, pk: int) -> HttpResponse:
    """A person reads the current version and agrees to it, on their own login."""
    relationship = relationship_for(request.user, pk, Permission.AGREE_CONTRACT)
    me = _me(request, relationship)
    current = actions.current_contract(relationship)
    if current is None:
        messages.info(request, "There is no contract to agree to yet.")
        return redirect("relationships:contract", pk=pk)
    if current.declined_at is not None:
        messages.info(
            request,
            f"Version {current.version} was declined, so nobody can agree to it now. "
            "Either of you can propose a new version.",
        )
        return redirect("relationships:contract", pk=pk)
    stale = False
    if request.method == "POST":
        form = AgreeForm(request.POST)
        if actions.agreement_of(me, current):
            messages.info(request, f"You have already agreed to version {current.version}.")
            return redirect("relationships:contract", pk=pk)
        stale = not form.is_valid()
        if not stale:
            try:
                actions.agree_contract(
                    participant=me,
                    version=form.cleaned_data["version"],
                    by=request.user,
                    expected_revision=form.cleaned_data["revision"],
                )
            except Refused as refused:  # declined while this page was open
                messages.info(request, str(refused))
                return redirect("relationships:contract", pk=pk)
            except StaleEdit:
                relationship.refresh_from_db()
                current = actions.current_contract(relationship) or current
                if actions.agreement_of(me, current):
                    messages.info(request, f"You have agreed to version {current.version}.")
                    return redirect("relationships:contract", pk=pk)
                stale = True
            else:
                messages.success(
                    request, f"Thank you. You have agreed to version {current.version}."
                )
                return redirect("relationships:contract", pk=pk)
    context = _contract_context(request, relationship)
    context.update(
        stale=stale,
        stale_message=STALE,
        revision=relationship.revision,
        agree_text=f"I agree to version {context['contract'].version}",
    )
    return render(request, "relationships/questions/contract_agree.html", context)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/questions/", questions, name="questions"),
    path("<int:pk>/contract/", contract, name="contract"),
    path("<int:pk>/contract/edit/", contract_edit, name="contract-edit"),
    path("<int:pk>/contract/agree/", contract_agree, name="contract-agree"),
    *contract_urls,
]
