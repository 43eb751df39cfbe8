"""Pages about the people in a relationship: proposing it, inviting the co-producer, consent.

Views parse, authorise (access.py), call one action and render. A change made from an
out-of-date page is refused and the form shown again with the latest details.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mutuality.web.access import Permission, participant_of, relationship_for
from mutuality.web.accounts.models import Role
from mutuality.web.forms_flow import FormFlow, Result, handle
from mutuality.web.relationships import actions
from mutuality.web.relationships.actions import people as people_actions
from mutuality.web.relationships.forms.people import (
    AcceptInvitationForm,
    AffectedPartyForm,
    ConsentForm,
    InviteForm,
    NobodyAffectedForm,
    ProposeForm,
    affected_consent_words,
    consent_words,
)
from mutuality.web.relationships.models import Relationship, with_names

F = TypeVar("F", bound=Form)
EXPIRED_LINK = _(
    "This link has expired or has already been used. Ask the person who invited you for a new one."
)


def _latest(form: F, of: Relationship, **kwargs: Any) -> F:
    """The same form again, with the person's answers at the latest revision (the flow adds
    the error)."""
    of.refresh_from_db()
    data = form.data.copy() if isinstance(form.data, QueryDict) else QueryDict(mutable=True)
    data["revision"] = str(of.revision)
    again = type(form)(data, **kwargs)
    again.is_valid()
    return again


def _flow(
    request: HttpRequest,
    relationship: Relationship | None,
    *,
    form: Callable[[QueryDict | None], F],
    act: Callable[[F], Result],
    show: Callable[[F], HttpResponse],
    then: str,
    page: str,
    again: Callable[[F, Result], F] | None = None,
) -> HttpResponse:
    """One of these pages on the form flow."""
    return handle(
        request,
        FormFlow(
            form=form,
            act=act,
            show=show,
            then=then,
            page=page,
            relationship_id=relationship.pk if relationship else None,
            again=again,
        ),
    )


def _detail(relationship: Relationship) -> str:
    return reverse("relationships:detail", kwargs={"pk": relationship.pk})


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
        raise PermissionDenied(gettext("Only professionals can propose a relationship"))

    def act(form: ProposeForm) -> Result:
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
        return Result.saved(
            gettext("Your relationship is proposed. Next, invite the person you will work with."),
            then=_detail(relationship),
        )

    return _flow(
        request,
        None,
        form=lambda data: ProposeForm(data, user=user),
        act=act,
        show=lambda form: render(request, "relationships/people/propose.html", {"form": form}),
        then=reverse("relationships:propose"),
        page="propose",
    )


# --- inviting the co-producer ---------------------------------------------------------------


def _invite_page(
    request: HttpRequest, relationship: Relationship, form: InviteForm
) -> HttpResponse:
    waiting = with_names(relationship.participants.filter(role="recipient", user__isnull=True))
    # The names are what people typed; the sentence around them is translated whole.
    names = ", ".join(person.called for person in waiting)
    context = {
        "relationship": relationship,
        "form": form,
        "waiting": waiting,
        "waiting_names": names,
    }
    return render(request, "relationships/people/invite.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional makes a single-use link for the co-producer to set up their login."""
    relationship = relationship_for(request.user, pk, Permission.EDIT)

    def make_form(data: QueryDict | None) -> InviteForm:
        if data is not None:
            return InviteForm(data, relationship=relationship)
        first = relationship.participants.filter(role="recipient", user__isnull=True).first()
        initial = {**_revision(relationship), "participant": first.slug if first else ""}
        return InviteForm(initial=initial, relationship=relationship)

    def act(form: InviteForm) -> Result:
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
        except people_actions.InvalidChoice:  # the person was invited from another page
            return Result.stale()
        relationship.refresh_from_db()
        # The link is shown once, here: only its hash is kept.
        link = request.build_absolute_uri(reverse("relationships:invitation", args=[token]))
        context = {
            "relationship": relationship,
            "link": link,
            "invitation": invitation,
            "name": data["display_name"],
            "emailed_to": data["email"],
        }
        return Result.saved_showing(
            render(request, "relationships/people/invite_sent.html", context)
        )

    return _flow(
        request,
        relationship,
        form=make_form,
        act=act,
        show=lambda form: _invite_page(request, relationship, form),
        then=_detail(relationship),
        page="invite",
        again=lambda form, _: _latest(form, relationship, relationship=relationship),
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

    def make_form(data: QueryDict | None) -> AcceptInvitationForm:
        if data is not None:
            return AcceptInvitationForm(people_actions.new_user(), data)
        name = people_actions.invited_name(found)
        initial = {"display_name": name, "username": found.participant.slug}
        return AcceptInvitationForm(people_actions.new_user(), initial=initial)

    def act(form: AcceptInvitationForm) -> Result:
        try:
            created = people_actions.accept_invitation(
                invitation=found, form=form, by_email=people_actions.came_by_email(found, token)
            )
        except people_actions.LinkUsed:
            return Result.refused_showing(_link_problem(request, people_actions.LinkProblem.USED))
        except IntegrityError:  # someone took the username a moment ago: the form says so
            return Result.refused_for(())
        login(request, created, backend="mutuality.web.accounts.backends.SignInBackend")
        return Result.saved(
            gettext(
                "Your password is saved and you are signed in. This is your relationship's page."
            )
        )

    def again(form: AcceptInvitationForm, result: Result) -> AcceptInvitationForm:
        checked = make_form(form.data if isinstance(form.data, QueryDict) else None)
        checked.is_valid()  # now finds the username taken
        return checked

    def show(form: AcceptInvitationForm) -> HttpResponse:
        context = {
            "form": form,
            "relationship": relationship,
            "inviter": found.created_by.shown_name if found.created_by else "",
        }
        return render(request, "relationships/people/accept.html", context)

    return _flow(
        request,
        relationship,
        form=make_form,
        act=act,
        show=show,
        then=_detail(relationship),
        page="invitation",
        again=again,
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
        raise PermissionDenied(gettext("Only the people in the relationship record their consent"))

    def make_form(data: QueryDict | None) -> ConsentForm:
        if data is not None:
            return ConsentForm(data)
        initial: dict[str, int | str] = {**_revision(relationship)}
        if me.consent in consent_words():
            initial["consent"] = me.consent
        return ConsentForm(initial=initial)

    def act(form: ConsentForm) -> Result:
        chosen = form.cleaned_data["consent"]
        if chosen == me.consent:
            # Nothing to change, but still refuse an answer made from an old page.
            relationship.refresh_from_db()
            if relationship.revision != form.cleaned_data["revision"]:
                return Result.stale()
            return Result.unchanged(gettext("Your answer is saved."), then=_detail(relationship))
        actions.set_consent(
            participant=me,
            consent=chosen,
            by=request.user,
            expected_revision=form.cleaned_data["revision"],
        )
        return Result.saved(gettext("Your answer is saved."))

    def show(form: ConsentForm) -> HttpResponse:
        context = {
            "relationship": relationship,
            "form": form,
            "me": me,
            "current": consent_words().get(me.consent) or gettext("you have not answered yet"),
        }
        return render(request, "relationships/people/consent.html", context)

    return _flow(
        request,
        relationship,
        form=make_form,
        act=act,
        show=show,
        then=_detail(relationship),
        page="consent",
        again=lambda form, _: _latest(form, relationship),
    )


# --- other people the relationship affects ---------------------------------------------------


def _affected_page(
    request: HttpRequest, relationship: Relationship, form: AffectedPartyForm
) -> HttpResponse:
    words = affected_consent_words()
    return render(
        request,
        "relationships/people/affected.html",
        {
            "relationship": relationship,
            "form": form,
            "parties": [
                (party, words.get(party.consent, party.consent))
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

    def make_form(data: QueryDict | None) -> AffectedPartyForm:
        if data is not None:
            return AffectedPartyForm(data)
        return AffectedPartyForm(initial={**_revision(relationship), "consent": "not_sought"})

    def act(form: AffectedPartyForm) -> Result:
        data = form.cleaned_data
        people_actions.add_affected_party(
            relationship=relationship,
            by=request.user,
            name=data["name"],
            consent=data["consent"],
            reason=data["reason"],
            expected_revision=data["revision"],
        )
        return Result.saved(gettext("Added: %(name)s.") % {"name": data["name"]})

    return _flow(
        request,
        relationship,
        form=make_form,
        act=act,
        show=lambda form: _affected_page(request, relationship, form),
        then=reverse("relationships:affected", kwargs={"pk": relationship.pk}),
        page="affected",
        again=lambda form, _: _latest(form, relationship),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def affected_change(request: HttpRequest, pk: int, party: int) -> HttpResponse:
    """Change what is recorded about one person or group the relationship affects."""
    relationship = relationship_for(request.user, pk, Permission.NAME_AFFECTED)
    found = get_object_or_404(relationship.affected_parties, pk=party)

    def make_form(data: QueryDict | None) -> AffectedPartyForm:
        if data is not None:
            return AffectedPartyForm(data)
        initial = {
            **_revision(relationship),
            "name": found.name,
            "consent": found.consent,
            "reason": found.reason,
        }
        return AffectedPartyForm(initial=initial)

    def act(form: AffectedPartyForm) -> Result:
        data = form.cleaned_data
        people_actions.update_affected_party(
            party=found,
            by=request.user,
            name=data["name"],
            consent=data["consent"],
            reason=data["reason"],
            expected_revision=data["revision"],
        )
        return Result.saved(
            gettext("What you recorded about %(name)s is saved.") % {"name": data["name"]}
        )

    def again(form: AffectedPartyForm, result: Result) -> AffectedPartyForm:
        found.refresh_from_db()
        return _latest(form, relationship)

    def show(form: AffectedPartyForm) -> HttpResponse:
        context = {"relationship": relationship, "form": form, "party": found}
        return render(request, "relationships/people/affected_change.html", context)

    return _flow(
        request,
        relationship,
        form=make_form,
        act=act,
        show=show,
        then=reverse("relationships:affected", kwargs={"pk": relationship.pk}),
        page="affected-change",
        again=again,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def nobody_affected(request: HttpRequest, pk: int) -> HttpResponse:
    """Either person confirms that the relationship affects nobody beyond its two people."""
    relationship = relationship_for(request.user, pk, Permission.NAME_AFFECTED)

    def make_form(data: QueryDict | None) -> NobodyAffectedForm:
        if data is not None:
            return NobodyAffectedForm(data, relationship=relationship)
        return NobodyAffectedForm(initial=_revision(relationship), relationship=relationship)

    def act(form: NobodyAffectedForm) -> Result:
        try:
            people_actions.nobody_else_affected(
                relationship=relationship,
                by=request.user,
                expected_revision=form.cleaned_data["revision"],
            )
        except (actions.StaleEdit, people_actions.InvalidChoice):
            # The form shows no field of its own: the reason goes with its revision.
            return Result.stale(field="revision")
        return Result.saved(gettext("Saved: nobody else is affected by this relationship."))

    def show(form: NobodyAffectedForm) -> HttpResponse:
        context = {"relationship": relationship, "form": form}
        return render(request, "relationships/people/nobody_affected.html", context)

    return _flow(
        request,
        relationship,
        form=make_form,
        act=act,
        show=show,
        then=_detail(relationship),
        page="affected-none",
        again=lambda form, _: _latest(form, relationship, relationship=relationship),
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
