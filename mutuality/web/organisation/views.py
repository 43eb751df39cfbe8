"""An organisation's own pages, for its admins (404 for everyone else: access.py): its people,
who supervises and reviews each relationship, and its settings. Lists are read a page at a
time, in the same queries however long they are; every change goes through `actions`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutuality.framework import PolicyError
from mutuality.outcomes import OutcomesError
from mutuality.web.access import administered_organisation, relationship_to_assign, staff_member_for
from mutuality.web.accounts.forms import NhsSetPasswordForm
from mutuality.web.accounts.models import ERASED_NAME, Organisation, said_name
from mutuality.web.forms_flow import (
    Confirm,
    FormFlow,
    Outcome,
    Result,
    handle,
    saved_or_unchanged,
)
from mutuality.web.organisation import actions, erasure
from mutuality.web.organisation.forms import (
    ActiveForm,
    AssignForm,
    DetailsForm,
    EraseForm,
    ExchangeForm,
    InstrumentsForm,
    InviteStaffForm,
    PolicyForm,
    RetentionForm,
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

    def act(form: InviteStaffForm) -> Result:
        person, invitation, link = actions.invite_staff(
            organisation=organisation,
            by=request.user,
            link=lambda token: request.build_absolute_uri(
                reverse("organisation:invitation", args=[token])
            ),
            **form.cleaned_data,
        )
        # The link is shown once, here: it is not kept anywhere a later page could read it.
        context = {"person": person, "invitation": invitation, "link": link}
        return Result.saved_showing(render(request, "organisation/invite_sent.html", context))

    def show(form: InviteStaffForm) -> HttpResponse:
        context = {"form": form, "days": settings.INVITATION_DAYS}
        return render(request, "organisation/invite.html", context)

    return handle(
        request,
        FormFlow(
            form=InviteStaffForm,
            act=_refusals(act),
            show=show,
            then=reverse("organisation:people"),
            page="invite staff",
            organisation_id=organisation.pk,
        ),
    )


F = TypeVar("F", bound=forms.BaseForm)


def _refusals(act: Callable[[F], Result]) -> Callable[[F], Result]:
    """The organisation's actions' refusals as the flow's results."""

    def acting(form: F) -> Result:
        try:
            return act(form)
        except actions.Stale:
            return Result.stale(actions.STALE)
        except actions.Refused as refused:
            return Result.refused(refused.message, field=refused.field)
        except PolicyError as error:
            problems = form.problems(error) if isinstance(form, PolicyForm) else ()
            return Result.refused_for(problems or ((None, str(error)),))
        except OutcomesError as error:
            return Result.refused_for(
                tuple(("instruments", line) for line in str(error).splitlines())
            )

    return acting


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


def _on_person(
    request: HttpRequest,
    person: Any,
    form: Callable[[QueryDict | None], F],
    act: Callable[[F], Result],
    *,
    show: Callable[[F], HttpResponse] | None = None,
    again: Callable[[F, Result], F] | None = None,
) -> HttpResponse:
    """A button on one person's page, through the form flow; back to their page after."""
    organisation_id = getattr(request.user, "organisation_id", None)
    return handle(
        request,
        FormFlow(
            form=form,
            act=_refusals(act),
            show=show,
            then=reverse("organisation:person", kwargs={"pk": person.pk}),
            page="organisation person",
            organisation_id=organisation_id,
            again=again,
        ),
    )


@login_required
@require_POST
def change_role(request: HttpRequest, pk: int) -> HttpResponse:
    person = staff_member_for(request.user, pk)

    def act(form: RoleForm) -> Result:
        actions.change_role(
            person=person,
            role=form.cleaned_data["role"],
            was=form.cleaned_data["was"],
            by=request.user,
        )
        return Result.saved(_("%(name)s's role is saved.") % {"name": person.shown_name})

    def again(form: RoleForm, result: Result) -> RoleForm:
        if result.outcome is Outcome.STALE:  # the role as it is now
            person.refresh_from_db()
            return RoleForm(initial={"role": person.role, "was": person.role})
        return form

    def show(form: RoleForm) -> HttpResponse:
        return _person_page(request, person, form)

    return _on_person(request, person, RoleForm, _refused_on_role(act), show=show, again=again)


def _refused_on_role(act: Callable[[RoleForm], Result]) -> Callable[[RoleForm], Result]:
    """A refusal about the role goes beside the role's choices."""

    def acting(form: RoleForm) -> Result:
        try:
            return act(form)
        except actions.Refused as refused:
            return Result.refused(refused.message, field="role" if refused.field else None)

    return acting


@login_required
@require_POST
def set_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = staff_member_for(request.user, pk)

    def act(form: ActiveForm) -> Result:
        active = form.cleaned_data["active"] == "yes"
        actions.set_active(person=person, active=active, by=request.user)
        done = (
            _("%(name)s's login is turned on again.")
            if active
            else _("%(name)s's login is turned off: they are signed out everywhere.")
        )
        return Result.saved(done % {"name": person.shown_name})

    return _on_person(request, person, ActiveForm, act)


@login_required
@require_POST
def reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    person = staff_member_for(request.user, pk)

    def act(form: Confirm) -> Result:
        actions.reset_second_factor(person=person, by=request.user)
        return Result.saved(
            _(
                "%(name)s's second factor is removed. They will set up a new one when they next "
                "sign in."
            )
            % {"name": person.shown_name}
        )

    return _on_person(request, person, Confirm, act)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase a person's details on their request, after saying what goes and what stays and
    asking the admin to confirm it by name (erasure.py; ADR 0017)."""
    person = staff_member_for(request.user, pk)
    name = person.shown_name

    def act(form: EraseForm) -> Result:
        try:
            done = erasure.erase(person=person, by=request.user)
        except erasure.Blocked as blocked:
            return Result.refused_for(tuple((None, reason) for reason in blocked.reasons))
        if done is None:
            return Result.unchanged(_("Their details were erased already."))
        # The message does not repeat their name: it would wait in the admin's session.
        return Result.saved(
            _(
                "Their details are erased. Their login is closed, and the records they were "
                "part of call them “%(label)s”."
            )
            % {"label": said_name(ERASED_NAME)}
        )

    def show(form: EraseForm) -> HttpResponse:
        context = {
            "person": person,
            "name": name,
            "form": form,
            "reasons": [] if person.erased else erasure.blockers(person, request.user),
            "label": said_name(ERASED_NAME),
        }
        return render(request, "organisation/erase.html", context)

    return handle(
        request,
        FormFlow(
            form=lambda data: EraseForm(data, name=name),
            act=act,
            show=show,
            then=reverse("organisation:person", kwargs={"pk": person.pk}),
            page="erase person",
            organisation_id=person.organisation_id,
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A new member of staff chooses their password from the link (no sign-in needed)."""
    found = actions.find_staff_invitation(token)
    if found is None:
        return render(request, "organisation/invitation_invalid.html", status=404)

    def act(form: NhsSetPasswordForm) -> Result:
        try:
            actions.accept_staff_invitation(
                invitation=found, form=form, by_email=actions.came_by_email(found, token)
            )
        except actions.LinkUsed:
            gone = render(request, "organisation/invitation_invalid.html", status=410)
            return Result.refused_showing(gone)
        return Result.saved(_("Your password is saved. Sign in with your username and it."))

    return handle(
        request,
        FormFlow(
            form=lambda data: NhsSetPasswordForm(found.user, data),
            act=act,
            show=lambda form: render(request, "accounts/set_password.html", {"form": form}),
            then=reverse("accounts:login"),
            page="staff invitation",
        ),
    )


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

    def make_form(data: QueryDict | None) -> AssignForm:
        initial = {
            "revision": relationship.revision,
            "supervisor": relationship.supervisor_id,
            "reviewers": list(relationship.reviewers.values_list("pk", flat=True)),
        }
        return AssignForm(data, initial=initial, organisation=organisation)

    def act(form: AssignForm) -> Result:
        actions.assign(
            relationship=relationship,
            by=request.user,
            supervisor=form.cleaned_data["supervisor"],
            reviewers=form.cleaned_data["reviewers"],
            expected_revision=form.cleaned_data["revision"],
        )
        return Result.saved(
            _("Who supervises and reviews “%(title)s” is saved.") % {"title": relationship.title}
        )

    def again(form: AssignForm, result: Result) -> AssignForm:
        relationship.refresh_from_db()  # a stale page: show who is assigned now
        return make_form(None) if result.outcome is Outcome.STALE else form

    def show(form: AssignForm) -> HttpResponse:
        context = {"form": form, "relationship": relationship}
        return render(request, "organisation/assign.html", context)

    return handle(
        request,
        FormFlow(
            form=make_form,
            act=_stale_is_stale(act),
            show=show,
            then=reverse("organisation:relationships"),
            page="assign supervisor and reviewers",
            relationship_id=relationship.pk,
            organisation_id=organisation.pk,
            again=again,
        ),
    )


def _stale_is_stale(act: Callable[[F], Result]) -> Callable[[F], Result]:
    """A relationship changed since the page was loaded, in the organisation's words."""

    def acting(form: F) -> Result:
        try:
            return act(form)
        except StaleEdit:
            return Result.stale(actions.STALE)

    return acting


# --- settings ----------------------------------------------------------------------------------


@login_required
@require_GET
def settings_home(request: HttpRequest) -> HttpResponse:
    organisation = administered_organisation(request.user, "settings")
    return render(request, "organisation/settings.html", {"organisation": organisation})


def _settings_form(
    request: HttpRequest,
    organisation: Organisation,
    form: Callable[[QueryDict | None], F],
    save: Callable[[F], bool],
    template: str,
    done: StrOrPromise,
) -> HttpResponse:
    """A settings form on the form flow: "Nothing changed." when it said what was there; a
    stale form shows the latest settings again, with a message."""

    def act(form: F) -> Result:
        return saved_or_unchanged(save(form), done)

    def again(shown: F, result: Result) -> F:
        if result.outcome is not Outcome.STALE:
            return shown
        organisation.refresh_from_db()
        return form(None)

    def show(shown: F) -> HttpResponse:
        return render(request, template, {"form": shown, "organisation": organisation})

    return handle(
        request,
        FormFlow(
            form=form,
            act=_refusals(act),
            show=show,
            then=reverse("organisation:settings"),
            page="organisation settings",
            organisation_id=organisation.pk,
            again=again,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    organisation = administered_organisation(request.user, "policy")

    def form(data: QueryDict | None) -> PolicyForm:
        initial = {"revision": organisation.revision}
        return PolicyForm(data, organisation=organisation, initial=initial)

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

    def form(data: QueryDict | None) -> DetailsForm:
        initial = {
            "revision": organisation.revision,
            "crisis_text": organisation.crisis_text,
            "report_name": organisation.report_name,
        }
        return DetailsForm(data, initial=initial)

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

    def form(data: QueryDict | None) -> InstrumentsForm:
        text = actions.instruments_text(organisation)
        return InstrumentsForm(
            data, initial={"revision": organisation.revision, "instruments": text}
        )

    def save(form: InstrumentsForm) -> bool:
        return actions.save_instruments(
            organisation=organisation,
            by=request.user,
            text=form.cleaned_data["instruments"],
            expected=form.cleaned_data["revision"],
        )

    done = _("Your organisation's instruments are saved.")
    return _settings_form(request, organisation, form, save, "organisation/instruments.html", done)


@login_required
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    organisation = administered_organisation(request.user, "retention")

    def form(data: QueryDict | None) -> RetentionForm:
        initial = {
            "revision": organisation.revision,
            "retention_years": organisation.retention_years,
        }
        return RetentionForm(data, initial=initial)

    def save(form: RetentionForm) -> bool:
        return actions.save_retention(
            organisation=organisation,
            by=request.user,
            years=form.cleaned_data["retention_years"],
            expected=form.cleaned_data["revision"],
        )

    done = _("How long you keep records is saved.")
    return _settings_form(request, organisation, form, save, "organisation/retention.html", done)


@login_required
@require_http_methods(["GET", "POST"])
def exchange(request: HttpRequest) -> HttpResponse:
    """Whether the FHIR data other systems read through the API names people."""
    organisation = administered_organisation(request.user, "exchange")

    def form(data: QueryDict | None) -> ExchangeForm:
        initial = {"revision": organisation.revision, "fhir_names": organisation.fhir_names}
        return ExchangeForm(data, initial=initial)

    def save(form: ExchangeForm) -> bool:
        return actions.save_exchange(
            organisation=organisation,
            by=request.user,
            names=form.cleaned_data["fhir_names"],
            expected=form.cleaned_data["revision"],
        )

    done = _("What other systems read is saved.")
    return _settings_form(request, organisation, form, save, "organisation/exchange.html", done)
