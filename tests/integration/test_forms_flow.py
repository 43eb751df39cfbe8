"""The one form flow (`mutuality.web.forms_flow`): each of an action's four results, and what
actions raise, answered the same way for every page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from mutuality.framework import CaseError, Problem
from mutuality.web import forms_flow
from mutuality.web.accounts.models import Organisation
from mutuality.web.audit.models import AuditEvent
from mutuality.web.forms_flow import FormFlow, Outcome, Result, handle
from mutuality.web.relationships.actions import Refused, StaleEdit
from mutuality.web.relationships.forms import common
from mutuality.web.relationships.models import AssessmentRecord, Relationship
from tests.factories import World
from tests.integration.logs import captured_logs

STALE = str(common.STALE)  # the English words (marked lazily, so a page says them in its language)
NOTHING_CHANGED = str(forms_flow.NOTHING_CHANGED)


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)


class Page:
    """One form page: what it was shown with, and the flow that runs it."""

    def __init__(self, act: Callable[[NameForm], Result]) -> None:
        self.shown: list[NameForm] = []
        self.acted = 0

        def counted(form: NameForm) -> Result:
            self.acted += 1
            return act(form)

        self.flow = FormFlow(
            form=lambda data: NameForm(data, initial={"name": "as recorded"}),
            act=counted,
            show=self._show,
            then="/done/",
            page="test page",
            relationship_id=7,
        )

    def _show(self, form: NameForm) -> HttpResponse:
        self.shown.append(form)
        return HttpResponse("the page")


def _request(method: str = "post", **data: str) -> HttpRequest:
    request = getattr(RequestFactory(), method)("/page/", data)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # what MessageMiddleware attaches
    return request


def _raises(error: Exception) -> Callable[[NameForm], Result]:
    """An action that raises what actions raise today."""

    def act(form: NameForm) -> Result:
        raise error

    return act


def _said(request: HttpRequest) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(request)]


def test_a_page_only_looked_at_shows_the_form_with_what_is_recorded() -> None:
    """A GET shows the form unbound, with its initial values, and acts on nothing."""
    page = Page(lambda form: Result.saved("never"))

    response = handle(_request("get"), page.flow)

    assert response.status_code == 200
    assert page.acted == 0
    assert not page.shown[0].is_bound


def test_saved_says_so_and_goes_on() -> None:
    """SAVED shows its message as a success and redirects to the next page."""
    page = Page(lambda form: Result.saved(f"Saved {form.cleaned_data['name']}."))
    request = _request(name="Priya")

    response = handle(request, page.flow)

    assert (response.status_code, response["Location"]) == (302, "/done/")
    assert _said(request) == [("success", "Saved Priya.")]


def test_unchanged_says_nothing_changed_and_goes_on() -> None:
    """UNCHANGED says "Nothing changed." (as news, not success) and redirects."""
    page = Page(lambda form: Result.unchanged())
    request = _request(name="as recorded")

    response = handle(request, page.flow)

    assert response.status_code == 302
    assert _said(request) == [("info", NOTHING_CHANGED)]


@pytest.mark.parametrize(
    ("act", "event", "words"),
    [
        (lambda form: Result.stale(), "stale_edit", STALE),
        (_raises(StaleEdit("old page")), "stale_edit", STALE),
        (lambda form: Result.refused("Not like that."), "change_refused", "Not like that."),
        (_raises(Refused("Not now.")), "change_refused", "Not now."),
        (
            _raises(CaseError("case", [Problem("consent", "got 'x'")])),
            "change_refused",
            "consent: got 'x'",
        ),
    ],
)
@pytest.mark.asvs("16.3.3")
def test_stale_or_refused_keeps_the_typing_says_why_and_is_logged(
    act: Callable[[NameForm], Result], event: str, words: str
) -> None:
    """STALE and REFUSED (returned, or raised as StaleEdit, Refused or CaseError) save nothing:
    the form comes back with the person's typing and the reason, and a security event is
    logged with the page and ids only."""
    page = Page(act)

    with captured_logs() as logs:
        response = handle(_request(name="Priya typed this"), page.flow)

    shown = page.shown[0]
    assert response.status_code == 200
    assert shown["name"].value() == "Priya typed this"
    assert words in " ".join(shown.non_field_errors())
    [logged] = logs.events(event)
    assert (logged["page"], logged["relationship_id"]) == ("test page", 7)
    assert "Priya" not in logs.text


def test_a_refusal_goes_beside_its_field() -> None:
    """A refusal naming a field is shown beside that field."""
    page = Page(lambda form: Result.refused("That name is taken.", field="name"))

    handle(_request(name="Priya"), page.flow)

    assert page.shown[0].errors["name"] == ["That name is taken."]


def test_an_invalid_form_is_shown_again_without_acting() -> None:
    """A form with errors is shown with them; the action never runs and nothing is logged."""
    page = Page(lambda form: Result.saved("never"))

    with captured_logs() as logs:
        handle(_request(name="x" * 21), page.flow)

    assert page.acted == 0
    assert page.shown[0].errors["name"]
    assert logs.events("change_refused") == []


def test_after_a_stale_page_the_form_can_show_the_latest_values() -> None:
    """A flow's `again` replaces the person's typing with what is recorded now (settings)."""
    page = Page(lambda form: Result.stale())
    flow = FormFlow(
        form=page.flow.form,
        act=page.flow.act,
        show=page.flow.show,
        then="/done/",
        page="test page",
        again=lambda form, result: NameForm(initial={"name": "latest"}),
    )

    handle(_request(name="Priya"), flow)

    shown = page.shown[0]
    assert shown["name"].value() == "latest"
    assert shown.non_field_errors() == [STALE]


def test_a_button_with_no_page_says_its_refusal_where_it_goes_back() -> None:
    """A button's flow (no page of its own) says a refusal as an error message and redirects."""
    flow = FormFlow(
        form=NameForm,
        act=lambda form: Result.refused("Not now."),
        show=None,
        then="/person/",
        page="test page",
    )
    request = _request(name="Priya")

    response = handle(request, flow)

    assert (response.status_code, response["Location"]) == (302, "/person/")
    assert _said(request) == [("error", "Not now.")]


def test_each_result_says_which_of_the_four_it_is() -> None:
    """The four results are the four outcomes, and a refusal carries its reasons."""
    results = [Result.saved("s"), Result.unchanged(), Result.stale(), Result.refused("r")]

    outcomes = [result.outcome for result in results]

    assert outcomes == [Outcome.SAVED, Outcome.UNCHANGED, Outcome.STALE, Outcome.REFUSED]
    assert results[3].problems == ((None, "r"),)


# --- UNCHANGED through real pages: nothing written, and the page says so ----------------------


def _counts(world: World) -> tuple[int, int, int]:
    """Audit rows, stored assessments and the relationship's revision."""
    relationship = Relationship.objects.get(pk=world.relationship.pk)
    return (
        AuditEvent.objects.exclude(action="view").count(),
        AssessmentRecord.objects.filter(relationship=relationship).count(),
        relationship.revision,
    )


def test_a_details_page_saved_as_it_was_writes_nothing(world: World) -> None:
    """The name and setting sent back as recorded: "Nothing changed.", no audit row, no new
    assessment, the same revision."""
    relationship = world.relationship
    before = _counts(world)
    data = {
        "revision": before[2],
        "title": relationship.title,
        "setting": relationship.setting,
    }

    response = world.client("professional").post(
        f"/relationships/{relationship.pk}/about/", data, follow=True
    )

    assert NOTHING_CHANGED in response.content.decode()
    assert _counts(world) == before


def test_an_unchanged_form_from_an_old_page_is_still_refused(world: World) -> None:
    """Saying nothing new from a stale page is refused as stale, not passed as unchanged."""
    relationship = world.relationship
    data = {"revision": relationship.revision - 1, "title": relationship.title}

    response = world.client("professional").post(
        f"/relationships/{relationship.pk}/about/", {**data, "setting": relationship.setting}
    )

    assert response.status_code == 200
    assert STALE in response.content.decode()


def test_organisation_settings_saved_as_they_were_write_nothing(world: World) -> None:
    """The crisis lines and report name sent back as recorded: "Nothing changed." and no audit
    row."""
    organisation = Organisation.objects.get(pk=world.relationship.organisation_id)
    audited = AuditEvent.objects.count()
    data = {
        "revision": organisation.revision,
        "crisis_text": organisation.crisis_text,
        "report_name": organisation.report_name,
    }

    response = world.client("admin").post(
        "/organisation/settings/crisis-lines-and-report-name/", data, follow=True
    )

    assert NOTHING_CHANGED in response.content.decode()
    assert AuditEvent.objects.count() == audited
