"""Phone first (issue 13, point 6): every page each role can reach fits a 320 px wide screen
without scrolling sideways. The pages are the ones the every-page axe test walks
(tests/integration/pages.py), opened in a 320 × 640 viewport; a page that is too wide names the
elements that stick out, so the failure says what to fix. axe checks each page at that width
too (tables stacked, charts shrunk)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.models import OutcomeSeries, QuestionnaireDraft, Score
from tests.browser.signing_in import sign_in
from tests.browser.waiting import settled
from tests.factories import PASSWORD, USERNAMES, World
from tests.integration.pages import error_pages, pages_for, public_pages, publish_transparency
from tests.integration.test_access_matrix import OWN

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
# A long word with nowhere to break, as people paste them (a link, a reference number).
LONG_LINK = "https://example.org/" + "a-very-long-path-segment-" * 6 + "end"


@pytest.fixture
def world(world: World) -> World:
    """The shared world with what makes pages wide: the co-producer's PHQ-9 scores and a goal
    (drawn as charts with their tables on the relationship, outcomes and report pages), and a
    long link in an observation's note and a goal's words; and the co-producer's GAD-7 answers
    saved for later, so their questionnaire page shows the draft and its buttons."""
    relationship = world.relationship
    recipient = relationship.participants.get(role="recipient")
    today = timezone.localdate()
    phq9 = OutcomeSeries.objects.create(relationship=relationship, of=recipient, instrument="phq9")
    for weeks, items in ((8, [2] * 9), (4, [1] * 8 + [0]), (0, [1] * 4 + [0] * 5)):
        Score.objects.create(series=phq9, date=today - timedelta(weeks=weeks), items=items)
    goal = OutcomeSeries.objects.create(
        relationship=relationship, of=recipient, instrument="gbo", goal=LONG_LINK, position=1
    )
    Score.objects.create(series=goal, date=today - timedelta(weeks=2), value=4)
    # The co-producer's answers to the GAD-7 saved for later (the page the access matrix opens).
    gad7 = OutcomeSeries.objects.create(
        relationship=relationship, of=recipient, instrument="gad7", position=2
    )
    QuestionnaireDraft.objects.create(
        series=gad7, by=world.users["co_producer"], answers={"item_1": "2", "item_2": "1"}
    )
    relationship.observations.create(
        date=today, kind="collusion", by="professional", note=f"See {LONG_LINK}"
    )
    reassess(relationship, reason="scores for the narrow-screen test")
    return world


# The innermost elements whose right edge passes the viewport's (their parents stick out only
# because of them), each as a short CSS-like path and its width, for the failure message.
_OVERFLOWING = """
(limit) => {
  const wide = [...document.body.querySelectorAll('*')].filter((el) => {
    const box = el.getBoundingClientRect();
    const inPicture = el.closest('svg') && el.tagName.toLowerCase() !== 'svg';
    return !inPicture && box.width > 1 && box.right > limit + 0.5;
  });
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].slice(0, 2).map((c) => '.' + c).join('');
  const path = (el) => {
    const parts = [];
    for (let at = el; at && at !== document.body && parts.length < 4; at = at.parentElement) {
      parts.unshift(name(at));
    }
    return parts.join(' > ');
  };
  return innermost.slice(0, 8).map((el) =>
    `${path(el)} (${Math.round(el.getBoundingClientRect().right)} px): ` +
    (el.textContent || '').trim().slice(0, 60));
}
"""


def too_wide(page: Page) -> str | None:
    """Why the page scrolls sideways on a phone, or None when it fits."""
    width = int(page.evaluate("document.documentElement.scrollWidth"))
    if width <= PHONE["width"]:
        return None
    culprits = page.evaluate(_OVERFLOWING, PHONE["width"])
    return f"{page.url} is {width} px wide; sticking out:\n  " + "\n  ".join(culprits)


def _check_all(page: Page, urls: list[str], axe: Callable[[Page], None]) -> list[str]:
    """Why each page is too wide (none when all fit); axe checks each page as a phone shows it
    (tables stacked, charts shrunk)."""
    problems = []
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        settled(page)  # htmx panels have loaded
        if problem := too_wide(page):
            problems.append(problem)
        axe(page)
    return problems


@pytest.mark.parametrize("standing", OWN)
def test_every_page_this_role_may_open_fits_a_phone(
    new_context: Callable[..., BrowserContext],
    world: World,
    standing: str,
    axe: Callable[[Page], None],
) -> None:
    """Every page this role reaches, and the error pages they may meet, are at most 320 px wide."""
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, USERNAMES[standing], PASSWORD)
    urls = [p.url for p in pages_for(world, standing) if p.html]
    urls += [url for url, _ in error_pages(world, standing)]

    problems = _check_all(page, urls, axe)

    assert not problems, "\n".join(problems)


def test_every_public_page_fits_a_phone(
    new_context: Callable[..., BrowserContext], world: World, axe: Callable[[Page], None]
) -> None:
    """The pages anyone can open signed out are at most 320 px wide."""
    publish_transparency(world)
    page = new_context(viewport=PHONE).new_page()

    problems = _check_all(page, [p.url for p in public_pages() if p.html], axe)

    assert not problems, "\n".join(problems)


def test_a_wide_page_is_reported_with_what_sticks_out(
    new_context: Callable[..., BrowserContext], world: World
) -> None:
    """The check itself can fail: a page with a 600 px block is too wide, and says which."""
    page = new_context(viewport=PHONE).new_page()
    page.goto("/accounts/login/")
    page.evaluate(
        "const block = document.createElement('div'); block.id = 'too-wide';"
        "block.style.width = '600px'; block.textContent = 'wide';"
        "document.querySelector('main').append(block);"
    )

    problem = too_wide(page)

    assert problem is not None and "div#too-wide" in problem
