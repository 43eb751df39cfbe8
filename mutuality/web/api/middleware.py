"""Every request made with a token is recorded in the audit trail (ADR 0018), as a view by
someone outside a relationship is: which token, the method, the route (the URL's pattern, never
what was typed into it) and the answer's status."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from mutuality.web.api.auth import token_of
from mutuality.web.audit.actions import record


class ApiAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        token = token_of(request)
        if token is not None:
            match = request.resolver_match
            reached = match.kwargs.get("relationship_id", "") if match else ""
            # Only a relationship the person reached: a refused id may not exist.
            relationship_id = (
                int(reached) if reached.isdigit() and response.status_code < 400 else None
            )
            record(
                user=token.user,
                action="api",
                obj=token,
                relationship_id=relationship_id,
                organisation_id=token.user.organisation_id,
                method=request.method,
                route=match.route if match else None,
                answered=response.status_code,
            )
        return response
