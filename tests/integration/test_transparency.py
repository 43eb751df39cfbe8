"""The public transparency report: gathered from the database, reviewed and published by an
admin as frozen versions, read by anyone as a page, CSV or JSON, and printed by the CLI."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from mutuality.entry import main
from mutuality.framework import load_case
from mutuality.transparency import CSV_COLUMNS, FORMAT
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships import tallies
from mutuality.web.relationships.actions import latest_assessment
from mutuality.web.relationships.models import Relationship
from mutuality.web.reports.models import FrozenReport, PublishedReport
from mutuality.web.reports.transparency_data import gather
from tests.factories import OrganisationFactory, RelationshipFactory, UserFactory

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CBT = EXAMPLES / "cbt-shared-formulation.yaml"  # PHQ-9 17 → 7 and GAD-7 15 → 6: recovered
WALKING = EXAMPLES / "fathers-walking-group.yaml"
REVIEW = "/reports/transparency/"
PUBLISH = "/reports/transparency/publish/"
PUBLIC = "/reports/public/trust/"


@dataclass
class World:
    organisation: Organisation
    users: dict[str, User]

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(self.users[who])
        return client


@pytest.fixture
def world(db: None) -> World:
    """Nine CBT relationships and two walking groups in one trust; people of every role."""
    trust = OrganisationFactory(slug="trust", name="North trust")
    away = OrganisationFactory(slug="away")
    for path, copies in ((CBT, 9), (WALKING, 2)):
        RelationshipFactory.create_batch(copies, organisation=trust, case=load_case(path))
    people = [
        ("admin", "adm", trust, Role.ADMIN),
        ("professional", "pro", trust, Role.PROFESSIONAL),
        ("supervisor", "sup", trust, Role.SUPERVISOR),
        ("co_producer", "co", trust, Role.CO_PRODUCER),
        ("other_admin", "adm2", away, Role.ADMIN),
    ]
    users = {
        who: UserFactory(username=name, organisation=organisation, role=role)
        for who, name, organisation, role in people
    }
    return World(trust, users)


def test_gather_counts_what_the_database_holds(world: World) -> None:
    """The true counts equal those worked out directly from the relationships."""
    data = gather(world.organisation)

    assert sum(data.by_stage.values()) == Relationship.objects.count() == 11
    assert data.by_setting == {"individual_therapy": 9, "peer_support": 2}
    assert sum(data.by_recommendation.values()) == sum(data.by_scrutiny.values()) == 11
    phq9 = [c for c in data.outcomes if c.instrument == "phq9"]
    assert sum(c.people for c in phq9) == 9 and {c.difference for c in phq9} == {-10.0}
    assert {c.change for c in phq9} == {"reliable_improvement"}


def test_the_review_page_shows_the_draft_with_disclosure_control(world: World) -> None:
    """The admin sees rounded counts, hidden small ones, and a Publish button."""
    response = world.client("admin").get(REVIEW)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Publish this report" in html and "csrfmiddlewaretoken" in html
    assert '<th class="nhsuk-table__header" scope="row">One-to-one therapy</th>' in html
    assert "(hidden to protect privacy)" in html  # 2 walking groups beside 9 CBT: hidden whole
    assert PublishedReport.objects.count() == 0


def test_publishing_makes_version_1_then_2_and_is_audited(world: World) -> None:
    """Each publication is the next version, published by the admin, with an audit event."""
    client = world.client("admin")

    first = client.post(PUBLISH)
    second = client.post(PUBLISH)

    versions = list(PublishedReport.objects.order_by("version"))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == "/reports/public/trust/v1/"
    assert [v.version for v in versions] == [1, 2]
    assert {v.published_by for v in versions} == {world.users["admin"]}
    assert versions[0].content["version"] == 1
    events = AuditEvent.objects.filter(action="publish").order_by("pk")
    assert [(e.object_type, e.object_id, e.organisation_id) for e in events] == [
        ("reports.PublishedReport", str(v.pk), world.organisation.pk) for v in versions
    ]


def test_a_published_version_stays_frozen_when_the_data_changes(world: World) -> None:
    """Version 1 reads the same after more relationships are added; version 2 shows them."""
    client = world.client("admin")
    client.post(PUBLISH)
    frozen = PublishedReport.objects.get(version=1).content

    RelationshipFactory.create_batch(10, organisation=world.organisation, case=load_case(WALKING))
    client.post(PUBLISH)

    first, second = (json.loads(Client().get(f"{PUBLIC}v{n}.json").content) for n in (1, 2))
    assert PublishedReport.objects.get(version=1).content == frozen
    assert first["sections"] == frozen["sections"]
    totals = [
        s["tables"][0]["total"]["figures"][0]["text"]
        for s in (first, second)
        for s in [s["sections"][0]]
    ]
    assert totals == ["10", "20"]


def test_a_published_version_cannot_be_saved_again(world: World) -> None:
    """Writing to a stored version is refused, so its content stays as published."""
    world.client("admin").post(PUBLISH)
    published = PublishedReport.objects.get()
    published.content = {"changed": True}

    with pytest.raises(FrozenReport):
        published.save()

    assert "changed" not in PublishedReport.objects.get().content


def test_the_public_page_needs_no_sign_in_and_links_every_version(world: World) -> None:
    """Anyone reads the latest version, with its downloads and a link to the earlier one."""
    admin = world.client("admin")
    admin.post(PUBLISH)
    admin.post(PUBLISH)

    response = Client().get(PUBLIC)

    html = response.content.decode()
    assert response.status_code == 200
    assert "North trust" in html and "Version 2, published on" in html
    assert 'href="/reports/public/trust/v2.csv"' in html
    assert 'href="/reports/public/trust/v2.json"' in html
    assert 'href="/reports/public/trust/v1/"' in html
    assert Client().get(f"{PUBLIC}v1/").status_code == 200


@pytest.mark.parametrize(
    "url", [PUBLIC, f"{PUBLIC}v1/", f"{PUBLIC}v1.csv", f"{PUBLIC}v1.json", "/reports/public/x/"]
)
def test_nothing_is_public_before_publishing(world: World, url: str) -> None:
    """An organisation with nothing published (or no such organisation) is a 404."""
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize("who", ["professional", "supervisor", "co_producer"])
def test_only_admins_may_review_or_publish(world: World, who: str) -> None:
    """Everyone else gets a 404 for both, and nothing is published."""
    client = world.client(who)

    assert client.get(REVIEW).status_code == 404
    assert client.post(PUBLISH).status_code == 404
    assert PublishedReport.objects.count() == 0


def test_anonymous_people_are_sent_to_sign_in_to_review(world: World) -> None:
    """Reviewing and publishing need a sign-in."""
    assert Client().get(REVIEW).status_code == 302
    assert Client().post(PUBLISH).status_code == 302
    assert PublishedReport.objects.count() == 0


@pytest.mark.asvs("8.4.1")
def test_an_admin_publishes_only_their_own_organisation(world: World) -> None:
    """Another organisation's admin publishes their own (empty) report, never this one."""
    world.client("other_admin").post(PUBLISH)

    assert list(PublishedReport.objects.values_list("organisation__slug", flat=True)) == ["away"]


def test_publishing_needs_the_csrf_token_and_a_post(world: World) -> None:
    """A forged POST without the token is refused, and GET does not publish."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])

    assert client.post(PUBLISH).status_code == 403
    assert client.get(PUBLISH).status_code == 405
    assert PublishedReport.objects.count() == 0


def test_the_csv_download_escapes_cells_a_spreadsheet_would_run(world: World) -> None:
    """A category that looks like a formula and a negative mean both get a leading quote."""
    for relationship in Relationship.objects.all():
        latest_assessment(relationship)  # stored first: the odd setting below is never assessed
    Relationship.objects.filter(setting="peer_support").update(setting="=cmd")
    # Written beside `reassess`, so the organisation's tallies are told (ADR 0008).
    tallies.refresh(Relationship.objects.values_list("pk", flat=True), timezone.localdate())
    world.client("admin").post(PUBLISH)

    response = Client().get(f"{PUBLIC}v1.csv")

    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="trust-transparency-v1.csv"' in response["Content-Disposition"]
    assert tuple(lines[0]) == CSV_COLUMNS
    assert any(line[3] == "'=cmd" for line in lines)
    mean = next(line for line in lines if line[1] == "average_change_phq9" and line[3] == "mean")
    assert mean[6] == "'-10.0"
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)


def test_the_json_download_has_its_documented_keys(world: World) -> None:
    """The JSON names its format, organisation, version and sections."""
    world.client("admin").post(PUBLISH)

    data = json.loads(Client().get(f"{PUBLIC}v1.json").content)

    assert list(data) == [
        "format",
        "organisation",
        "as_of",
        "version",
        "published_at",
        "rules",
        "sections",
    ]
    assert (data["format"], data["version"]) == (FORMAT, 1)
    assert data["organisation"] == {"slug": "trust", "name": "North trust"}
    keys = [t["key"] for s in data["sections"] for t in s["tables"]]
    assert keys[:2] == ["relationships_by_setting", "relationships_by_stage"]
    assert "change_phq9" in keys and "average_change_gad7" in keys


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("form", ["json", "csv", "html"])
def test_the_command_line_prints_the_draft_in_each_format(
    form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mutuality report transparency` prints the draft, with disclosure control applied."""
    trust = OrganisationFactory(slug="trust", name="North trust")
    RelationshipFactory.create_batch(9, organisation=trust, case=load_case(CBT))

    code = main(["report", "transparency", "--organisation", "trust", "--format", form])

    out = capsys.readouterr().out
    assert code == 0
    if form == "json":
        data = json.loads(out)
        assert data["version"] is None
        assert data["sections"][0]["tables"][0]["total"]["figures"][0]["text"] == "10"
    elif form == "csv":
        assert out.startswith(",".join(CSV_COLUMNS))
        assert "relationships_by_stage" in out
    else:
        assert "This is a draft" in out and "<caption" in out and "North trust" in out
    assert PublishedReport.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_command_line_names_an_unknown_organisation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unknown slug exits 2 with a plain message."""
    code = main(["report", "transparency", "--organisation", "nowhere"])

    assert code == 2
    assert "no organisation with slug 'nowhere'" in capsys.readouterr().err
