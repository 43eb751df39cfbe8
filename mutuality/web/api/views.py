"""The API's pages for people: one's own tokens (/accounts/tokens/) and the API's
documentation (/api/v1/docs), written from the OpenAPI document on the server."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import CharField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.accounts.reauthentication import full_reauthentication_required
from mutuality.web.api.endpoints import api
from mutuality.web.api.models import ApiToken
from mutuality.web.api.tokens import DEFAULT_DAYS, make_token, own_tokens, revoke
from mutuality.web.audit.models import AuditEvent
from mutuality.web.forms_flow import Confirm, FormFlow, Result, handle

LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))]


class TokenForm(NhsFormMixin, forms.Form):
    name = forms.CharField(
        label=_("What will you call this token?"),
        help_text=_("For example, the system that will use it. Only you see this."),
        max_length=100,
        strip=True,
        error_messages={
            "required": _("Enter a name for the token"),
            "max_length": _("The name must be %(limit_value)d characters or fewer"),
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    days = forms.TypedChoiceField(
        label=_("How long will it work?"),
        choices=LIFETIMES,
        coerce=int,
        initial=DEFAULT_DAYS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how long the token will work")},
    )


def _last_used() -> Subquery:
    """When each token was last used: its newest `api` row in the audit trail (a token's use
    writes nothing else, so reading this page writes nothing)."""
    uses = AuditEvent.objects.filter(
        object_type=ApiToken._meta.label,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        action="api",
    )
    return Subquery(uses.order_by().values("object_id").annotate(last=Max("at")).values("last"))


def listed_tokens(user: Any) -> QuerySet[ApiToken]:
    return own_tokens(user).annotate(last_used=_last_used())


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@full_reauthentication_required(allow_get=True)
def tokens_page(request: HttpRequest) -> HttpResponse:
    """A person's own API tokens: make one (shown once), see when each was last used, revoke."""
    user: Any = request.user

    def show(form: TokenForm, made: str | None = None) -> HttpResponse:
        context = {
            "form": form,
            "tokens": listed_tokens(user),
            "made": made,
            "now": timezone.now(),
        }
        return render(request, "api/tokens.html", context)

    def act(form: TokenForm) -> Result:
        _, secret = make_token(
            user, name=form.cleaned_data["name"], days=form.cleaned_data["days"], by=user
        )
        messages.success(request, gettext("Your token is made. Copy it now: it is shown once."))
        return Result.saved_showing(show(TokenForm(), made=secret))

    def make_form(data: QueryDict | None) -> TokenForm:
        return TokenForm(data)

    return handle(
        request,
        FormFlow(
            form=make_form,
            act=act,
            show=show,
            then=reverse("api-tokens"),
            page="api-tokens",
            organisation_id=user.organisation_id,
        ),
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop one of one's own tokens working, at once."""
    token = own_tokens(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token")

    def act(form: Confirm) -> Result:
        revoke(token, by=request.user)
        return Result.saved(
            gettext("The token %(name)s is revoked. It no longer works.") % {"name": token.name}
        )

    return handle(
        request,
        FormFlow(
            form=lambda data: Confirm(data),
            act=act,
            show=None,
            then=reverse("api-tokens"),
            page="api-token-revoke",
            organisation_id=getattr(request.user, "organisation_id", None),
        ),
    )


METHODS = ("get", "post", "put", "patch", "delete")


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of the document, in its order, with what the page shows of it."""
    found = []
    for route, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            found.append(
                {
                    "method": method.upper(),
                    "path": route,
                    "summary": _translated(operation.get("summary", "")),
                    "description": _translated(operation.get("description", "")),
                    "parameters": [
                        {**parameter, "description": _translated(parameter.get("description", ""))}
                        for parameter in operation.get("parameters", [])
                    ],
                    "body": _schema_name(operation.get("requestBody")),
                    "answers": sorted(str(status) for status in operation.get("responses", {})),
                    "anchor": operation.get("operationId", f"{method}-{route}"),
                }
            )
    return found


def _translated(words: str) -> str:
    """The document's English words in the reader's language (endpoints.py marks them)."""
    return gettext(words) if words else ""


def _schema_name(body: dict[str, Any] | None) -> str | None:
    if not body:
        return None
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    reference = str(schema.get("$ref", ""))
    return reference.rsplit("/", 1)[-1] or schema.get("title") or "JSON"


def documentation(request: HttpRequest) -> HttpResponse:
    """The API, as people read it: every endpoint with what it takes and answers, from the
    OpenAPI document (/api/v1/openapi.json), which tools read."""
    document = api.get_openapi_schema()
    context = {
        "info": {**document["info"], "description": _translated(document["info"]["description"])},
        "operations": _operations(document),
        "openapi_url": reverse("api:openapi-json"),
    }
    return render(request, "api/docs.html", context)
