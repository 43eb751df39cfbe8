"""An organisation's own pages, for its admins (404 for everyone else: access.py): its people,
who supervises and reviews each relationship, and its settings. Lists are read a page at a
time, in the same queries however long they are; every change goes through `actions`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutuality.framework import PolicyError
from mutuality.outcomes import OutcomesError
from mutuality.web.access import administered_organisation, relationship_to_assign, staff_member_for
from mutuality.web.accounts.forms import NhsSetPasswordForm
from mutuality.web.accounts.models import Organisation
from mutuality.web.organisation import actions
from mutuality.web.organisation.forms import (
    AssignForm,
    DetailsForm,
    InstrumentsForm,
    InviteStaffForm,
    PolicyForm,
    RoleForm,
)
from mutuality.web.relationships.actions import StaleEdit
from mutuality.web.relationships.models import Relationship

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 50
_SECOND_FACTOR = Exists(Authenticator.objects.filter(user_id=OuterRef("pk")))


def _page(request: HttpRequest, rows: Any) -> dict[str, Any]:
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {"page": page, "page_numbers": list(numbers), "query": ""}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What an admin looks after, with the state of the last change of policy."""
    organisation = administered_organisation(request.user, "organisation")
    return render(request, "organisation/home.html", {"organisation": organisation})


# --- people ------------------------------------------------------------------------------------


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """Everyone with a login in the organisation, a page at a time."""
    organisation = administered_organisation(request.user, "people")
    rows = (
        get_user_model()
        .objects.filter(organisation=organisation)
        .annotate(second_factor=_SECOND_FACTOR)
        .order_by("username")
    )
    return render(
        request, "organisation/people.html", {"organisation": organisation, **_page(request, rows)}
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Make a login for a new member of staff, and a link for them to choose its password."""
    organisation = administered_organisation(request.user, "invite staff")
    form = InviteStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, invitation, link = actions.invite_staff(
                organisation=organisation,
                by=request.user,
                link=lambda token: request.build_absolute_uri(
                    reverse("organisation:invitation", args=[token])
                ),
                **data,
            )
        except actions.Refused as refused:
            form.add_error(refused.field, refused.message)
        else:
            context = {"person": person, "invitation": invitation, "link": link}
            return render(request, "organisation/invite_sent.html", context)
    context = {"form": form, "days": settings.INVITATION_DAYS}
    return render(request, "organisation/invite.html", context)


def _person_page(
    request: HttpRequest, person: Any, role_form: RoleForm | None = None
) -> HttpResponse:
    has_factor = Authenticator.objects.filter(user=person).exists()
    supervises = Relationship.objects.filter(supervisor=person).count()
    context = {
        "person": person,
        "role_form": role_form or RoleForm(initial={"role": person.role, "was": person.role}),
        "second_factor": has_factor,
        "supervises": supervises,
        "reviews": person.reviewing.count(),
        "is_staff_login": person.role in actions.STAFF_ROLES,
        "is_me": person.pk == request.user.pk,
    }
    return render(request, "organisation/person.html", context)


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person: their role, whether their login works, and their second factor."""
    return _person_page(request, staff_member_for(request.user, pk))


def _refused_here(request: HttpRequest, person: Any, error: Exception) -> HttpResponse:
    text = error.message if isinstance(error, actions.Refused) else actions.STALE
    messages.error(request, text)
    return redirect("organisation:person", pk=person.pk)


@login_required
@require_POST
def change_role(request: HttpRequest, pk: int) -> HttpResponse:
    person = staff_member_for(request.user, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, form)
    try:
        actions.change_role(
            person=person,
            role=form.cleaned_data["role"],
            was=form.cleaned_data["was"],
            by=request.user,
        )
    except actions.Refused as refused:
        form.add_error("role" if refused.field else None, refused.message)
        return _person_page(request, person, form)
    except actions.Stale as stale:
        return _refused_here(request, person, stale)
    messages.success(request, _("%(name)s's role is saved.") % {"name": person.shown_name})
    return redirect("organisation:person", pk=person.pk)


@login_required
@require_POST
def set_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = staff_member_for(request.user, pk)
    wanted = request.POST.get("active")
    if wanted not in ("yes", "no"):
        messages.error(request, _("Choose whether to turn the login on or off"))
        return redirect("organisation:person", pk=person.pk)
    active = wanted == "yes"
    try:
        actions.set_active(person=person, active=active, by=request.user)
    except (actions.Refused, actions.Stale) as error:
        return _refused_here(request, person, error)
    done = (
        _("%(name)s's login is turned on again.")
        if active
        else _("%(name)s's login is turned off: they are signed out everywhere.")
    )
    messages.success(request, done % {"name": person.shown_name})
    return redirect("organisation:person", pk=person.pk)


@login_required
@require_POST
def reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    person = staff_member_for(request.user, pk)
    try:
        actions.reset_second_factor(person=person, by=request.user)
    except actions.Refused as refused:
        return _refused_here(request, person, refused)
    messages.success(
        request,
        _("%(name)s's second factor is removed. They will set up a new one when they next sign in.")
        % {"name": person.shown_name},
    )
    return redirect("organisation:person", pk=person.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A new member of staff chooses their password from the link (no sign-in needed)."""
    found = actions.find_staff_invitation(token)
    if found is None:
        return render(request, "organisation/invitation_invalid.html", status=404)
    form = NhsSetPasswordForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.accept_staff_invitation(
                invitation=found, form=form, by_email=actions.came_by_email(found, token)
            )
        except actions.LinkUsed:
            return render(request, "organisation/invitation_invalid.html", status=410)
        messages.success(request, _("Your password is saved. Sign in with your username and it."))
        return redirect("accounts:login")
    return render(request, "accounts/set_password.html", {"form": form})


# --- supervisors and reviewers -----------------------------------------------------------------


@login_required
@require_GET
def relationships(request: HttpRequest) -> HttpResponse:
    """Every relationship of the organisation with its supervisor and number of reviewers."""
    organisation = administered_organisation(request.user, "assignments")
    rows = (
        Relationship.objects.filter(organisation=organisation)
        .select_related("supervisor")
        .annotate(reviewer_count=Count("reviewers"))
        .order_by("title", "pk")
    )
    return render(
        request,
        "organisation/relationships.html",
        {"organisation": organisation, **_page(request, rows)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the relationship's supervisor and independent reviewers."""
    relationship = relationship_to_assign(request.user, pk)
    organisation = relationship.organisation
    initial = {
        "revision": relationship.revision,
        "supervisor": relationship.supervisor_id,
        "reviewers": list(relationship.reviewers.values_list("pk", flat=True)),
    }
    form = AssignForm(request.POST or None, initial=initial, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.assign(
                relationship=relationship,
                by=request.user,
                supervisor=form.cleaned_data["supervisor"],
                reviewers=form.cleaned_data["reviewers"],
                expected_revision=form.cleaned_data["revision"],
            )
        except StaleEdit:
            messages.error(request, actions.STALE)
            return redirect("organisation:assign", pk=relationship.pk)
        messages.success(
            request,
            _("Who supervises and reviews “%(title)s” is saved.") % {"title": relationship.title},
        )
        return redirect("organisation:relationships")
    return render(request, "organisation/assign.html", {"form": form, "relationship": relationship})


# --- settings ----------------------------------------------------------------------------------


@login_required
@require_GET
def settings_home(request: HttpRequest) -> HttpResponse:
    organisation = administered_organisation(request.user, "settings")
    return render(request, "organisation/settings.html", {"organisation": organisation})


def _settings_form(
    request: HttpRequest,
    organisation: Organisation,
    form: Any,
    save: Any,
    template: str,
    done: StrOrPromise,
) -> HttpResponse:
    """Show a settings form; on POST save it, or show what is wrong (a stale form: the latest
    settings, with a message)."""
    if request.method == "POST" and form.is_valid():
        try:
            changed = save(form)
        except actions.Stale:
            messages.error(request, actions.STALE)
            return redirect(request.path)
        except actions.Refused as refused:
            form.add_error(refused.field, refused.message)
        except PolicyError as error:
            form.refused(error)
        except OutcomesError as error:
            for line in str(error).splitlines():
                form.add_error("instruments", line)
        else:
            messages.success(request, done if changed else _("Nothing was changed."))
            return redirect("organisation:settings")
    return render(request, template, {"form": form, "organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    organisation = administered_organisation(request.user, "policy")
    form = PolicyForm(
        request.POST or None, organisation=organisation, initial={"revision": organisation.revision}
    )

    def save(form: PolicyForm) -> bool:
        return actions.save_policy(
            organisation=organisation,
            by=request.user,
            values=form.values(),
            expected=form.cleaned_data["revision"],
        )

    done = _("The policy is saved. Every relationship is being assessed again by it.")
    return _settings_form(request, organisation, form, save, "organisation/policy.html", done)


@login_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    organisation = administered_organisation(request.user, "crisis lines and report name")
    initial = {
        "revision": organisation.revision,
        "crisis_text": organisation.crisis_text,
        "report_name": organisation.report_name,
    }
    form = DetailsForm(request.POST or None, initial=initial)

    def save(form: DetailsForm) -> bool:
        data = form.cleaned_data
        return actions.save_details(
            organisation=organisation,
            by=request.user,
            crisis_text=data["crisis_text"],
            report_name=data["report_name"],
            expected=data["revision"],
        )

    done = _("Your crisis lines and report name are saved.")
    return _settings_form(request, organisation, form, save, "organisation/details.html", done)


@login_required
@require_http_methods(["GET", "POST"])
def instruments(request: HttpRequest) -> HttpResponse:
    organisation = administered_organisation(request.user, "instruments")
    text = actions.instruments_text(organisation)
    initial = {"revision": organisation.revision, "instruments": text}
    form = InstrumentsForm(request.POST or None, initial=initial)

    def save(form: InstrumentsForm) -> bool:
        return actions.save_instruments(
            organisation=organisation,
            by=request.user,
            text=form.cleaned_data["instruments"],
            expected=form.cleaned_data["revision"],
        )

    done = _("Your organisation's instruments are saved.")
    return _settings_form(request, organisation, form, save, "organisation/instruments.html", done)
