"""Pages about the people in a relationship: proposing it, inviting the co-producer, consent.

Views parse, authorise (access.py), call one action and render. A change made from an
out-of-date page is refused and the form shown again with the latest details.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mutuality.web.access import Permission, participant_of, relationship_for
from mutuality.web.accounts.models import Role
from mutuality.web.relationships import actions
from mutuality.web.relationships.actions import people as people_actions
from mutuality.web.relationships.forms.common import STALE
from mutuality.web.relationships.forms.people import (
    AFFECTED_CONSENT_WORDS,
    CONSENT_WORDS,
    AcceptInvitationForm,
    AffectedPartyForm,
    ConsentForm,
    InviteForm,
    NobodyAffectedForm,
    ProposeForm,
)
from mutuality.web.relationships.models import Relationship, with_names

F = TypeVar("F", bound=Form)
EXPIRED_LINK = (
    "This link has expired or has already been used. Ask the person who invited you for a new one."
)


def _stale(form: F, of: Relationship, field: str | None = None, **kwargs: Any) -> F:
    """The same form again, with the person's answers, the latest revision and the error.

    The error goes on `field` when given (a form with no visible field keeps it on `revision`).
    """
    of.refresh_from_db()
    if not isinstance(form.data, QueryDict):  # the forms are stale only when posted
        raise TypeError("a stale form is bound to request.POST")
    data = form.data.copy()
    data["revision"] = str(of.revision)
    again = type(form)(data, **kwargs)
    again.is_valid()
    again.add_error(field, STALE)
    return again


def _revision(relationship: Relationship) -> dict[str, int]:
    return {"revision": relationship.revision}


# --- proposing a relationship ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    """A professional proposes a relationship in their own organisation."""
    # Proposing is decided by the person's role, not by any relationship, so access.py's
    # relationship permissions do not cover it: only professionals with an organisation may.
    user: Any = request.user
    if user.role != Role.PROFESSIONAL or not user.organisation_id:
        raise PermissionDenied("Only professionals can propose a relationship")
    form = ProposeForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        relationship = people_actions.propose(
            by=user,
            title=data["title"],
            setting=data["setting"],
            co_produced=data["co_produced"],
            my_id=data["my_id"],
            their_id=data["their_id"],
            supervisor=data["supervisor"],
        )
        messages.success(
            request,
            "Your relationship is proposed. Next, invite the person you will work with.",
        )
        return redirect("relationships:detail", pk=relationship.pk)
    return render(request, "relationships/people/propose.html", {"form": form})


# --- inviting the co-producer ---------------------------------------------------------------


def _invite_page(
    request: HttpRequest, relationship: Relationship, form: InviteForm
) -> HttpResponse:
    waiting = with_names(relationship.participants.filter(role="recipient", user__isnull=True))
    return render(
        request,
        "relationships/people/invite.html",
        {"relationship": relationship, "form": form, "waiting": waiting},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional makes a single-use link for the co-producer to set up their login."""
    relationship = relationship_for(request.user, pk, Permission.EDIT)
    if request.method == "GET":
        first = relationship.participants.filter(role="recipient", user__isnull=True).first()
        initial = {**_revision(relationship), "participant": first.slug if first else ""}
        return _invite_page(
            request, relationship, InviteForm(initial=initial, relationship=relationship)
        )
    form = InviteForm(request.POST, relationship=relationship)
    if not form.is_valid():
        return _invite_page(request, relationship, form)
    data = form.cleaned_data
    try:
        invitation, token = people_actions.invite(
            relationship=relationship,
            by=request.user,
            slug=data["participant"],
            display_name=data["display_name"],
            expected_revision=data["revision"],
            email=data["email"],
        )
    except (actions.StaleEdit, people_actions.InvalidChoice):
        stale = _stale(form, relationship, relationship=relationship)
        return _invite_page(request, relationship, stale)
    relationship.refresh_from_db()
    link = request.build_absolute_uri(reverse("relationships:invitation", args=[token]))
    return render(
        request,
        "relationships/people/invite_sent.html",
        {
            "relationship": relationship,
            "link": link,
            "invitation": invitation,
            "name": data["display_name"],
            "emailed_to": data["email"],
        },
    )


# --- opening an invitation link (no sign-in needed) ------------------------------------------


def _link_problem(request: HttpRequest, problem: people_actions.LinkProblem) -> HttpResponse:
    status = 404 if problem == people_actions.LinkProblem.UNKNOWN else 410
    return render(
        request,
        "relationships/people/invitation_invalid.html",
        {"message": EXPIRED_LINK},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invited co-producer chooses a username and password, and is signed in."""
    found, problem = people_actions.find_invitation(token)
    if problem is not None or found is None:
        return _link_problem(request, problem or people_actions.LinkProblem.UNKNOWN)
    relationship = found.participant.relationship
    user = people_actions.new_user()
    if request.method == "GET":
        name = people_actions.invited_name(found)
        initial = {"display_name": name, "username": found.participant.slug}
        form = AcceptInvitationForm(user, initial=initial)
    else:
        form = AcceptInvitationForm(user, request.POST)
        if form.is_valid():
            try:
                created = people_actions.accept_invitation(
                    invitation=found,
                    form=form,
                    by_email=people_actions.came_by_email(found, token),
                )
            except people_actions.LinkUsed:
                return _link_problem(request, people_actions.LinkProblem.USED)
            except IntegrityError:  # someone took the username a moment ago
                form = AcceptInvitationForm(people_actions.new_user(), request.POST)
                form.is_valid()
            else:
                login(request, created, backend="mutuality.web.accounts.backends.SignInBackend")
                messages.success(
                    request,
                    "Your password is saved and you are signed in. This is your "
                    "relationship's page.",
                )
                return redirect("relationships:detail", pk=relationship.pk)
    return render(
        request,
        "relationships/people/accept.html",
        {
            "form": form,
            "relationship": relationship,
            "inviter": found.created_by.shown_name if found.created_by else "",
        },
    )


# --- consent --------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant records their own consent, on their own login."""
    relationship = relationship_for(request.user, pk, Permission.CONSENT)
    me = participant_of(request.user, relationship)
    if me is None:  # only participants hold CONSENT; this keeps it so
        raise PermissionDenied("Only the people in the relationship record their consent")
    if request.method == "GET":
        initial: dict[str, int | str] = {**_revision(relationship)}
        if me.consent in CONSENT_WORDS:
            initial["consent"] = me.consent
        form = ConsentForm(initial=initial)
    else:
        form = ConsentForm(request.POST)
        if form.is_valid():
            chosen = form.cleaned_data["consent"]
            try:
                if chosen == me.consent:
                    # Nothing to change, but still refuse an answer made from an old page.
                    relationship.refresh_from_db()
                    if relationship.revision != form.cleaned_data["revision"]:
                        raise actions.StaleEdit(STALE)
                else:
                    actions.set_consent(
                        participant=me,
                        consent=chosen,
                        by=request.user,
                        expected_revision=form.cleaned_data["revision"],
                    )
            except actions.StaleEdit:
                form = _stale(form, relationship)
            else:
                messages.success(request, "Your answer is saved.")
                return redirect("relationships:detail", pk=relationship.pk)
    return render(
        request,
        "relationships/people/consent.html",
        {
            "relationship": relationship,
            "form": form,
            "me": me,
            "current": CONSENT_WORDS.get(me.consent, "you have not answered yet"),
        },
    )


# --- other people the relationship affects ---------------------------------------------------


def _affected_page(
    request: HttpRequest, relationship: Relationship, form: AffectedPartyForm
) -> HttpResponse:
    return render(
        request,
        "relationships/people/affected.html",
        {
            "relationship": relationship,
            "form": form,
            "parties": [
                (party, AFFECTED_CONSENT_WORDS.get(party.consent, party.consent))
                for party in relationship.affected_parties.all()
            ],
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def affected(request: HttpRequest, pk: int) -> HttpResponse:
    """Either person in the relationship lists who else it affects, and whether each agrees."""
    relationship = relationship_for(request.user, pk, Permission.NAME_AFFECTED)
    if request.method == "GET":
        form = AffectedPartyForm(initial={**_revision(relationship), "consent": "not_sought"})
        return _affected_page(request, relationship, form)
    form = AffectedPartyForm(request.POST)
    if not form.is_valid():
        return _affected_page(request, relationship, form)
    data = form.cleaned_data
    try:
        people_actions.add_affected_party(
            relationship=relationship,
            by=request.user,
            name=data["name"],
            consent=data["consent"],
            reason=data["reason"],
            expected_revision=data["revision"],
        )
    except actions.StaleEdit:
        return _affected_page(request, relationship, _stale(form, relationship))
    messages.success(request, f"Added: {data['name']}.")
    return redirect("relationships:affected", pk=relationship.pk)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def affected_change(request: HttpRequest, pk: int, party: int) -> HttpResponse:
    """Change what is recorded about one person or group the relationship affects."""
    relationship = relationship_for(request.user, pk, Permission.NAME_AFFECTED)
    found = get_object_or_404(relationship.affected_parties, pk=party)
    if request.method == "GET":
        form = AffectedPartyForm(
            initial={
                **_revision(relationship),
                "name": found.name,
                "consent": found.consent,
                "reason": found.reason,
            }
        )
    else:
        form = AffectedPartyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                people_actions.update_affected_party(
                    party=found,
                    by=request.user,
                    name=data["name"],
                    consent=data["consent"],
                    reason=data["reason"],
                    expected_revision=data["revision"],
                )
            except actions.StaleEdit:
                found.refresh_from_db()
                form = _stale(form, relationship)
            else:
                messages.success(request, f"What you recorded about {data['name']} is saved.")
                return redirect("relationships:affected", pk=relationship.pk)
    return render(
        request,
        "relationships/people/affected_change.html",
        {"relationship": relationship, "form": form, "party": found},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def nobody_affected(request: HttpRequest, pk: int) -> HttpResponse:
    """Either person confirms that the relationship affects nobody beyond its two people."""
    relationship = relationship_for(request.user, pk, Permission.NAME_AFFECTED)
    if request.method == "GET":
        form = NobodyAffectedForm(initial=_revision(relationship), relationship=relationship)
    else:
        form = NobodyAffectedForm(request.POST, relationship=relationship)
        if form.is_valid():
            try:
                people_actions.nobody_else_affected(
                    relationship=relationship,
                    by=request.user,
                    expected_revision=form.cleaned_data["revision"],
                )
            except (actions.StaleEdit, people_actions.InvalidChoice):
                form = _stale(form, relationship, "revision", relationship=relationship)
            else:
                messages.success(request, "Saved: nobody else is affected by this relationship.")
                return redirect("relationships:detail", pk=relationship.pk)
    return render(
        request,
        "relationships/people/nobody_affected.html",
        {"relationship": relationship, "form": form},
    )


urlpatterns = [
    path("propose/", propose, name="propose"),
    path("invitation/<str:token>/", invitation, name="invitation"),
    path("<int:pk>/invite/", invite, name="invite"),
    path("<int:pk>/consent/", consent, name="consent"),
    path("<int:pk>/affected/", affected, name="affected"),
    path("<int:pk>/affected/none/", nobody_affected, name="affected-none"),
    path("<int:pk>/affected/<int:party>/", affected_change, name="affected-change"),
]
