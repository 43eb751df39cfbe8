"""The whole story in a real browser, through the pages alone, each person on their own login.

A professional proposes a relationship (naming its supervisor) and invites a co-producer,
who sets up their own login from the link. The professional answers the two-sided questions
first, which unlocks the co-producer's; they write the contract and both agree to it; both
record their consent; the professional starts the work and agrees how it is checked from
outside; the supervisor records supervision and raises a worry. Then, by keyboard alone, the
co-producer proposes a change to the contract, the professional reads what changed and
declines it with a reason, and the co-producer reads the reason; the co-producer asks for a
consultation about another way of helping, which the professional finds on their list of what
is due; the organisation's admin assigns an independent reviewer, who signs in and records
the review. Last, the co-producer withdraws consent. After each step the relationship page's
assessment (its recommendation, findings and history) is checked against what the engine
decides, and at the end both staff dashboards put the relationship first. Every page visited
goes through axe.

Only the organisation and the four staff logins (professional, supervisor, reviewer, admin)
are made in the database; everything after that is done by clicking, typing and pressing keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Literal

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, expect

from mutuality.framework import HEADLINES, QUESTIONS, headline, spoken_date
from mutuality.web.accounts.models import Role, User
from tests.browser import signing_in
from tests.browser.signing_in import PASSWORD
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser

TOMASZ_PASSWORD = "walking with the pushchair 42"
TITLE = "Planning the fathers' walking group together"
# A second relationship with the same professional and supervisor. Its title sorts first, so
# on a dashboard it comes before the story's relationship whenever the two are assessed alike.
OTHER = "A reading group on the ward"

# Both people give the same, untroubled answers, so no answer raises a finding of its own.
ANSWERS = {
    "decide_goals": "shared",
    "decide_methods": "shared",
    "can_decline": "yes",
    "costs_understood": "yes",
    "benefits_understood": "yes",
    "power_discussed": "yes",
    "payment_fair": "yes",
    "other_roles": "no",
    "contact_outside": "no",
    "preferences_asked": "yes",
    "vulnerabilities_shared": "yes",
    "expected_change": "some",
    "confidence": "yes",
    # Format 1.1: none of these departures from usual care.
    "shared_decisions": "no",
    "money_between_us": "no",
    "personal_sharing": "no",
    "informal_places": "no",
    "confidentiality_differs": "no",
}
# What the recommendations read as on the pages (mutuality/framework/_render.py).
SAFEGUARDS = HEADLINES["proceed_with_safeguards"]  # "Go ahead, with safeguards"
# ... except that a relationship not yet started with something still to do reads this.
NOT_READY = headline("proceed_with_safeguards", "proposed")
CONSULT = HEADLINES["consult"]  # "Stop and think again, with others"
ALTERNATIVE = HEADLINES["alternative_model"]  # "Co-production seems less suitable here"
# The contract's words about pay, as version 1 has them and as the co-producer proposes them.
PAY = "tomasz is paid the involvement rate"
PAY_PROPOSED = "tomasz is paid the involvement rate, and we talk about the payments at each review"
DECLINED_BECAUSE = "Yes to talking about it, but let us agree the words with Dr Kaur first."
CONSULTATION_ABOUT = "Would a fathers' group run by fathers suit me better?"
REVIEW_NOTE = "Met both of them: they talk about the payments openly now."
# As conftest's `page` fixture: NHS.UK frontend logs a component that failed as "SomeError: …".
_LOGGED_ERROR = re.compile(r"^\w*Error\b")


@pytest.fixture(autouse=True)
def _land_on_the_dashboard(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "relationships:dashboard"


@pytest.fixture
def staff(live_server: Any) -> dict[str, User]:
    """The professional, the supervisor, an independent reviewer (assigned to nothing yet) and
    the organisation's admin; the co-producer gets a login by invitation."""
    organisation = OrganisationFactory(slug="trust", name="Trust")
    return {
        username: UserFactory(
            username=username,
            password=PASSWORD,
            organisation=organisation,
            role=role,
            display_name=name,
        )
        for username, role, name in (
            ("priya", Role.PROFESSIONAL, "Priya Shah"),
            ("kaur", Role.SUPERVISOR, "Dr Kaur"),
            ("rhys", Role.REVIEWER, "Rhys Evans"),
            ("ada", Role.ADMIN, "Ada Okafor"),
        )
    }


# --- small helpers --------------------------------------------------------------------------


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def watch(page: Page, problems: list[str]) -> Page:
    """Collect a second browser's script and loading errors, as conftest's `page` does."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning") or _LOGGED_ERROR.match(message.text):
            problems.append(f"console {message.type}: {message.text} ({message.location})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    return page


def tab_to(page: Page, target: Locator, most: int = 150) -> None:
    """Press Tab until `target` has the focus (so it is reachable without a mouse)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {target}")


def sign_in(page: Page, username: str, axe: Callable[[Page], None]) -> None:
    """Sign in (password, then a code for staff), checking every page on the way with axe."""
    signing_in.sign_in(page, username, axe=axe)


def relationship_page(page: Page, axe: Callable[[Page], None], url: str | None = None) -> None:
    """Open (or wait for) the relationship page, once htmx has loaded its records panel."""
    if url is not None:
        page.goto(url)
    expect(h1(page)).to_have_text(TITLE)
    expect(page.locator("section#records-panel")).to_be_visible()
    axe(page)


def findings(page: Page, code: str) -> Locator:
    return page.locator(f"#maincontent li[data-code='{code}']")


def expect_assessment(page: Page, headline: str, reason: str | re.Pattern[str]) -> None:
    """The recommendation reads `headline`, and the newest history row says why and what."""
    expect(page.locator("#recommendation h2")).to_have_text(headline)
    newest = page.get_by_role("table", name="Assessment history, newest first")
    newest = newest.locator("tbody tr").first
    expect(newest.locator("td").nth(1)).to_have_text(headline)
    expect(newest.locator("td").nth(2)).to_have_text(reason)


def dashboard(page: Page, axe: Callable[[Page], None]) -> None:
    """Go to the dashboard by the service name in the header."""
    page.get_by_role("banner").get_by_role("link", name="Mutuality").click()
    expect(h1(page)).to_have_text("Your relationships")
    axe(page)


def expect_first_card(page: Page, title: str, headline: str) -> Locator:
    """The dashboard's first (most pressing) relationship is `title`, assessed `headline`."""
    first = page.locator("#maincontent .nhsuk-card").first
    expect(first.get_by_role("link")).to_have_text(title)
    expect(first).to_contain_text(f"{headline}.")
    return first


def propose(page: Page, axe: Callable[[Page], None], title: str, their_id: str) -> str:
    """From the dashboard, with the keyboard to reach the form; returns the new page's URL."""
    tab_to(page, page.get_by_role("link", name="Propose a relationship"))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text("Propose a relationship")
    axe(page)
    page.get_by_label("What will you call this relationship?").fill(title)
    page.get_by_label("Peer support").check()
    page.get_by_label("What will you decide or make together?").fill("the routes\nthe welcome")
    expect(page.get_by_label("Your name in this relationship")).to_have_value("priya")
    page.get_by_label("A name for the person you will work with").fill(their_id)
    page.get_by_label("Who supervises this work?").select_option(label="Dr Kaur")
    page.get_by_role("button", name="Propose the relationship").click()
    expect(h1(page)).to_have_text(title)
    expect(page.get_by_text("Your relationship is proposed.")).to_be_visible()
    expect(page.locator("section#records-panel")).to_be_visible()
    axe(page)
    return page.url


def answer_questions(
    page: Page, role: Literal["professional", "recipient"], axe: Callable[[Page], None]
) -> None:
    """Give ANSWERS to every question, in the wording this role is asked it."""
    for question in QUESTIONS:
        group = page.get_by_role("group", name=question.wording[role])
        group.get_by_label(question.answers[ANSWERS[question.id]], exact=True).check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Your answers are saved")
    axe(page)


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


# --- by keyboard alone ------------------------------------------------------------------------


def by_keyboard(page: Page, target: Locator) -> None:
    """Tab to a link or button and press Enter on it, as someone without a mouse does."""
    tab_to(page, target)
    page.keyboard.press("Enter")


def type_into(page: Page, field: Locator, words: str) -> None:
    """Tab to a field, select whatever it holds and type `words` over it."""
    tab_to(page, field)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(words)


def contract_page(page: Page, axe: Callable[[Page], None], version: int) -> None:
    """From the relationship page to the contract, whose current version is `version`."""
    by_keyboard(page, page.get_by_role("link", name=f"Read the contract (version {version})"))
    expect(h1(page)).to_have_text("The contract")
    axe(page)


def back_to_the_relationship(page: Page, axe: Callable[[Page], None]) -> None:
    by_keyboard(page, page.get_by_role("link", name="Go back to the relationship", exact=True))
    relationship_page(page, axe)


def propose_a_change(tomasz: Page, axe: Callable[[Page], None]) -> None:
    """The co-producer proposes version 2, which says how the payments are talked about."""
    contract_page(tomasz, axe, version=1)
    by_keyboard(tomasz, tomasz.get_by_role("link", name="Propose a change"))
    expect(h1(tomasz)).to_have_text("Propose a change to the contract")
    axe(tomasz)
    pay = tomasz.get_by_label("How are differences in pay")
    expect(pay).to_have_value(PAY)  # the proposal starts from the words of version 1
    type_into(tomasz, pay, PAY_PROPOSED)
    by_keyboard(tomasz, tomasz.get_by_role("button", name="Propose this change"))
    expect(tomasz.locator(".nhsuk-notification-banner")).to_contain_text(
        "Your proposal is saved as version 2"
    )
    axe(tomasz)
    back_to_the_relationship(tomasz, axe)


def decline_with_a_reason(page: Page, axe: Callable[[Page], None]) -> None:
    """The professional reads what version 2 changed, then declines it and says why."""
    contract_page(page, axe, version=2)
    by_keyboard(page, page.get_by_role("link", name="Read and agree to version 2"))
    expect(h1(page)).to_have_text("Agree to version 2 of the contract")
    expect(page.locator("#changes + ul")).to_have_text(
        f"Pay and other advantages changed from '{PAY}' to '{PAY_PROPOSED}'."
    )
    axe(page)
    by_keyboard(page, page.get_by_role("link", name="Decline version 2 or comment on it"))
    expect(h1(page)).to_contain_text("Decline or comment on version 2")
    expect(page.get_by_label("Decline this version, and say why")).to_be_checked()
    axe(page)
    type_into(page, page.get_by_label("Your reason or comment"), DECLINED_BECAUSE)
    by_keyboard(page, page.get_by_role("button", name="Send my answer"))
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("You declined version 2")
    expect(page.locator("#declined")).to_contain_text("Version 2 was declined")
    axe(page)
    back_to_the_relationship(page, axe)


def read_why_it_was_declined(tomasz: Page, axe: Callable[[Page], None]) -> None:
    """The co-producer finds the professional's reason on the contract page."""
    contract_page(tomasz, axe, version=2)
    said = tomasz.locator("#conversation + ol [data-kind='declined']")
    expect(said).to_contain_text("Priya Shah (professional) declined version 2")
    expect(said).to_contain_text(DECLINED_BECAUSE)
    expect(tomasz.get_by_role("link", name="Propose a change")).to_be_visible()
    back_to_the_relationship(tomasz, axe)


def ask_for_a_consultation(tomasz: Page, axe: Callable[[Page], None]) -> None:
    """The co-producer asks for a consultation about another way of helping."""
    by_keyboard(
        tomasz,
        tomasz.get_by_role("link", name="Ask for a consultation about another way of helping"),
    )
    expect(h1(tomasz)).to_contain_text("Ask for a consultation about another way of helping")
    axe(tomasz)
    about = tomasz.get_by_label("What would you like the consultation to think about?")
    type_into(tomasz, about, CONSULTATION_ABOUT)
    by_keyboard(tomasz, tomasz.get_by_role("button", name="Ask for a consultation"))
    relationship_page(tomasz, axe)
    expect(tomasz.locator(".nhsuk-notification-banner")).to_contain_text(
        "You have asked for a consultation."
    )


def find_the_request(page: Page, axe: Callable[[Page], None], asked_on: date) -> None:
    """The professional finds the request on their dashboard's list of what is due, and
    follows it to the page where a consultation is recorded."""
    by_keyboard(page, page.get_by_role("banner").get_by_role("link", name="Mutuality"))
    expect(h1(page)).to_have_text("Your relationships")
    axe(page)
    asked = page.locator("ul[data-due='consultation_requests']").get_by_role(
        "link",
        name=f"Tomasz Nowak asked on {spoken_date(asked_on)} for a consultation about "
        "another way of helping",
    )
    by_keyboard(page, asked)
    expect(h1(page)).to_contain_text("Record a consultation")
    expect(page.locator("#consultation-requests")).to_contain_text(CONSULTATION_ABOUT)
    axe(page)


def assign_the_reviewer(ada: Page, axe: Callable[[Page], None]) -> None:
    """The organisation's admin makes Rhys Evans the relationship's independent reviewer."""
    sign_in(ada, "ada", axe)
    by_keyboard(ada, ada.get_by_role("link", name="Your organisation", exact=True))
    expect(h1(ada)).to_contain_text("Your organisation")
    axe(ada)
    by_keyboard(ada, ada.get_by_role("link", name="Supervisors and reviewers"))
    expect(h1(ada)).to_contain_text("Supervisors and reviewers")
    axe(ada)
    by_keyboard(ada, ada.get_by_role("link", name=f"Change who supervises and reviews {TITLE}"))
    expect(h1(ada)).to_contain_text("Who supervises and reviews it")
    axe(ada)
    rhys = ada.get_by_label("Rhys Evans")
    tab_to(ada, rhys)
    ada.keyboard.press("Space")
    expect(rhys).to_be_checked()
    by_keyboard(ada, ada.get_by_role("button", name="Save", exact=True))
    row = ada.locator("#assignments tbody tr", has_text=TITLE)
    expect(row.locator("td").nth(1)).to_have_text("Dr Kaur")
    expect(row.locator("td").nth(2)).to_have_text("1")
    axe(ada)


def record_the_review(rhys: Page, axe: Callable[[Page], None], on: date) -> None:
    """The reviewer signs in, opens the relationship and records an independent review."""
    sign_in(rhys, "rhys", axe)
    by_keyboard(rhys, expect_first_card(rhys, TITLE, CONSULT).get_by_role("link", name=TITLE))
    relationship_page(rhys, axe)
    expect_assessment(rhys, CONSULT, "Reviewers chosen by the organisation's admin")
    expect(findings(rhys, "competence.independent_review_due")).to_have_count(1)
    by_keyboard(rhys, rhys.get_by_role("link", name="Record an independent review"))
    expect(h1(rhys)).to_contain_text("Record an independent review")
    expect(
        rhys.get_by_role("group", name="When was the review?").get_by_label("Day")
    ).to_have_value(str(on.day))  # today is filled in already
    axe(rhys)
    type_into(rhys, rhys.get_by_label("What did the review find?"), REVIEW_NOTE)
    by_keyboard(rhys, rhys.get_by_role("button", name="Save the review"))
    relationship_page(rhys, axe)
    expect(rhys.locator(".nhsuk-notification-banner")).to_contain_text(
        f"The independent review on {spoken_date(on)} is recorded."
    )


# --- the story --------------------------------------------------------------------------------


def test_a_relationship_from_proposal_to_withdrawn_consent(
    page: Page,
    staff: dict[str, User],
    axe: Callable[[Page], None],
    new_context: Callable[..., BrowserContext],
) -> None:
    """Propose, invite, answer, contract, consent, start, supervise, worry, propose a change
    and decline it, ask for a consultation, review independently, withdraw."""
    problems: list[str] = []  # from the co-producer's and the supervisor's browsers
    today = timezone.localdate()

    # 1. The professional proposes two relationships, both supervised by Dr Kaur. A new
    # relationship is all advisories while it is only proposed, so it may go ahead with
    # safeguards; with equal recommendations the dashboard orders by title.
    sign_in(page, "priya", axe)
    propose(page, axe, OTHER, their_id="amara")
    dashboard(page, axe)
    detail = propose(page, axe, TITLE, their_id="tomasz")
    expect_assessment(page, NOT_READY, "Priya proposed the relationship")
    for code in ("consent_missing", "preferences_assumed"):
        expect(findings(page, f"respect.{code}")).to_have_count(2)  # one for each person
    expect(findings(page, "respect.contract_missing")).to_contain_text(
        "There is no agreed contract for this relationship yet."
    )
    expect(findings(page, "respect.affected_unidentified")).to_have_count(1)
    expect(findings(page, "responsibility.decline_unknown")).to_have_count(1)
    expect(page.locator("#people + dl")).to_contain_text("Does not have a login yet")
    dashboard(page, axe)
    expect_first_card(page, OTHER, NOT_READY)

    # ... and makes the single-use invitation link for the co-producer.
    page.get_by_role("link", name=TITLE).click()
    relationship_page(page, axe)
    page.get_by_role("link", name="Invite the person you work with to set up their login").click()
    expect(h1(page)).to_have_text("Invite the person you work with")
    axe(page)
    page.get_by_label("Their full name").fill("Tomasz Nowak")
    page.get_by_label("Their full name").press("Enter")
    expect(h1(page)).to_have_text("Send this link to Tomasz Nowak")
    expect(page.get_by_text("This is the only time you will see this link")).to_be_visible()
    axe(page)
    link = page.get_by_label("Invitation link for tomasz").input_value()
    assert re.fullmatch(r"http://[^/]+/relationships/invitation/[\w-]+/", link), link
    page.get_by_role("link", name="Go back to the relationship").click()
    relationship_page(page, axe)
    expect_assessment(page, NOT_READY, "Tomasz was invited to set up their login")

    # 2. The co-producer, in a browser of their own, opens the link and sets a password.
    tomasz = watch(new_context().new_page(), problems)
    tomasz.goto(link)
    expect(h1(tomasz)).to_have_text("Set up your login")
    expect(tomasz.get_by_label("Your name")).to_have_value("Tomasz Nowak")
    axe(tomasz)
    tomasz.get_by_label("Choose a username").fill("tomasz.n")
    tomasz.get_by_label("Choose a password").fill(TOMASZ_PASSWORD)
    tomasz.get_by_label("Type the password again").fill(TOMASZ_PASSWORD)
    tomasz.get_by_role("button", name="Save and sign in").click()
    relationship_page(tomasz, axe)
    expect(tomasz.get_by_text("Your password is saved and you are signed in.")).to_be_visible()
    expect(tomasz.get_by_role("navigation", name="Your account")).to_contain_text("Tomasz Nowak")
    expect_assessment(tomasz, NOT_READY, "Tomasz set up their login")
    expect(tomasz.locator("#people + dl")).not_to_contain_text("Does not have a login yet")
    # The link worked once and never again (a separate tab: the browser logs the 410).
    again = page.context.new_page()
    response = again.goto(link)
    assert response is not None and response.status == 410
    expect(h1(again)).to_have_text("This link does not work")
    axe(again)
    again.close()

    # 3. The co-producer's questions stay locked until the professional has answered.
    tomasz.get_by_role("link", name="Answer the questions for both of you").click()
    expect(h1(tomasz)).to_have_text("The professional answers first")
    expect(tomasz.locator("#locked")).to_contain_text("The professional has not answered yet")
    expect(tomasz.get_by_role("button", name="Save my answers")).to_have_count(0)
    axe(tomasz)

    page.get_by_role("link", name="Answer the questions for both of you").click()
    expect(h1(page)).to_have_text("Questions for both of you")
    axe(page)
    answer_questions(page, "professional", axe)
    expect(page.locator("#side-by-side")).to_contain_text("Not answered yet")
    page.get_by_role("link", name="Go back to the relationship without saving").click()
    relationship_page(page, axe)
    # Still advisories only, but the professional's answers settle two findings.
    expect_assessment(page, NOT_READY, "Priya answered the two-sided questions")
    expect(findings(page, "respect.preferences_assumed")).to_have_count(1)
    expect(findings(page, "respect.preferences_assumed")).to_contain_text("Tomasz Nowak")
    expect(findings(page, "responsibility.decline_unknown")).to_have_count(0)

    tomasz.reload()  # the same address now offers the form
    expect(h1(tomasz)).to_have_text("Questions for both of you")
    expect(tomasz.locator("#locked")).to_have_count(0)
    expect(tomasz.locator("#side-by-side")).to_have_count(0)  # not before their own answers
    axe(tomasz)
    answer_questions(tomasz, "recipient", axe)
    expect(tomasz.locator("#side-by-side")).to_contain_text("Answer from Priya Shah (professional)")
    expect(tomasz.locator("#side-by-side .nhsuk-tag")).to_have_count(0)  # "Your answers differ"
    tomasz.get_by_role("link", name="Go back to the relationship without saving").click()
    relationship_page(tomasz, axe)
    expect_assessment(tomasz, NOT_READY, "Tomasz answered the two-sided questions")
    expect(findings(tomasz, "respect.preferences_assumed")).to_have_count(0)
    expect(tomasz.locator("#maincontent")).not_to_contain_text("Where your answers differ")

    # 4. The professional writes the contract; each person then agrees to it.
    page.reload()
    relationship_page(page, axe)
    page.get_by_role("link", name="The contract (not written yet)").click()
    expect(h1(page)).to_have_text("The contract")
    axe(page)
    page.get_by_role("link", name="Write the contract").click()
    expect(h1(page)).to_have_text("Write the contract")
    axe(page)
    page.get_by_label("What this work may cost Tomasz Nowak").fill("Two hours every Saturday")
    page.get_by_label("What Tomasz Nowak may gain").fill(
        "Paid sessional work\nA group he wished for"
    )
    page.get_by_label("What this work may cost Priya Shah").fill("Weekend working")
    page.get_by_label("What Priya Shah may gain").fill("Reaching fathers we rarely see")
    page.get_by_label("Tomasz Nowak (co-producer)", exact=True).check()
    page.get_by_label("Priya Shah (professional)", exact=True).check()
    page.get_by_role("group", name="How is Tomasz Nowak paid").get_by_label(
        "A payment for this work"
    ).check()
    page.get_by_role("group", name="How is Priya Shah paid").get_by_label("A salary").check()
    page.get_by_label("How are differences in pay").fill(PAY)
    page.get_by_label("How have you talked about the power").fill("At our first meeting")
    page.get_by_label("How can either of you end this way of working?").fill(
        "Either of us can step back at any time; tomasz keeps his support."
    )
    page.get_by_label("How often will you review the contract").fill("90")
    page.get_by_role("button", name="Save the contract").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("version 1")
    axe(page)
    page.get_by_role("link", name="Read and agree to version 1").click()
    expect(h1(page)).to_have_text("Agree to version 1 of the contract")
    axe(page)
    page.get_by_role("button", name="I agree to version 1").click()
    expect(page.locator("#your-agreement")).to_contain_text("You agreed to version 1 on")
    axe(page)
    page.goto(detail)
    relationship_page(page, axe)
    # Written and agreed by one: the "no contract" finding becomes "Tomasz Nowak has not agreed".
    expect_assessment(page, NOT_READY, "Priya agreed to version 1 of the contract")
    expect(findings(page, "respect.contract_missing")).to_have_count(1)
    expect(findings(page, "respect.contract_missing")).to_contain_text(
        "Tomasz Nowak has not agreed version 1 of the contract"
    )

    tomasz.reload()
    relationship_page(tomasz, axe)
    tomasz.get_by_role("link", name=re.compile(r"Read the contract \(version 1\)")).click()
    expect(tomasz.locator("#your-agreement")).to_contain_text("You have not agreed")
    axe(tomasz)
    tomasz.get_by_role("link", name="Read and agree to version 1").click()
    expect(tomasz.get_by_text("Paid sessional work")).to_be_visible()
    axe(tomasz)
    tomasz.get_by_role("button", name="I agree to version 1").click()
    expect(tomasz.locator("#agreements")).not_to_contain_text("Not yet")
    axe(tomasz)
    tomasz.get_by_role("link", name="Go back to the relationship").click()
    relationship_page(tomasz, axe)
    expect_assessment(tomasz, NOT_READY, "Tomasz agreed to version 1 of the contract")
    expect(findings(tomasz, "respect.contract_missing")).to_have_count(0)

    # 5. Each person records their own consent: the professional with the mouse...
    page.reload()
    relationship_page(page, axe)
    page.get_by_role("link", name="Say whether you agree to working this way").click()
    expect(h1(page)).to_have_text("Do you agree to working this way?")
    axe(page)
    page.get_by_label(re.compile("^Yes, I agree, and the costs")).check()
    page.get_by_role("button", name="Save my answer").click()
    relationship_page(page, axe)
    expect_assessment(page, NOT_READY, "Priya's consent is now informed")
    expect(findings(page, "respect.consent_missing")).to_have_count(1)

    # ... and the co-producer with the keyboard alone.
    tomasz.reload()
    relationship_page(tomasz, axe)
    tab_to(tomasz, tomasz.get_by_role("link", name="Say whether you agree to working this way"))
    tomasz.keyboard.press("Enter")
    expect(h1(tomasz)).to_have_text("Do you agree to working this way?")
    axe(tomasz)
    informed = tomasz.get_by_label(re.compile("^Yes, I agree, and the costs"))
    tab_to(tomasz, informed)
    tomasz.keyboard.press("Space")
    expect(informed).to_be_checked()
    tab_to(tomasz, tomasz.get_by_role("button", name="Save my answer"))
    tomasz.keyboard.press("Enter")
    relationship_page(tomasz, axe)
    expect_assessment(tomasz, NOT_READY, "Tomasz's consent is now informed")
    expect(findings(tomasz, "respect.consent_missing")).to_have_count(0)
    row = tomasz.locator(
        "#people + dl .nhsuk-summary-list__row", has_text="Tomasz Nowak (co-producer)"
    )
    expect(row).to_contain_text("Agrees, and the costs, benefits and other options were explained")

    # The professional records that the relationship affects nobody else.
    page.reload()
    relationship_page(page, axe)
    page.get_by_role("link", name="Record who else this relationship affects").click()
    expect(h1(page)).to_have_text("Who else this relationship affects")
    axe(page)
    page.get_by_role("link", name="Record that nobody else is affected").click()
    expect(h1(page)).to_have_text("Nobody else is affected")
    axe(page)
    page.get_by_role("button", name="Confirm that nobody else is affected").click()
    relationship_page(page, axe)
    expect_assessment(page, NOT_READY, "Recorded that nobody else is affected")
    expect(findings(page, "respect.affected_unidentified")).to_have_count(0)

    # 6. The professional marks the work as started six weeks ago. Once it is running, a missing
    # supervision interval is a concern, so the recommendation becomes "stop and think again".
    # (With no interval agreed, standard scrutiny's 56 days apply: 42 days is not overdue.)
    started = today - timedelta(days=42)
    page.get_by_role("link", name="Mark the work as started").click()
    expect(h1(page)).to_contain_text("Mark the work as started")
    axe(page)
    fill_date(page, "When did the work start?", started)
    page.get_by_role("button", name="Mark as started").click()
    relationship_page(page, axe)
    expect(page.locator(".nhsuk-caption-l").first).to_have_text("Stage: active")
    expect_assessment(page, CONSULT, "Stage changed from proposed to active")
    expect(findings(page, "competence.supervision_insufficient")).to_contain_text(
        "No supervision interval is agreed; standard scrutiny needs it at least every 56 days."
    )
    expect(findings(page, "competence.supervision_overdue")).to_have_count(0)

    # The professional agrees supervision every 28 days and says the team and public know.
    # That settles the interval (and two advisories), but by a 28-day interval the 42 days
    # without any supervision are overdue: still a concern, still "stop and think again".
    page.get_by_role("link", name="Change how this relationship is checked from outside").click()
    expect(h1(page)).to_contain_text("How this relationship is checked from outside")
    axe(page)
    page.get_by_label("How often is supervision agreed, in days?").fill("28")
    page.get_by_role("group", name="Does the wider team know").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("group", name="Is this kind of work reported to the public").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("button", name="Save the settings").click()
    relationship_page(page, axe)
    expect_assessment(page, CONSULT, re.compile(r"^Scrutiny settings changed"))
    for code in ("supervision_insufficient", "team_uninformed", "no_public_reporting"):
        expect(findings(page, f"competence.{code}")).to_have_count(0)
    expect(findings(page, "competence.supervision_overdue")).to_contain_text(
        f"There has been no supervision since the work started on {started.day} {started:%B %Y}; "
        "it is due every 28 days."
    )

    # 7. The supervisor signs in: the relationship needing supervision comes first.
    kaur = watch(new_context().new_page(), problems)
    sign_in(kaur, "kaur", axe)
    expect_first_card(kaur, TITLE, CONSULT).get_by_role("link", name=TITLE).click()
    relationship_page(kaur, axe)

    # Recording supervision (with the keyboard) clears the only concern: go ahead, with
    # safeguards again, and the other relationship now leads the supervisor's dashboard.
    tab_to(kaur, kaur.get_by_role("link", name="Record a supervision session"))
    kaur.keyboard.press("Enter")
    expect(h1(kaur)).to_contain_text("Record a supervision session")
    axe(kaur)
    expect(
        kaur.get_by_role("group", name="When was the supervision?").get_by_label("Day")
    ).to_have_value(str(today.day))  # today is filled in already
    tab_to(kaur, kaur.get_by_label("Anything to note"))
    kaur.keyboard.type("Talked through the first walks and the payments")
    tab_to(kaur, kaur.get_by_role("button", name="Save the supervision session"))
    kaur.keyboard.press("Enter")
    relationship_page(kaur, axe)
    expect(kaur.locator(".nhsuk-notification-banner")).to_contain_text("is recorded")
    expect_assessment(kaur, SAFEGUARDS, f"Supervision on {today.day} {today:%B %Y} recorded")
    expect(findings(kaur, "competence.supervision_overdue")).to_have_count(0)
    expect(kaur.get_by_role("heading", name="Scrutiny: standard")).to_be_visible()
    expect(kaur.locator("section#records-panel")).to_contain_text(
        f"The last supervision was on {today.day} {today:%B %Y}."
    )
    dashboard(kaur, axe)
    expect_first_card(kaur, OTHER, NOT_READY)

    # The supervisor raises a worry about collusion: a concern, so "stop and think again".
    # An open worry of this kind also raises scrutiny to intensive, which the running work
    # does not yet meet (supervision every 14 days, an independent review): concerns too.
    kaur.get_by_role("link", name=TITLE).click()
    relationship_page(kaur, axe)
    kaur.get_by_role("link", name="Record a worry about the relationship").click()
    expect(h1(kaur)).to_contain_text("Record a worry")
    axe(kaur)
    kaur.get_by_label("Collusion").check()
    kaur.get_by_label("What have you noticed?").fill("Neither of them brings up the payments")
    kaur.get_by_role("button", name="Record the worry").click()
    relationship_page(kaur, axe)
    expect_assessment(kaur, CONSULT, "An observation of collusion raised")
    expect(findings(kaur, "competence.collusion")).to_have_count(1)
    expect(kaur.get_by_role("heading", name="Scrutiny: intensive")).to_be_visible()
    expect(findings(kaur, "competence.independent_review_due")).to_have_count(1)
    expect(findings(kaur, "competence.supervision_insufficient")).to_contain_text(
        "intensive scrutiny needs it at least every 14 days"
    )
    expect(kaur.locator("#observations")).to_contain_text("Neither of them brings up the payments")

    # 8. The co-producer proposes a change to the contract: version 2, which nobody has agreed
    # yet (a proposer agrees on their own, like anyone). Now that the work is running, a
    # version not agreed is a concern for each person who has not agreed it.
    tomasz.reload()
    relationship_page(tomasz, axe)
    propose_a_change(tomasz, axe)
    expect_assessment(
        tomasz, CONSULT, "Version 2 of the contract was written; everyone needs to agree to it"
    )
    unagreed = findings(tomasz, "respect.contract_missing")
    expect(unagreed).to_have_count(2)
    expect(unagreed.filter(has_text="You have not agreed version 2")).to_have_count(1)
    expect(unagreed.filter(has_text="Priya Shah has not agreed version 2")).to_have_count(1)

    # 9. The professional reads what changed and declines, saying why. A declined version
    # stays the latest, in the assessment too, until someone proposes another (ADR 0014).
    page.reload()
    relationship_page(page, axe)
    decline_with_a_reason(page, axe)
    expect_assessment(page, CONSULT, "Priya declined version 2 of the contract")
    expect(findings(page, "respect.contract_missing")).to_have_count(2)

    # 10. The co-producer reads why, and asks for a consultation about another way of helping.
    # A request is not part of the case, so the assessment stays as it was; the professional
    # finds it on their list of what is due.
    tomasz.reload()
    relationship_page(tomasz, axe)
    read_why_it_was_declined(tomasz, axe)
    ask_for_a_consultation(tomasz, axe)
    expect_assessment(tomasz, CONSULT, "Priya declined version 2 of the contract")
    find_the_request(page, axe, asked_on=today)

    # 11. The worry asked for an independent review. The organisation's admin assigns a
    # reviewer, who signs in and records one: that settles the review due, while the worry and
    # the declined contract keep the recommendation at "stop and think again".
    assign_the_reviewer(watch(new_context().new_page(), problems), axe)
    rhys = watch(new_context().new_page(), problems)
    record_the_review(rhys, axe, on=today)
    expect_assessment(rhys, CONSULT, f"Independent review on {spoken_date(today)} recorded")
    expect(findings(rhys, "competence.independent_review_due")).to_have_count(0)
    expect(findings(rhys, "competence.collusion")).to_have_count(1)
    by_keyboard(rhys, rhys.get_by_role("link", name="See all the records for this relationship"))
    reviews = rhys.get_by_role("table", name="Reviews, newest first").locator("tbody tr")
    expect(reviews).to_have_count(1)
    expect(reviews.locator("td")).to_have_text(
        [spoken_date(today), "Independent review", "Rhys Evans", REVIEW_NOTE]
    )
    axe(rhys)

    # 12. The co-producer withdraws consent, with the keyboard: co-production now seems less
    # suitable, the most pressing recommendation, so the relationship leads both staff
    # dashboards (where, at "go ahead, with safeguards", it came after the other one).
    tomasz.reload()
    relationship_page(tomasz, axe)
    expect(tomasz.locator("#recommendation h2")).to_have_text(CONSULT)
    tab_to(tomasz, tomasz.get_by_role("link", name="Withdraw my consent"))
    tomasz.keyboard.press("Enter")
    expect(h1(tomasz)).to_have_text("Withdraw your consent")
    axe(tomasz)
    tab_to(tomasz, tomasz.get_by_role("button", name="Withdraw my consent"))
    tomasz.keyboard.press("Enter")
    relationship_page(tomasz, axe)
    expect(tomasz.get_by_text("Your consent is withdrawn.")).to_be_visible()
    expect_assessment(tomasz, ALTERNATIVE, "Tomasz withdrew consent")
    expect(findings(tomasz, "respect.consent_refused")).to_have_count(1)
    expect(tomasz.get_by_role("link", name="Withdraw my consent")).to_have_count(0)

    for staff_page, standing in ((page, "professional"), (kaur, "supervisor")):
        dashboard(staff_page, axe)
        first = expect_first_card(staff_page, TITLE, ALTERNATIVE)
        expect(first).to_contain_text(f"You are the {standing}.")
        expect(first).to_contain_text("Tomasz Nowak has withdrawn consent")

    assert not problems, "The pages reported problems:\n" + "\n".join(problems)
