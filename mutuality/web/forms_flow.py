"""One way to handle a form (issue 13, point 10): every POST of the app's own pages comes here.

A view says how to make its form, what the action does with a valid one, and how to show the
page; `handle` does the rest, the same way everywhere. An action answers with a `Result`:

- SAVED: something changed. Its message is shown (a success) and the person goes on.
- UNCHANGED: the form said what was already recorded. Nothing is written (no audit row, no new
  assessment) and the page says so ("Nothing changed.").
- STALE: the form was loaded before someone else changed the thing. Nothing is saved; the page
  is shown again with the latest values (or the person's typing, where they were adding
  something) and says why.
- REFUSED: the change cannot be made as asked. Nothing is saved; the page is shown again with
  the person's typing kept and the reasons beside the fields they are about.

Actions may also raise what they raise today (`StaleEdit`, `Refused`, the framework's
`CaseError`); the flow turns those into the same results. A stale or refused change is a
security event (attempts to get round a control are logged, ASVS v5 16.3.3), with ids only;
so is a form sending a value its page did not offer (a choice not in its list).

Only this module reads `request.POST` or asks whether a request is a POST: a test
(tests/unit/web/test_one_form_flow.py) fails when a view handles a POST by hand.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutuality.framework import CaseError
from mutuality.web.relationships.actions import Refused, StaleEdit
from mutuality.web.relationships.forms.common import STALE
from mutuality.web.security_log import security_event

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOTHING_CHANGED = _("Nothing changed.")
"""What a save that changes nothing says, unless the action has better words."""


class Outcome(enum.Enum):
    """What became of a submitted form."""

    SAVED = "saved"
    UNCHANGED = "unchanged"
    STALE = "stale"
    REFUSED = "refused"


Problems = tuple[tuple[str | None, str], ...]
"""A refusal's reasons: each the field it is about (None: the form as a whole) and the words."""


@dataclass(frozen=True)
class Result:
    """An action's answer to the flow. Make one with the class methods."""

    outcome: Outcome
    message: str = ""
    problems: Problems = ()
    then: str | None = None
    page: HttpResponse | None = field(default=None, compare=False)

    @classmethod
    def saved(cls, message: StrOrPromise, *, then: str | None = None) -> Result:
        """Saved: say `message` and go on (to `then`, a URL, or the flow's next page)."""
        return cls(Outcome.SAVED, str(message), then=then)

    @classmethod
    def saved_showing(cls, page: HttpResponse) -> Result:
        """Saved, and `page` is shown at once rather than after a redirect: it carries what
        is shown only once (a single-use link), which a later page could not show again."""
        return cls(Outcome.SAVED, page=page)

    @classmethod
    def unchanged(
        cls, message: StrOrPromise = NOTHING_CHANGED, *, then: str | None = None
    ) -> Result:
        """Nothing needed to change: nothing was written."""
        return cls(Outcome.UNCHANGED, str(message), then=then)

    @classmethod
    def stale(cls, message: StrOrPromise = STALE, *, field: str | None = None) -> Result:
        """Someone else changed it after the page was loaded: nothing was saved. The reason
        goes above the form, or beside `field` on a form with no visible field."""
        said = str(message)
        return cls(Outcome.STALE, said, problems=((field, said),))

    @classmethod
    def refused(
        cls, message: StrOrPromise, *, field: str | None = None, then: str | None = None
    ) -> Result:
        """Refused for one reason, beside `field` (or above the form); or, with `then`, said
        on that page instead (the form no longer applies: the thing was closed meanwhile)."""
        said = str(message)
        return cls(Outcome.REFUSED, said, problems=((field, said),), then=then)

    @classmethod
    def refused_showing(cls, page: HttpResponse) -> Result:
        """Refused, and `page` says why in place of the form (a link already used)."""
        return cls(Outcome.REFUSED, page=page)

    @classmethod
    def refused_for(cls, problems: Problems) -> Result:
        """Refused for several reasons, each beside its field."""
        return cls(Outcome.REFUSED, problems[0][1] if problems else "", problems=problems)


class Confirm(forms.Form):
    """The form of a button with nothing to fill in ("Withdraw my consent"): always valid."""


F = TypeVar("F", bound=forms.BaseForm)


@dataclass(frozen=True)
class FormFlow(Generic[F]):
    """What a view tells the flow about its form.

    - `form(data)`: the form, bound to the submitted data, or (None) with its initial values.
    - `act(form)`: given a valid form, do the one action and say how it went.
    - `show(form)`: the page with this form on it; None for a button on another page, whose
      problems are then said as a message on the page it goes back to (`back`, else `then`).
    - `then`: the URL to go on to after SAVED or UNCHANGED (a result may name another).
    - `again(form, result)`: the form to show after STALE or REFUSED, before the reasons are
      added; by default the same form, the person's typing kept.
    - `invalid(form)`: a result for an invalid form, when its errors mean more than a field
      to correct (a missing or garbled revision is a stale page); None shows the errors.
    - `viewed()`: called when the page is only looked at (auditing an outsider's view).
    - `page` and the ids: how a stale or refused change is named in the security log.
    """

    form: Callable[[QueryDict | None], F]
    act: Callable[[F], Result]
    show: Callable[[F], HttpResponse] | None
    then: str
    page: str
    relationship_id: int | None = None
    organisation_id: int | None = None
    again: Callable[[F, Result], F] | None = None
    invalid: Callable[[F], Result | None] | None = None
    viewed: Callable[[], None] | None = None
    back: str | None = None


def handle(request: HttpRequest, flow: FormFlow[F]) -> HttpResponse:
    """Show the form, or take a submitted one through its action and answer as `Result` says."""
    if request.method != "POST":
        if flow.viewed is not None:
            flow.viewed()
        return _show(request, flow, flow.form(None))
    form = flow.form(request.POST)
    if form.is_valid():
        result: Result | None = _act(flow, form)
    else:
        _log_not_offered(request, flow, form)
        result = flow.invalid(form) if flow.invalid is not None else None
    if result is None:
        return _show(request, flow, form)
    return answer(request, flow, form, result)


def posted(request: HttpRequest) -> bool:
    """Whether the request carries a submitted form (for a page that differs once posted,
    such as one that keeps a questionnaire's draft)."""
    return request.method == "POST"


def posted_value(request: HttpRequest, name: str) -> str | None:
    """One submitted value, for a view that must know which button was pressed before its
    form is made (the form is still the flow's)."""
    return request.POST.get(name) if posted(request) else None


def _act(flow: FormFlow[F], form: F) -> Result:
    """The action's result, with what actions raise turned into results."""
    try:
        return flow.act(form)
    except StaleEdit:
        return Result.stale()
    except Refused as refused:
        return Result.refused(str(refused))
    except CaseError as error:
        return Result.refused(case_problem(error))


def answer(request: HttpRequest, flow: FormFlow[F], form: F, result: Result) -> HttpResponse:
    """Say how it went: go on after a save, or show the form again with the reasons."""
    if result.outcome in (Outcome.SAVED, Outcome.UNCHANGED):
        if result.page is not None:
            return result.page
        say = messages.success if result.outcome is Outcome.SAVED else messages.info
        if result.message:
            say(request, result.message)
        return redirect(result.then or flow.then)
    _log_refusal(request, flow, result)
    if result.page is not None:
        return result.page
    if result.then is not None:
        messages.error(request, result.message)
        return redirect(result.then)
    shown = flow.again(form, result) if flow.again is not None else form
    for where, words in result.problems:
        refuse(shown, words, field=where)
    if flow.show is None:
        messages.error(request, result.message)
        return redirect(flow.back or flow.then)
    return flow.show(shown)


def _show(request: HttpRequest, flow: FormFlow[F], form: F) -> HttpResponse:
    if flow.show is not None:
        return flow.show(form)
    # A button with no page of its own: its form's problems go back as a message.
    words = [str(e) for errors in form.errors.values() for e in errors] or [str(STALE)]
    messages.error(request, words[0])
    return redirect(flow.back or flow.then)


def refuse(form: forms.BaseForm, message: str, *, field: str | None = None) -> None:
    """Put a reason on a form, also on one that was never submitted (shown with the latest
    values after a stale page)."""
    if not hasattr(form, "cleaned_data"):  # not cleaned yet: no errors to add to
        form.full_clean()  # (a form cleaned already is not cleaned twice)
    if not hasattr(form, "cleaned_data"):  # an unbound form is never cleaned
        form.cleaned_data = {}
    if field is not None and field not in form.fields:
        field = None
    form.add_error(field, message)


def _log_refusal(request: HttpRequest, flow: FormFlow[Any], result: Result) -> None:
    """A change that was not saved (from a stale page, or refused whole) is a security event,
    with ids and never content."""
    event, message = {
        Outcome.STALE: ("stale_edit", "A change from an out-of-date page was refused"),
        Outcome.REFUSED: ("change_refused", "A change was refused"),
    }[result.outcome]
    security_event(
        event,
        message,
        user=request.user,
        level=logging.WARNING,
        page=flow.page,
        relationship_id=flow.relationship_id,
        organisation_id=flow.organisation_id,
    )


_NOT_OFFERED = frozenset({"invalid_choice", "invalid_pk_value", "invalid_list"})
"""Django's codes for a value that is not among a field's choices: the page's own radios,
boxes and lists cannot send one, so only a request made outside the page (or a page older
than its list) does."""


def _log_not_offered(request: HttpRequest, flow: FormFlow[Any], form: forms.BaseForm) -> None:
    """A value the page did not offer is an attempt to get round the form (ASVS v5 16.3.3):
    a security event with the page and ids, never the value. A mistake a person can make on
    the page (a missing answer, a bad date) is not one."""
    codes = {error.code for errors in form.errors.as_data().values() for error in errors}
    if codes & _NOT_OFFERED:
        security_event(
            "input_refused",
            "A value the page did not offer was refused",
            user=request.user,
            level=logging.WARNING,
            page=flow.page,
            relationship_id=flow.relationship_id,
            organisation_id=flow.organisation_id,
        )


def case_problem(error: CaseError) -> str:
    """A change the framework refused, in words the person can act on."""
    where = "; ".join(f"{p.path}: {p.message}" for p in error.problems[:3])
    return gettext(
        "This change was not saved, because the relationship's details would no longer fit "
        "together (%(problems)s). Ask the professional to check the relationship's details."
    ) % {"problems": where}


def saved_or_unchanged(
    changed: object, message: StrOrPromise, *, then: str | None = None
) -> Result:
    """SAVED with `message` when the action changed something (it returned something true),
    else UNCHANGED: for actions that return whether, or what, they changed."""
    if changed:
        return Result.saved(message, then=then)
    return Result.unchanged(then=then)
