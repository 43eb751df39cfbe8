"""What a phone shows (issue 13, point 6): a 320 × 640 viewport, a world with what makes pages
wide, and the check that a page fits without scrolling sideways. The every-page walk
(test_every_page.py) checks each page this way as well as at a desktop's width;
test_narrow_screens.py checks the public pages and the check itself."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page

from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.models import OutcomeSeries, QuestionnaireDraft, Score
from tests.factories import World

PHONE = {"width": 320, "height": 640}
# A long word with nowhere to break, as people paste them (a link, a reference number).
LONG_LINK = "https://example.org/" + "a-very-long-path-segment-" * 6 + "end"


def with_wide_things(world: World) -> World:
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
