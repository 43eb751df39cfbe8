"""Access to relationships, as a matrix of every page × every standing × theirs or not."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mutuality.web.access import standing as standing_of
from mutuality.web.access import standing_in_sql, visible_relationships
from mutuality.web.audit.models import AuditEvent
from mutuality.web.organisation import urls as organisation_urls
from mutuality.web.relationships import urls as relationship_urls
from mutuality.web.relationships.models import Relationship
from tests.factories import World
from tests.integration.databases import refusal_on_sqlite_alone, theirs_and_not

STANDINGS = [
    "professional",
    "co_producer",
    "supervisor",
    "reviewer",
    "admin",
    "other_professional",
    "other_admin",
    "anonymous",
]
# Every page of a relationship × the five standings on it, as the status a GET gets:
#         professional, co-producer, supervisor, reviewer, admin.
# On a relationship that is not theirs everyone gets 404 (its existence is not revealed), and
# anyone signed out is sent to sign in. A standing that can see but not act gets 403.
MATRIX = {
    "detail": "200 200 200 200 200",
    "export": "200 200 200 403 200",
    "upload": "200 403 403 403 403",
    "withdraw-consent": "200 200 403 403 403",
    "outcomes": "200 200 200 200 200",
    "outcomes-start": "200 200 403 403 403",
    "outcomes-fill-in": "200 200 403 403 403",
    "outcomes-schedule": "200 200 403 403 403",
    "outcomes-schedule-agree": "200 200 403 403 403",
    "invite": "200 403 403 403 403",
    "consent": "200 200 403 403 403",
    "affected": "200 200 403 403 403",
    "affected-none": "200 200 403 403 403",
    "affected-change": "200 200 403 403 403",
    "questions": "200 200 403 403 403",
    "contract": "200 200 200 200 200",
    "contract-edit": "200 200 403 403 403",  # either person proposes a version
    "contract-agree": "200 200 403 403 403",
    "contract-respond": "200 200 403 403 403",
    "contract-consent": "200 200 403 403 403",
    "records": "200 200 200 200 200",
    "supervision": "403 403 200 403 403",
    "observe": "200 200 200 403 403",
    "observation-resolve": "403 403 200 403 403",
    "disclosure": "200 403 403 403 403",
    "consultation": "200 403 200 403 403",
    "consultation-request": "403 200 403 403 403",
    "review": "200 403 403 403 403",  # a contract review; an independent one is below
    "review-independent": "403 403 200 200 403",
    # Private worries (ADR 0015): the supervisor's all, a co-producer's own (none here).
    "private-worries": "403 200 200 403 403",
    "private-worry": "403 403 200 403 403",
    "private-worry-resolve": "403 403 200 403 403",
    "scrutiny": "200 403 403 403 403",
    "contrast": "200 200 403 403 403",
    "stage": "200 403 403 403 403",
    "people": "200 200 200 200 200",
    "person": "200 200 403 403 403",  # the co-producer's own; the professional's: theirs alone
    "capacity": "200 200 403 403 403",  # the co-producer's: recorded by one, a view by the other
    "about": "200 403 403 403 403",  # the work's name and setting: the professional's
    "context": "200 403 403 403 403",
    "together": "200 200 403 403 403",  # what the two decide or make together: both people's
    "approach": "200 403 403 403 403",
    "help-now": "200 200 200 200 200",
    "safety-flag": "200 403 200 403 403",
}
OWN = ["professional", "co_producer", "supervisor", "reviewer", "admin"]


def _kwargs(world: World, relationship: Relationship, name: str) -> dict[str, Any]:
    """The URL arguments of each page, with real objects of `relationship` where it needs one."""
    recipient = relationship.participants.filter(role="recipient").first()
    extra: dict[str, Any] = {
        "outcomes-fill-in": lambda: {
            "series_pk": relationship.outcome_series.get_or_create(of=recipient, instrument="gad7")[
                0
            ].pk
        },
        "outcomes-schedule-agree": lambda: {
            "schedule_pk": relationship.questionnaire_schedules.get_or_create(
                instrument="gad7", defaults={"every_weeks": 4, "set_at": timezone.now()}
            )[0].pk
        },
        "affected-change": lambda: {
            "party": relationship.affected_parties.get_or_create(name="Her sister")[0].pk
        },
        "observation-resolve": lambda: {
            "observation_pk": relationship.observations.get_or_create(
                date="2026-11-01", kind="collusion", by="someone"
            )[0].pk
        },
        "safety-flag": lambda: {
            "flag_pk": relationship.safety_flags.get_or_create(
                about=recipient, kind="self_harm_thoughts", detail="A test flag"
            )[0].pk
        },
        "person": lambda: {"person": recipient.pk},
        "capacity": lambda: {"person": recipient.pk},
        "private-worry": lambda: {"worry_pk": _private_worry(relationship).pk},
        "private-worry-resolve": lambda: {"worry_pk": _private_worry(relationship).pk},
        "review": lambda: {"kind": "contract"},
        "review-independent": lambda: {"kind": "independent"},
    }
    return {"pk": relationship.pk, **extra.get(name, dict)()}


def _private_worry(relationship: Relationship) -> Any:
    """A worry the co-producer raised privately (if it was not raised already)."""
    recipient = relationship.participants.filter(role="recipient").first()
    return relationship.private_worries.get_or_create(
        date="2026-11-01",
        kind="collusion",
        defaults={"note": "A test worry", "raised_by": recipient.user if recipient else None},
    )[0]


def _url(world: World, relationship: Relationship, name: str) -> str:
    route = "review" if name == "review-independent" else name
    return reverse(f"relationships:{route}", kwargs=_kwargs(world, relationship, name))


def _expected(page: str, standing: str, theirs: bool) -> int:
    if standing == "anonymous":
        return 302
    row = dict(zip(OWN, (int(x) for x in MATRIX[page].split()), strict=True))
    if theirs:
        return row.get(standing, 404)
    # The other relationship: its own professional and the organisation's admin see it.
    seen_as = {"other_professional": "professional", "admin": "admin"}.get(standing)
    return row[seen_as] if seen_as else 404


def test_the_matrix_has_every_page_of_a_relationship() -> None:
    """A new page cannot be added without deciding who may open it."""
    pages = {p.name for p in relationship_urls.urlpatterns if "<int:pk>" in str(p.pattern)}

    assert pages == set(MATRIX) - {"review-independent"}


@pytest.mark.parametrize(
    ("page", "standing", "theirs"), theirs_and_not(MATRIX, STANDINGS, _expected)
)
@pytest.mark.asvs("8.2.1")
@pytest.mark.asvs("8.2.2")
def test_page_access(world: World, page: str, standing: str, theirs: bool) -> None:
    """Each standing gets exactly what the matrix gives, on theirs and on another one."""
    relationship = world.relationship if theirs else world.other
    url = _url(world, relationship, page)

    response = world.client(standing).get(url)

    assert response.status_code == _expected(page, standing, theirs)
    if standing == "anonymous":
        assert "/accounts/login/" in response["Location"]
    # A page read by someone outside the relationship is audited (a download always is).
    outsider = standing not in ("professional", "co_producer", "other_professional")
    reads = AuditEvent.objects.filter(relationship_id=relationship.pk)
    if outsider and response.status_code == 200:
        assert reads.filter(action__in=("view", "export"), user=world.users[standing]).exists()
    else:
        assert not reads.filter(action="view").exists()


READ_ONLY = {"contract", "records", "help-now", "people", "private-worries"}
REFUSED = [
    (page, standing)
    for page in MATRIX
    for standing in STANDINGS
    if _expected(page, standing, theirs=True) != 200  # allowed writes: each feature's tests
]


@pytest.mark.parametrize(("page", "standing"), REFUSED)
@pytest.mark.asvs("8.2.1")
@pytest.mark.asvs("8.3.1")
@pytest.mark.same_on_every_database  # refusals: see refusal_on_sqlite_alone
def test_refused_writes_change_nothing(world: World, page: str, standing: str) -> None:
    """A POST from someone the matrix refuses is refused the same way, and writes nothing."""
    expected = _expected(page, standing, theirs=True)
    if page in READ_ONLY and standing != "anonymous":
        expected = 405  # these pages take no POST at all, from anyone
    url = _url(world, world.relationship, page)
    revision = Relationship.objects.get(pk=world.relationship.pk).revision

    response = world.client(standing).post(url, {"revision": revision})

    assert response.status_code == expected
    assert Relationship.objects.get(pk=world.relationship.pk).revision == revision
    assert not AuditEvent.objects.exclude(action="view").exists()


@pytest.mark.parametrize("standing", STANDINGS[:-1])
@pytest.mark.asvs("8.2.2")
def test_nobody_sees_a_relationship_they_are_not_part_of(world: World, standing: str) -> None:
    """The other relationship is invisible (404) to all but its professional and the admin."""
    response = world.client(standing).get(f"/relationships/{world.other.pk}/")

    visible = {"other_professional", "admin"}
    assert response.status_code == (200 if standing in visible else 404)


@pytest.mark.parametrize("standing", STANDINGS[:-1])
@pytest.mark.asvs("8.2.2")
def test_dashboard_lists_only_visible_relationships(world: World, standing: str) -> None:
    """The dashboard lists exactly the relationships the access rules let this person see."""
    response = world.client(standing).get("/relationships/")

    titles = response.content.decode().count(world.relationship.title)
    expected = {
        "professional": 1,
        "co_producer": 1,
        "supervisor": 1,
        "reviewer": 1,
        "admin": 2,
        "other_professional": 1,
        "other_admin": 0,
    }[standing]
    assert response.status_code == 200
    assert titles == expected


@pytest.mark.parametrize("standing", STANDINGS[:-1])
def test_lists_work_out_each_standing_as_the_pages_do(world: World, standing: str) -> None:
    """The standing that lists compute in SQL is `standing()` on every visible relationship."""
    user = world.users[standing]

    in_sql = dict(
        visible_relationships(user).annotate(held=standing_in_sql(user)).values_list("pk", "held")
    )

    expected = {
        r.pk: str(standing_of(user, r))
        for r in (world.relationship, world.other)
        if standing_of(user, r) is not None
    }
    assert in_sql == expected


@pytest.mark.asvs("6.3.3")  # a co-producer's relationship read by anyone outside it is audited
@pytest.mark.parametrize(
    ("standing", "audited"),
    [
        ("professional", False),
        ("co_producer", False),
        ("supervisor", True),
        ("reviewer", True),
        ("admin", True),
    ],
)
def test_views_by_non_participants_are_audited(world: World, standing: str, audited: bool) -> None:
    """A view by someone outside the relationship is recorded; participants' views are not."""
    world.client(standing).get(f"/relationships/{world.relationship.pk}/")

    views = AuditEvent.objects.filter(action="view", relationship_id=world.relationship.pk)
    assert views.exists() is audited
    if audited:
        assert views.get().user == world.users[standing]


@pytest.mark.asvs("8.2.3")
def test_downloaded_case_file_holds_a_private_worry_for_its_raiser_alone(world: World) -> None:
    """A private worry is in its raiser's download and in no one else's, not even by its kind."""
    worry = _private_worry(world.relationship)
    worry.note = "private worry 7f3a"
    worry.save()
    url = f"/relationships/{world.relationship.pk}/case.yaml"

    texts = {
        standing: world.client(standing).get(url).content.decode()
        for standing in ("professional", "co_producer", "supervisor", "admin")
    }

    assert "private worry 7f3a" in texts["co_producer"]
    assert all(
        "private worry 7f3a" not in texts[s] and "collusion" not in texts[s]
        for s in ("professional", "supervisor", "admin")
    )


# Pages about the signed-in person's own account (accounts/urls.py), the same for every
# standing: what a GET gets when signed in. Each shows and changes only that person's own (the
# feature's tests show it: test_sessions.py, test_message_events.py); signed out, everyone is sent to sign in.
ACCOUNT_PAGES = {
    "accounts:account": 200,
    "accounts:sessions": 200,
    "accounts:session-status": 200,
    "accounts:session-stay": 405,  # POST only: 204
    "accounts:messages": 200,
    "accounts:language": 200,
    "accounts:email": 200,
    "accounts:email-confirm": 405,  # POST only: a link is mailed, then back to /accounts/
    "accounts:details": 200,  # correcting one's own name (test_own_details.py)
    "accounts:record": 200,  # one's own record (test_personal_record.py): it takes no id
    "accounts:record-pdf": 200,
    "accounts:record-json": 200,
}
SIGNING_IN_AND_OUT = {"accounts:login", "accounts:logout"}


def test_the_matrix_has_every_page_of_ones_own_account() -> None:
    """A new page of one's own account cannot be added without a row here."""
    from mutuality.web.accounts import urls as account_urls

    pages = {f"accounts:{page.name}" for page in account_urls.urlpatterns}

    assert pages - SIGNING_IN_AND_OUT == set(ACCOUNT_PAGES)


@pytest.mark.parametrize(
    ("name", "standing"),
    [
        pytest.param(
            name,
            standing,
            id=f"{standing}-{name}",
            marks=refusal_on_sqlite_alone(302 if standing == "anonymous" else status),
        )
        for standing in STANDINGS
        for name, status in ACCOUNT_PAGES.items()
    ],
)
def test_own_account_page_access(world: World, name: str, standing: str) -> None:
    """Every standing gets its own account's pages; signed out, the sign-in page."""
    response = world.client(standing).get(reverse(name))

    if standing == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == ACCOUNT_PAGES[name]


@pytest.mark.parametrize("standing", STANDINGS)
def test_stay_signed_in_is_for_anyone_signed_in(world: World, standing: str) -> None:
    """Its POST answers 204 to every standing signed in; signed out, the sign-in page."""
    response = world.client(standing).post(reverse("accounts:session-stay"))

    assert response.status_code == (302 if standing == "anonymous" else 204)


# The organisation's own pages (mutuality/web/organisation): its admins' alone. Everyone else is
# told they do not exist (404); an admin of another organisation sees their own organisation's
# pages, and 404 for a person or relationship of this one. Each entry: the URL's arguments
# (a person's or a relationship's id) and whether the page takes a GET (else only POST).
ORGANISATION_PAGES: dict[str, tuple[str | None, bool]] = {
    "home": (None, True),
    "people": (None, True),
    "invite": (None, True),
    "person": ("person", True),
    "role": ("person", False),
    "active": ("person", False),
    "second-factor": ("person", False),
    "erase": ("person", True),
    # A person's record for a subject access request (test_subject_access.py).
    "record": ("person", True),
    "record-pdf": ("person", True),
    "record-json": ("person", True),
    "relationships": (None, True),
    "assign": ("relationship", True),
    "settings": (None, True),
    "policy": (None, True),
    "details": (None, True),
    "instruments": (None, True),
    "retention": (None, True),
    "exchange": (None, True),
}
ORGANISATION_READ_ONLY = {  # no POST
    *("home", "people", "person", "relationships", "settings"),
    *("record", "record-pdf", "record-json"),
}
PUBLIC_ORGANISATION_PAGES = {"invitation"}  # a link's token is the key: tested on its own


def _organisation_url(world: World, name: str) -> str:
    about = ORGANISATION_PAGES[name][0]
    args = {
        None: [],
        "person": [world.users["supervisor"].pk],
        "relationship": [world.relationship.pk],
    }
    return reverse(f"organisation:{name}", args=args[about])


def _organisation_expected(name: str, standing: str) -> int:
    if standing == "anonymous":
        return 302
    if standing == "admin" or (standing == "other_admin" and ORGANISATION_PAGES[name][0] is None):
        return 200
    return 404


def test_the_matrix_has_every_organisation_page() -> None:
    """A new organisation page cannot be added without deciding who may open it."""
    pages = {p.name for p in organisation_urls.urlpatterns}

    assert pages == set(ORGANISATION_PAGES) | PUBLIC_ORGANISATION_PAGES


@pytest.mark.parametrize(
    ("page", "standing"),
    [
        pytest.param(
            page,
            standing,
            id=f"{standing}-{page}",
            marks=refusal_on_sqlite_alone(_organisation_expected(page, standing)),
        )
        for standing in STANDINGS
        for page, (_, get) in ORGANISATION_PAGES.items()
        if get
    ],
)
@pytest.mark.asvs("8.2.1")
@pytest.mark.asvs("8.4.1")
def test_organisation_page_access(world: World, page: str, standing: str) -> None:
    """Only the organisation's admin opens its pages; others are told they do not exist."""
    response = world.client(standing).get(_organisation_url(world, page))

    assert response.status_code == _organisation_expected(page, standing)


# Another organisation's admin posting to a page without an id posts to their own
# organisation's page, which is allowed: each action's own tests cover those posts.
REFUSED_ORGANISATION_POSTS = [
    (page, standing)
    for page, (about, _) in ORGANISATION_PAGES.items()
    for standing in STANDINGS
    if standing != "admin" and not (standing == "other_admin" and about is None)
]


@pytest.mark.parametrize(("page", "standing"), REFUSED_ORGANISATION_POSTS)
@pytest.mark.asvs("8.3.1")
@pytest.mark.asvs("8.4.1")
@pytest.mark.same_on_every_database  # refusals: see refusal_on_sqlite_alone
def test_refused_organisation_writes_change_nothing(world: World, page: str, standing: str) -> None:
    """A POST from anyone but the admin is refused as a GET is, and writes nothing."""
    data = {"revision": 1, "role": "admin", "was": "supervisor", "active": "no"}

    expected = _organisation_expected(page, standing)
    if page in ORGANISATION_READ_ONLY and standing != "anonymous":
        expected = 405  # these pages take no POST at all, from anyone

    response = world.client(standing).post(_organisation_url(world, page), data)

    assert response.status_code == expected
    assert not AuditEvent.objects.exclude(action="view").exists()
    assert (
        world.users["supervisor"].__class__.objects.get(pk=world.users["supervisor"].pk).role
        == "supervisor"
    )
