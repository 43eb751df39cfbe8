"""Safety signals: where to get help now, and recording what was done about a flag.

A questionnaire answer that suggests thoughts of self-harm is never just stored (issue 5):
whoever filled it in is shown where to get help now, and the professional and supervisor see a
flag at the top of their dashboards until one of them records what was done.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from mutuality.web.access import may_act_on_safety, relationship_for
from mutuality.web.forms_flow import FormFlow, Result, handle
from mutuality.web.relationships.actions.outcomes import AlreadyResolved, resolve_flag
from mutuality.web.relationships.forms.safety import SafetyActionForm
from mutuality.web.relationships.views.common import audit_view


@login_required
@require_GET
def help_now(request: HttpRequest, pk: int) -> HttpResponse:
    """Where to get help now: shown after an answer about thoughts of self-harm."""
    relationship = relationship_for(request.user, pk)
    audit_view(request, relationship, "help-now")
    return render(request, "relationships/safety/help_now.html", {"relationship": relationship})


ALREADY_RECORDED = _(
    "Someone else recorded what was done while you had this page open, so what you typed "
    "was not saved. Their record is below."
)


@login_required
@require_http_methods(["GET", "POST"])
def act_on_flag(request: HttpRequest, pk: int, flag_pk: int) -> HttpResponse:
    """The professional or supervisor records what was done about a safety flag."""
    relationship = relationship_for(request.user, pk)
    if not may_act_on_safety(request.user, relationship):
        raise PermissionDenied(_("Only the professional and the supervisor act on safety flags"))
    flag = get_object_or_404(relationship.safety_flags.select_related("about__user"), pk=flag_pk)

    def act(form: SafetyActionForm) -> Result:
        try:
            if flag.resolved_at is not None:  # the page showed it closed already
                raise AlreadyResolved
            resolve_flag(flag=flag, by=request.user, action_taken=form.cleaned_data["action_taken"])
        except AlreadyResolved:
            flag.refresh_from_db()
            return Result.stale(ALREADY_RECORDED)
        return Result.saved(_("What was done is recorded. The flag is closed."))

    def show(form: SafetyActionForm) -> HttpResponse:
        context = {"relationship": relationship, "flag": flag, "form": form}
        return render(request, "relationships/safety/act.html", context)

    return handle(
        request,
        FormFlow(
            form=SafetyActionForm,
            act=act,
            show=show,
            then=reverse("relationships:detail", kwargs={"pk": pk}),
            page="safety-flag",
            relationship_id=pk,
            viewed=lambda: audit_view(request, relationship, "safety-flag"),
        ),
    )


urlpatterns = [
    path("<int:pk>/help-now/", help_now, name="help-now"),
    path("<int:pk>/safety/<int:flag_pk>/", act_on_flag, name="safety-flag"),
]
