"""The contract's conversation (ADR 0014): what changed in a version, what each person said
about it, declining or commenting, and confirming one's consent for a changed contract.

Views parse, authorise (access.py), call one action through `form_page`, render.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mutuality.web.access import Permission, participant_of, relationship_for
from mutuality.web.relationships.actions import contract as actions
from mutuality.web.relationships.actions.questions import current_contract
from mutuality.web.relationships.contract_changes import changes
from mutuality.web.relationships.forms.questions import (
    ConfirmConsentForm,
    RespondForm,
    contract_terms,
    who,
)
from mutuality.web.relationships.models import (
    ContractResponse,
    ContractVersion,
    Participant,
    Relationship,
    named_people,
)
from mutuality.web.relationships.views.common import form_page


def _me(request: HttpRequest, relationship: Relationship) -> Participant:
    me = participant_of(request.user, relationship)
    if me is None:  # only participants hold AGREE_CONTRACT and CONSENT; never expected
        raise PermissionDenied(gettext("Only the people in this relationship can do this"))
    return me


def _names(people: list[Participant]) -> dict[str, str]:
    return {p.slug: p.called for p in people}


def version_changes(
    relationship: Relationship, contract: ContractVersion, people: list[Participant]
) -> list[str]:
    """What this version changed from the one before it, in sentences ([] for version 1)."""
    before = relationship.contract_versions.filter(version__lt=contract.version).first()
    if before is None:
        return []
    return changes(contract_terms(before), contract_terms(contract), _names(people))


def changes_since(
    relationship: Relationship, version: int | None, now: ContractVersion, people: list[Participant]
) -> list[str]:
    """What changed between version `version` (none: no contract) and `now`."""
    then = relationship.contract_versions.filter(version=version).first() if version else None
    before = contract_terms(then)
    return changes(before, contract_terms(now), _names(people))


# What someone did, said to the reader about themselves ("You …") and about anyone else; a
# whole sentence each, so a language can change the verb for "you" as well as the order.
_DID = {
    "proposed": (
        _("You proposed version %(version)s"),
        _("%(name)s proposed version %(version)s"),
    ),
    "agreed": (_("You agreed to version %(version)s"), _("%(name)s agreed to version %(version)s")),
    "declined": (_("You declined version %(version)s"), _("%(name)s declined version %(version)s")),
    "comment": (
        _("You commented on version %(version)s"),
        _("%(name)s commented on version %(version)s"),
    ),
}


def _did(kind: str, person: Participant | None, reader: Participant | None, version: int) -> str:
    """What a person did, as the reader reads it: "You" for themselves (issue 13, point 1)."""
    yours, theirs = _DID[kind]
    if person is not None and reader is not None and person.pk == reader.pk:
        return str(yours) % {"version": version}
    name = who(person) if person is not None else gettext("Someone")
    return str(theirs) % {"name": name, "version": version}


def _said(
    response: ContractResponse, people: dict[int, Participant], reader: Participant | None
) -> str:
    person = people.get(response.participant_id)
    return _did(response.kind, person, reader, response.contract.version)


def conversation(
    relationship: Relationship, people: list[Participant], reader: Participant | None = None
) -> list[dict[str, Any]]:
    """Every proposal and every answer, oldest first: who (the reader as "You"), when, what,
    and the reason."""
    by_pk = {p.pk: p for p in people}
    entries: list[tuple[datetime, int, dict[str, Any]]] = []
    for v in relationship.contract_versions.all():
        proposer = by_pk.get(v.proposed_by_id or 0)
        if proposer is not None:
            what = _did("proposed", proposer, reader, v.version)
        else:
            what = gettext("Version %(version)s was written") % {"version": v.version}
        entries.append((v.created, 0, {"when": v.created, "what": what}))
    for r in ContractResponse.objects.filter(contract__relationship=relationship).select_related(
        "contract"
    ):
        entries.append(
            (
                r.at,
                1,
                {"when": r.at, "what": _said(r, by_pk, reader), "reason": r.reason, "kind": r.kind},
            )
        )
    return [entry for _, _, entry in sorted(entries, key=lambda e: (e[0], e[1]))]


@login_required
@require_http_methods(["GET", "POST"])
def contract_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline the latest version with a reason, or comment on it."""
    relationship = relationship_for(request.user, pk, Permission.AGREE_CONTRACT)
    me = _me(request, relationship)
    latest = current_contract(relationship)
    if latest is None:
        messages.info(request, gettext("There is no contract to answer yet."))
        return redirect("relationships:contract", pk=pk)
    people = named_people(relationship)
    can_decline = (
        latest.declined_at is None and not latest.agreements.filter(participant=me).exists()
    )

    def make_form(data: QueryDict | None) -> RespondForm:
        initial = {"version": latest.version, "answer": "decline" if can_decline else "comment"}
        return RespondForm(data, initial=initial, can_decline=can_decline)

    def save(data: dict[str, Any]) -> str:
        act = actions.decline if data["answer"] == "decline" else actions.comment
        act(
            participant=me,
            version=data["version"],
            reason=data["reason"],
            by=request.user,
            expected_revision=data["revision"],
        )
        if data["answer"] == "decline":
            return gettext(
                "You declined version %(version)s. We have told the other person why."
            ) % {"version": data["version"]}
        return gettext("Your comment is saved.")

    return form_page(
        request,
        relationship,
        make_form=make_form,
        save=save,
        template="relationships/questions/contract_respond.html",
        context=lambda: {
            "contract": latest,
            "changes": version_changes(relationship, latest, people),
            "can_decline": can_decline,
        },
        page="contract-respond",
        next_page="relationships:contract",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm one's consent for a version of the contract that changed what it rested on."""
    relationship = relationship_for(request.user, pk, Permission.CONSENT)
    me = _me(request, relationship)
    asked = actions.consent_to_confirm(me)
    people = named_people(relationship)

    def make_form(data: QueryDict | None) -> ConfirmConsentForm:
        return ConfirmConsentForm(data, initial={"version": asked.version if asked else None})

    def save(data: dict[str, Any]) -> str:
        actions.confirm_consent(
            participant=me,
            version=data["version"],
            by=request.user,
            expected_revision=data["revision"],
        )
        return gettext("Your consent is confirmed for version %(version)s of the contract.") % {
            "version": data["version"]
        }

    return form_page(
        request,
        relationship,
        make_form=make_form,
        save=save,
        template="relationships/questions/contract_consent.html",
        context=lambda: {
            "me": me,
            "asked": asked,
            "changes": changes_since(relationship, me.consent_version, asked, people)
            if asked
            else [],
        },
        page="contract-consent",
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/contract/respond/", contract_respond, name="contract-respond"),
    path("<int:pk>/contract/consent/", contract_consent, name="contract-consent"),
]
