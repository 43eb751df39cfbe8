"""The service report: every number equals one counted directly from the database (or worked
out by hand) for a known organisation; filters narrow it; only admins and supervisors see it,
each only their own; the CSV holds the page's numbers with formulas escaped; views are audited."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from mutuality.framework import VOCABULARY
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships import tallies
from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.models import (
    AffectedParty,
    AssessmentRecord,
    CurrentFinding,
    OutcomeSeries,
    Participant,
    Relationship,
)
from mutuality.web.reports.views import service as service_views
from mutuality.web.reports.views.service import CSV_COLUMNS
from tests.copies import Copies
from tests.factories import OrganisationFactory, RelationshipFactory, UserFactory, example

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
URL = "/reports/service/"
CSV_URL = "/reports/service.csv"
OVERDUE = (
    "competence.supervision_insufficient",
    "competence.supervision_overdue",
    "competence.independent_review_due",
    "integrity.review_overdue",
)
CBT_FIRST = date(2026, 5, 11)  # the first PHQ-9 and GAD-7 scores of the CBT example


@dataclass
class World:
    organisation: Organisation
    relationships: dict[str, Relationship]
    users: dict[str, User]
    today: date

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(self.users[who])
        return client

    def ours(self) -> Any:
        return Relationship.objects.filter(organisation=self.organisation)


def _user(name: str, organisation: Organisation, role: str, team: str = "") -> User:
    return UserFactory(username=name, organisation=organisation, role=role, team=team)


def _import(name: str, organisation: Organisation, professional: User | None) -> Relationship:
    relationship = RelationshipFactory(organisation=organisation, case=example(name))
    if professional is not None:
        relationship.participants.filter(role="professional").update(user=professional)
    return relationship


def _set_scores(relationship: Relationship, instrument: str, values: list[float]) -> None:
    series = OutcomeSeries.objects.get(relationship=relationship, instrument=instrument)
    for score, value in zip(series.scores.order_by("date"), values, strict=True):
        score.value = value
        score.save(update_fields=["value"])


@pytest.fixture
def world(db: None) -> World:
    """Seven relationships of six examples, in two organisations, with their people, a history
    of findings and scores set by hand (built once a process, then copied: tests/copies.py)."""
    return _WORLDS.get("service report", _built_world)


@dataclass(frozen=True)
class _Keys:
    organisation: int
    relationships: dict[str, int]
    users: dict[str, int]


def _keys(world: World) -> _Keys:
    return _Keys(
        world.organisation.pk,
        {name: r.pk for name, r in world.relationships.items()},
        {name: u.pk for name, u in world.users.items()},
    )


def _fetched(keys: _Keys) -> World:
    found = Relationship.objects.in_bulk(keys.relationships.values())
    people = User.objects.in_bulk(keys.users.values())
    return World(
        Organisation.objects.get(pk=keys.organisation),
        {name: found[pk] for name, pk in keys.relationships.items()},
        {name: people[pk] for name, pk in keys.users.items()},
        timezone.localdate(),
    )


_WORLDS: Copies[World, _Keys] = Copies(_keys, _fetched)


def _built_world() -> World:
    today = timezone.localdate()
    home = OrganisationFactory(slug="home")
    away = OrganisationFactory(slug="away")
    users = {
        "admin": _user("ada", home, Role.ADMIN),
        "sam": _user("sam", home, Role.SUPERVISOR),
        "sue": _user("sue", home, Role.SUPERVISOR),
        "pat": _user("pat", home, Role.PROFESSIONAL, team="North"),
        "quinn": _user("quinn", home, Role.PROFESSIONAL, team="=South"),
        "co_producer": _user("gethin", home, Role.CO_PRODUCER),
        "reviewer": _user("rev", home, Role.REVIEWER),
        "away_admin": _user("zed", away, Role.ADMIN),
    }
    pat, quinn = users["pat"], users["quinn"]
    relationships = {
        "cbt": _import("cbt-shared-formulation.yaml", home, pat),
        "cbt2": _import("cbt-shared-formulation.yaml", home, quinn),
        "gambling": _import("gambling-harms-course.yaml", home, quinn),
        "housing": _import("supported-housing-collusion.yaml", home, pat),
        "fathers": _import("fathers-walking-group.yaml", home, pat),
        "care": _import("care-home-move-best-interests.yaml", home, None),
        "away": _import("podcast-consent-withdrawn.yaml", away, None),
    }
    r = relationships
    r["cbt"].participants.filter(role="recipient").update(user=users["co_producer"])
    r["cbt"].reviewers.add(users["reviewer"])
    Relationship.objects.filter(pk__in=[r["cbt"].pk, r["housing"].pk]).update(
        supervisor=users["sam"]
    )
    Relationship.objects.filter(pk=r["gambling"].pk).update(supervisor=users["sue"])
    # The second CBT relationship: never supervised, and not at caseness but deteriorating.
    Relationship.objects.filter(pk=r["cbt2"].pk).update(last_supervision=None)
    _set_scores(r["cbt2"], "phq9", [8, 9, 12, 15])
    _set_scores(r["cbt2"], "gad7", [5, 5, 7, 10])
    # The walking group ran from January to June.
    Relationship.objects.filter(pk=r["fathers"].pk).update(
        stage="ended", started=date(2026, 1, 5), ended_on=date(2026, 6, 1)
    )
    for relationship in relationships.values():
        reassess(relationship, reason="imported")
        _open_since(relationship, today, today - timedelta(days=5))
    _housing_history(r["housing"], today)
    # The findings' first days were set beside `reassess`: their tallies follow the rows.
    tallies.refresh([relationship.pk for relationship in relationships.values()], today)
    return World(home, relationships, users, today)


def _open_since(relationship: Relationship, today: date, since: date, code: str = "") -> None:
    """Make the findings open today (or one of them) open since that day, as if the
    relationship had been assessed with them every day from then on."""
    findings = CurrentFinding.objects.filter(relationship=relationship, since__lte=today)
    (findings.filter(code=code) if code else findings).update(since=since)


def _housing_history(housing: Relationship, today: date) -> None:
    """Assessed 30, 20 and 10 days ago, the middle time without the collusion finding: every
    finding has been open for 30 days, but collusion's unbroken run began 10 days ago."""
    _open_since(housing, today, today - timedelta(days=30))
    _open_since(housing, today, today - timedelta(days=10), code="competence.collusion")


class _Tables(HTMLParser):
    """Every <table> on a page: its caption and the text of each row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._rows is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None and self._caption is not None:
            self.tables[self._caption.strip()] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._in_caption and self._caption is not None:
            self._caption += data
        elif self._cell is not None:
            self._cell.append(data)


def page_tables(client: Client, query: str = "") -> dict[str, list[list[str]]]:
    response = client.get(URL + query)
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def label(vocabulary: str, code: str) -> str:
    """How the report names a code: the framework's label, with a capital first letter."""
    return dict(VOCABULARY[vocabulary].choices())[code]


def rows_of(tables: dict[str, list[list[str]]], caption: str) -> dict[str, list[str]]:
    """A table's body rows, by their first cell."""
    return {row[0]: row[1:] for row in tables[caption][1:]}


def latest_records(relationships: Any) -> dict[int, AssessmentRecord]:
    return {r.pk: r.assessments.order_by("-created", "-pk").first() for r in relationships}


def test_relationship_counts_equal_the_database(world: World) -> None:
    """Stage, recommendation and scrutiny counts equal counts made with the ORM."""
    stages = dict(world.ours().values_list("stage").annotate(n=Count("pk")))
    latest = latest_records(world.ours()).values()
    recommendations: dict[str, int] = {}
    levels: dict[str, int] = {}
    for record in latest:
        recommendations[record.recommendation] = recommendations.get(record.recommendation, 0) + 1
        level = record.result["scrutiny"]["level"]
        levels[level] = levels.get(level, 0) + 1

    tables = page_tables(world.client("admin"))

    assert sum(stages.values()) == 6
    shown = rows_of(tables, "Relationships by stage")
    assert {k: v for k, v in shown.items() if v != ["0"]} == {
        label("stage", stage): [str(n)] for stage, n in stages.items()
    }
    shown = rows_of(tables, "Relationships by recommendation")
    assert {k: v for k, v in shown.items() if v != ["0"]} == {
        label("recommendation", rec): [str(n)] for rec, n in recommendations.items()
    }
    shown = rows_of(tables, "Relationships by scrutiny level")
    assert {k: v for k, v in shown.items() if v != ["0"]} == {
        label("scrutiny_level", level): [str(n)] for level, n in levels.items()
    }
    assert levels == {"standard": 3, "enhanced": 2, "intensive": 1}


def test_open_findings_count_relationships_and_days_from_the_unbroken_run(world: World) -> None:
    """Each code's count and days open equal what the stored assessments say, done by hand."""
    days: dict[str, list[int]] = {}
    for record in latest_records(world.ours()).values():
        for code in {f["code"] for f in record.result["findings"]}:
            # Every relationship but housing has had its findings open for five days.
            days.setdefault(code, []).append(5)
    housing = latest_records([world.relationships["housing"]])[world.relationships["housing"].pk]
    for code in {f["code"] for f in housing.result["findings"]}:
        days[code].remove(5)
        # Collusion reappeared 10 days ago; the rest have been open since 30 days ago.
        days[code].append(10 if code == "competence.collusion" else 30)

    titled = rows_of(page_tables(world.client("admin")), "Open findings")

    assert set(titled) == {label("finding", code) for code in days}
    shown = {code: titled[label("finding", code)] for code in days}
    for code, spans in days.items():
        median = statistics.median(spans)
        median_text = str(int(median)) if float(median).is_integer() else f"{median:.1f}"
        assert shown[code] == [str(len(spans)), median_text, str(max(spans))], code
    assert shown["competence.collusion"] == ["1", "10", "10"]
    # CBT (twice for one person's two measures), gambling and housing; not the deteriorating copy.
    assert shown["integrity.change_evidenced"][0] == "3"


def test_supervision_compliance_by_scrutiny_level(world: World) -> None:
    """Running relationships per level, supervised in time, overdue and never supervised."""
    latest = latest_records(world.ours())
    expected: dict[str, list[int]] = {}
    for relationship in world.ours().filter(stage__in=["active", "ending"]):
        scrutiny = latest[relationship.pk].result["scrutiny"]
        required = scrutiny["supervision_every_days"]
        since = relationship.last_supervision or relationship.started
        in_time = (world.today - since).days <= required
        codes = {f["code"] for f in latest[relationship.pk].result["findings"]}
        counts = expected.setdefault(scrutiny["level"].capitalize(), [required, *[0] * 9])
        counts[1] += 1
        counts[2] += (relationship.supervision_every_days or 10**6) <= required
        counts[3] += in_time
        counts[4] += not in_time
        counts[5] += relationship.last_supervision is None
        for index, code in enumerate(OVERDUE, start=6):
            counts[index] += code in codes

    shown = rows_of(page_tables(world.client("admin")), "Supervision and review compliance")

    assert set(shown) == set(expected) == {"Standard", "Enhanced", "Intensive"}
    for level, counts in expected.items():
        assert shown[level] == [str(n) for n in counts], level
    assert [shown[level][1] for level in ("Standard", "Enhanced", "Intensive")] == ["2", "1", "1"]
    # The deteriorating CBT copy (raised to enhanced) was never supervised.
    assert shown["Enhanced"][5] == "1" and shown["Enhanced"][4] == "1"
    assert shown["Intensive"][8] == "1"  # competence.independent_review_due is open


def test_consent_coverage_including_affected_parties(world: World) -> None:
    """People's and affected parties' consents, and full coverage, equal ORM counts."""
    people = dict(
        Participant.objects.filter(relationship__organisation=world.organisation)
        .values_list("consent")
        .annotate(n=Count("pk"))
    )
    affected = dict(
        AffectedParty.objects.filter(relationship__organisation=world.organisation)
        .values_list("consent")
        .annotate(n=Count("pk"))
    )
    informed = sum(
        1
        for r in world.ours()
        if not r.participants.exclude(consent="informed").exists() and r.participants.exists()
    )

    tables = page_tables(world.client("admin"))

    shown = rows_of(tables, "Consent of the people in each relationship")
    assert {k: v[0] for k, v in shown.items() if v != ["0"]} == {
        label("consent", k): str(n) for k, n in people.items()
    }
    shown = rows_of(tables, "Consent of affected parties")
    assert {k: v[0] for k, v in shown.items() if v != ["0"]} == {
        label("affected_consent", k): str(n) for k, n in affected.items()
    }
    summary = rows_of(tables, "Consent coverage")
    assert summary["Relationships"] == ["6"]
    assert summary["Everyone in the relationship has given informed consent"] == [str(informed)]


def test_paired_phq9_gad7_rates_at_each_horizon(world: World) -> None:
    """Worked by hand: CBT 17→7 / 15→6 recovers; the copy 8→15 / 5→10 reliably deteriorates."""
    long_eligible = (world.today - CBT_FIRST).days >= 366
    medium_eligible = (world.today - CBT_FIRST).days >= 91

    shown = rows_of(page_tables(world.client("admin")), "Paired PHQ-9 and GAD-7 outcomes")

    # Eligible, with data, not finished, not at caseness, recovery, reliable recovery,
    # reliable improvement, reliable deterioration (%).
    assert shown["First to latest"] == ["2", "2", "0", "1", "100.0", "100.0", "50.0", "50.0"]
    # Short term: 17→13 and 15→12; 8→9 and 5→5: nothing reliable, nobody recovered.
    assert shown["Short term"] == ["2", "2", "0", "1", "0.0", "0.0", "0.0", "0.0"]
    medium = shown["Medium term"]
    if medium_eligible:
        assert medium == ["2", "2", "0", "1", "100.0", "100.0", "50.0", "50.0"]
    long = shown["Long term"]
    eligible = "2" if long_eligible else "0"
    assert long[:3] == [eligible, "0", eligible]
    assert long[4:] == ["Not available"] * 4


def test_group_change_equals_a_hand_calculation(world: World) -> None:
    """PHQ-9 first to latest: n eligible, n with data and mean change from Score rows."""
    firsts_and_lasts = []
    for series in OutcomeSeries.objects.filter(
        relationship__organisation=world.organisation, instrument="phq9"
    ):
        values = list(series.scores.order_by("date").values_list("value", flat=True))
        firsts_and_lasts.append((values[0], values[-1]))
    mean_change = sum(last - first for first, last in firsts_and_lasts) / len(firsts_and_lasts)

    tables = page_tables(world.client("admin"))

    rows = [r for r in tables["Group change by measure and horizon"][1:] if r[0] == "phq9"]
    latest = next(r for r in rows if r[1] == "First to latest")
    assert latest[2:4] == [str(len(firsts_and_lasts)), str(len(firsts_and_lasts))]
    assert latest[6] == f"{mean_change:.2f}"  # (−10 + 7) / 2
    assert mean_change == -1.5
    shares = [
        r for r in tables["Reliable change and recovery by measure and horizon"] if r[0] == "phq9"
    ]
    latest_share = next(r for r in shares if r[1] == "First to latest")
    # Reliable improvement n, count, %; recovery n (clinical at the start), count, %; deterioration.
    assert latest_share[2:] == ["2", "2", "1", "50.0", "1", "1", "100.0", "2", "1", "50.0"]


def test_filters_narrow_by_team_professional_and_period(world: World) -> None:
    """Team and professional keep their relationships; the period keeps work under way in it."""
    client = world.client("admin")
    quinn = world.users["quinn"]

    def count(query: str) -> str:
        return rows_of(page_tables(client, query), "Consent coverage")["Relationships"][0]

    assert count("?team=%3DSouth") == "2"  # cbt2 and gambling
    assert count("?team=North") == "3"
    assert count(f"?professional={quinn.pk}") == "2"
    # Started on or before 30 April 2026: gambling, housing and the walking group.
    assert count("?active_to_0=30&active_to_1=4&active_to_2=2026") == "3"
    # Under way on or after 1 July 2026: the walking group ended on 1 June.
    assert count("?active_from_0=1&active_from_1=7&active_from_2=2026") == "4"
    assert count(f"?team=North&professional={quinn.pk}") == "0"


def test_an_unknown_filter_value_is_an_error_and_narrows_nothing(world: World) -> None:
    """A professional outside the reader's relationships is refused, not used to probe."""
    response = world.client("sam").get(URL + f"?professional={world.users['quinn'].pk}")

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b'<strong id="relationship-count">2</strong>' in response.content


def test_with_many_professionals_the_reader_types_a_name(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `LISTED_AT_MOST` professionals, the choice is a text field: part of a name, a login
    or an id finds one professional; none, or several, is an error that narrows nothing."""
    monkeypatch.setattr(service_views, "LISTED_AT_MOST", 1)
    User.objects.filter(pk=world.users["quinn"].pk).update(display_name="Quinn Ó Briain")
    User.objects.filter(pk=world.users["pat"].pk).update(display_name="Pat Quinlan")
    client = world.client("admin")

    def count(query: str) -> str:
        return rows_of(page_tables(client, query), "Consent coverage")["Relationships"][0]

    page = client.get(URL).content.decode()
    assert 'name="professional"' in page and 'type="text"' in page
    assert "<option>" not in page and "Pat Quinlan" not in page
    assert count("?professional=briain") == "2"  # cbt2 and gambling
    assert count("?professional=pat") == "3"  # the login
    assert count(f"?professional={world.users['quinn'].pk}") == "2"
    for typed, message in (
        ("quin", "More than one professional matches"),
        ("zed", "No professional"),
    ):
        response = client.get(URL, {"professional": typed})
        assert message in response.content.decode()
        assert b'<strong id="relationship-count">6</strong>' in response.content
    csv_text = client.get("/reports/service.csv", {"professional": "briain"}).content.decode()
    assert "Quinn Ó Briain" in csv_text


def test_a_supervisor_sees_only_the_relationships_they_supervise(world: World) -> None:
    """Sam supervises the CBT and housing relationships, and the report covers just those."""
    tables = page_tables(world.client("sam"))

    assert rows_of(tables, "Consent coverage")["Relationships"] == ["2"]
    assert rows_of(tables, "Relationships by scrutiny level")["Intensive"] == ["1"]
    assert rows_of(tables, "Relationships by scrutiny level")["Standard"] == ["1"]


@pytest.mark.asvs("8.4.1")
def test_an_admin_sees_only_their_own_organisation(world: World) -> None:
    """The other organisation's admin sees its one relationship, none of ours."""
    tables = page_tables(world.client("away_admin"))

    assert rows_of(tables, "Consent coverage")["Relationships"] == ["1"]


@pytest.mark.parametrize("who", ["pat", "co_producer", "reviewer"])
@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_others_are_told_there_is_no_such_page(world: World, who: str, url: str) -> None:
    """Professionals, co-producers and reviewers get a 404 for the page and the CSV."""
    assert world.client(who).get(url).status_code == 404


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_anonymous_visitors_are_sent_to_sign_in(world: World, url: str) -> None:
    """Someone not signed in is sent to the sign-in page."""
    response = world.client("anonymous").get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def csv_tables(content: bytes) -> dict[str, list[list[str]]]:
    """The CSV's lines put back into tables by section: the column headings, then the rows."""
    lines = csv.DictReader(io.StringIO(content.decode()))
    assert tuple(lines.fieldnames or ()) == CSV_COLUMNS
    sections: dict[str, dict[int, dict[str, str]]] = {}
    for line in lines:
        rows = sections.setdefault(line["section"], {})
        rows.setdefault(int(line["row"]), {})[line["column"]] = line["value"]
    return {
        section: [list(rows[1]), *(list(rows[n].values()) for n in sorted(rows))]
        for section, rows in sections.items()
    }


def test_the_csv_holds_the_page_s_numbers(world: World) -> None:
    """Every table of the page with rows is in the CSV, cell for cell; empty cells are blank."""
    client = world.client("admin")
    tables = page_tables(client)

    response = client.get(CSV_URL)

    assert response["Content-Type"].startswith("text/csv")
    in_csv = csv_tables(response.content)
    about = in_csv.pop("Service report")
    assert about == [
        ["Made on", "Team", "Professional", "Period from", "Period to"],
        [world.today.isoformat(), "Every team", "Every professional", "", ""],
    ]
    shown = {
        caption: rows for caption, rows in tables.items() if rows[1:] != [["Nothing to show."]]
    }
    assert len(shown) >= 8
    assert set(in_csv) == set(shown)
    for caption, rows in shown.items():
        blank_as_shown = [[cell or "Not available" for cell in row] for row in in_csv[caption]]
        assert blank_as_shown == rows, caption


def test_the_csv_s_negative_numbers_are_numbers(world: World) -> None:
    """A mean change below zero is written as a number, so a spreadsheet can add it up."""
    response = world.client("admin").get(CSV_URL)

    change = csv_tables(response.content)["Group change by measure and horizon"]
    means = [row[change[0].index("Mean change")] for row in change[1:]]
    assert any(mean.startswith("-") for mean in means), means
    assert all(float(mean) < 0 for mean in means if mean.startswith("-"))


def test_the_csv_escapes_text_a_spreadsheet_would_run(world: World) -> None:
    """A team called tab-=1+1 and a professional called =HYPERLINK(…) come out with a leading '."""
    quinn = world.users["quinn"]
    quinn.team, quinn.display_name = "\t=1+1", '=HYPERLINK("http://x")'
    quinn.save()
    query = f"?team=%09%3D1%2B1&professional={quinn.pk}"

    response = world.client("admin").get(CSV_URL + query)

    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Service report", "1", "Team", "'\t=1+1"] in lines
    assert ["Service report", "1", "Professional", '\'=HYPERLINK("http://x")'] in lines
    cells = [cell for line in lines for cell in line]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]
    assert all(float(cell) < 0 for cell in cells if cell.startswith("-"))


def test_an_admins_read_of_many_relationships_is_one_event(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the smallest count the transparency report publishes (lowered here to 2), an admin's
    read is one event in the organisation's trail, with its filters and how many it covered."""
    monkeypatch.setattr(service_views, "SMALLEST_SHOWN", 2)

    world.client("admin").get(URL + "?team=North")

    events = AuditEvent.objects.filter(user=world.users["admin"], detail__page="service report")
    assert [(e.object_type, e.object_id, e.relationship_id) for e in events] == [
        ("accounts.Organisation", str(world.organisation.pk), None)
    ]
    assert events[0].organisation_id == world.organisation.pk
    assert events[0].detail["relationships"] == 3
    log = world.client("admin").get("/relationships/audit/").content.decode()
    assert (
        "Viewed the organisation&#x27;s figures (service report page), over 3 relationships" in log
    )
    assert events[0].detail["filters"] == {
        "team": "North",
        "professional": None,
        "active_from": None,
        "active_to": None,
    }


def test_each_covered_relationship_is_audited_as_viewed(world: World) -> None:
    """The supervisor is outside every relationship, so each one covered gets a view event."""
    world.client("sam").get(URL)
    world.client("sam").get(CSV_URL)

    events = AuditEvent.objects.filter(user=world.users["sam"], action="view")
    covered = sorted([world.relationships["cbt"].pk, world.relationships["housing"].pk])
    on_page = events.filter(detail__page="service report").order_by("relationship_id")
    assert [e.relationship_id for e in on_page] == covered
    assert [(e.object_type, e.object_id, e.organisation_id) for e in on_page] == [
        ("relationships.Relationship", str(pk), world.organisation.pk) for pk in covered
    ]
    assert all(e.detail == {"page": "service report"} and e.at is not None for e in on_page)
    assert events.filter(detail__page="service report CSV").count() == 2
