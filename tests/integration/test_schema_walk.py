"""Every property of the case format (`mutuality schema`) has a way onto the web.

The walk lists every property of the JSON Schema (objects and lists of objects are walked
into; their own name needs no row). Each must have a row: either a form this test fills in
and saves, checking that the exported case changes at that property, or the page that sets it
elsewhere with the reason (derived, or owned by another page and tested there). A property
added to the format later has no row, and fails `test_every_property_has_a_row`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from mutuality.framework import case_schema
from mutuality.web.relationships.case_io import case_data
from mutuality.web.relationships.models import Relationship
from tests.factories import World

_SCHEMA = case_schema()


def _variants(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The node and every schema it may be (through $ref, anyOf and oneOf)."""
    if "$ref" in node:
        yield from _variants(_SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]])
        return
    yield node
    for key in ("anyOf", "oneOf"):
        for sub in node.get(key, []):
            yield from _variants(sub)


def _shape(node: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The properties a node's objects (or a list's objects) have, and whether it is a list."""
    properties: dict[str, Any] = {}
    listed = False
    for variant in _variants(node):
        if variant.get("type") == "array" and isinstance(variant.get("items"), dict):
            inner, _ = _shape(variant["items"])
            listed = listed or bool(inner)
            properties |= inner
        properties |= variant.get("properties", {})
    return properties, listed


def schema_paths(node: dict[str, Any] = _SCHEMA, prefix: str = "") -> Iterator[str]:
    """Every property's path, e.g. `participants[].capacity` or `context.compulsory`."""
    for name, sub in _shape(node)[0].items():
        path = f"{prefix}{name}"
        inner, listed = _shape(sub)
        if inner:
            yield from schema_paths(sub, f"{path}[]." if listed else f"{path}.")
        else:
            yield path


def _person(slug: str, key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda case: next(p for p in case["participants"] if p["id"] == slug).get(key)


def _under(*keys: str) -> Callable[[dict[str, Any]], Any]:
    def read(case: dict[str, Any]) -> Any:
        value: Any = case
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    return read


def _affected(key: str) -> Callable[[dict[str, Any]], Any]:
    """The newest affected party's value (the list's last; `None` when there is none)."""
    return lambda case: (case.get("affected_parties") or [{}])[-1].get(key)


@dataclass(frozen=True)
class SetHere:
    """A form that sets the property: who posts what where, and what the case then holds."""

    standing: str
    page: str  # URL name in the relationships app
    form_field: str
    data: dict[str, Any]
    read: Callable[[dict[str, Any]], Any]
    expected: Any
    kwargs: dict[str, str] = field(default_factory=dict)
    also: tuple[str, ...] = ()  # others who set it on the same page (both people's fields)

    @property
    def setters(self) -> tuple[str, ...]:
        return (self.standing, *self.also)


@dataclass(frozen=True)
class Elsewhere:
    """Set by another page (tested with it), or derived: the URL name and why."""

    page: str | None  # "app:name", or None for what nobody sets
    why: str
    kwargs: dict[str, Any] = field(default_factory=dict)  # besides the relationship's pk


_TOMASZ = {"person": "tomasz"}  # a slug, turned into their number for the URL
_PERSON = {
    "access_needs": "large print\nbreaks",
    "adjustments": "papers in 16 point",
    "other_roles": "neighbour",
    "vulnerability": "moderate",
    "can_decline_freely": "no",
}
_CONTEXT = {
    "applies": ["best_interests", "compulsory", "court_ordered"],
    "coproduced_elements_outside": "on",
}
_TOGETHER = {"co_produced_elements": "route planning\nwhen to meet"}
_ABOUT = {"title": "Walking with new dads", "setting": "community"}
_APPROACH = {
    "professional_led_methods": "limited re-parenting",
    "resource_review": "costlier_justified",
    "alternatives_considered": "a group run by the service",
    "outcome_plan": ["phq9"],
}
_AFFECTED = {"name": "Her sister", "consent": "not_needed", "reason": "She is not involved"}
_SCRUTINY = {
    "supervision_every_days": "14",
    "team_informed": "no",
    "public_reporting": "no",
    "contrast": ["other"],
    "uncertain": "on",
    "supervisor_is_participant": "on",
}


def _person_row(key: str, standing: str, expected: Any) -> SetHere:
    return SetHere(standing, "person", key, _PERSON, _person("tomasz", key), expected, _TOMASZ)


ROWS: dict[str, SetHere | Elsewhere] = {
    "mutuality": Elsewhere(None, "the format version, always 1"),
    "title": SetHere("professional", "about", "title", _ABOUT, _under("title"), _ABOUT["title"]),
    "as_of": Elsewhere(None, "derived: the day it ended, or today (imports may fix their own)"),
    "stage": Elsewhere("relationships:stage", "the stage page moves the work on"),
    "started": Elsewhere("relationships:stage", "given when the work becomes active"),
    "setting": SetHere("professional", "about", "setting", _ABOUT, _under("setting"), "community"),
    "participants[].id": Elsewhere("relationships:invite", "each person's name in the records"),
    "participants[].name": Elsewhere("accounts:account", "each person's own display name"),
    "participants[].role": Elsewhere("relationships:invite", "fixed by proposing and inviting"),
    "participants[].capacity": SetHere(
        "professional",
        "capacity",
        "capacity",
        {"capacity": "uncertain", "note": ""},
        _person("tomasz", "capacity"),
        "uncertain",
        _TOMASZ,
    ),
    "participants[].consent": Elsewhere("relationships:consent", "each person's own consent"),
    "participants[].other_roles": _person_row("other_roles", "co_producer", ["neighbour"]),
    "participants[].vulnerability": _person_row("vulnerability", "co_producer", "moderate"),
    "participants[].can_decline_freely": _person_row("can_decline_freely", "professional", False),
    "participants[].access_needs": _person_row(
        "access_needs", "co_producer", ["large print", "breaks"]
    ),
    "participants[].adjustments": _person_row(
        "adjustments", "professional", ["papers in 16 point"]
    ),
    "affected_parties[].id": Elsewhere(None, "derived: each record's own id, made by the app"),
    "affected_parties[].name": SetHere(
        "co_producer", "affected", "name", _AFFECTED, _affected("name"), "Her sister"
    ),
    "affected_parties[].consent": SetHere(
        "professional", "affected", "consent", _AFFECTED, _affected("consent"), "not_needed"
    ),
    "affected_parties[].reason": SetHere(
        "co_producer", "affected", "reason", _AFFECTED, _affected("reason"), _AFFECTED["reason"]
    ),
    **{
        f"context.{key}": SetHere(
            "professional", "context", "applies", _CONTEXT, _under("context", key), True
        )
        for key in ("best_interests", "compulsory", "court_ordered")
    },
    "context.coproduced_elements_outside": SetHere(
        "professional",
        "context",
        "coproduced_elements_outside",
        _CONTEXT,
        _under("context", "coproduced_elements_outside"),
        True,
    ),
    "approach.co_produced_elements": SetHere(
        "co_producer",
        "together",
        "co_produced_elements",
        _TOGETHER,
        _under("approach", "co_produced_elements"),
        ["route planning", "when to meet"],
        also=("professional",),  # the scope is both people's
    ),
    "approach.professional_led_methods": SetHere(
        "professional",
        "approach",
        "professional_led_methods",
        _APPROACH,
        _under("approach", "professional_led_methods"),
        ["limited re-parenting"],
    ),
    "approach.resource_review": SetHere(
        "professional",
        "approach",
        "resource_review",
        _APPROACH,
        _under("approach", "resource_review"),
        "costlier_justified",
    ),
    "approach.alternatives_considered": SetHere(
        "professional",
        "approach",
        "alternatives_considered",
        _APPROACH,
        _under("approach", "alternatives_considered"),
        ["a group run by the service"],
    ),
    "approach.outcome_plan": SetHere(
        "professional",
        "approach",
        "outcome_plan",
        _APPROACH,
        _under("approach", "outcome_plan"),
        ["phq9"],
    ),
    "contrast": SetHere(
        "co_producer",
        "contrast",
        "contrast",
        {"contrast": ["informal_setting", "other"]},
        _under("contrast"),
        ["informal_setting", "other"],
    ),
    "scrutiny.supervisor": Elsewhere(
        "organisation:assign", "the organisation's admin chooses the supervisor", {"pk": 1}
    ),
    "scrutiny.supervisor_is_participant": SetHere(
        "professional",
        "scrutiny",
        "supervisor_is_participant",
        _SCRUTINY,
        _under("scrutiny", "supervisor_is_participant"),
        True,
    ),
    "scrutiny.supervision_every_days": SetHere(
        "professional",
        "scrutiny",
        "supervision_every_days",
        _SCRUTINY,
        _under("scrutiny", "supervision_every_days"),
        14,
    ),
    "scrutiny.team_informed": SetHere(
        "professional",
        "scrutiny",
        "team_informed",
        _SCRUTINY,
        _under("scrutiny", "team_informed"),
        False,
    ),
    "scrutiny.public_reporting": SetHere(
        "professional",
        "scrutiny",
        "public_reporting",
        _SCRUTINY,
        _under("scrutiny", "public_reporting"),
        False,
    ),
    "uncertain": SetHere(
        "professional", "scrutiny", "uncertain", _SCRUTINY, _under("uncertain"), True
    ),
    "scrutiny.last_supervision": Elsewhere(
        "relationships:supervision", "derived: the latest supervision the supervisor records"
    ),
    "scrutiny.last_independent_review": Elsewhere(
        "relationships:review",
        "derived: the latest independent review recorded",
        {"kind": "independent"},
    ),
    **{
        f"contract.{key}": Elsewhere("relationships:contract-edit", "the contract's own pages")
        for key in (
            "costs_and_benefits[].party",
            "costs_and_benefits[].costs",
            "costs_and_benefits[].benefits",
            "communicated_to",
            "payments[].to",
            "payments[].kind",
            "inequalities_addressed",
            "power_differential",
            "multiple_roles_plan",
            "exit_plan",
            "review_every_days",
        )
    },
    "contract.version": Elsewhere("relationships:contract-edit", "derived: each change adds one"),
    "contract.agreed_by": Elsewhere("relationships:contract-agree", "each person's own agreement"),
    "contract.last_review": Elsewhere(
        "relationships:review", "derived: the latest contract review", {"kind": "contract"}
    ),
    **{
        f"disclosures[].{key}": Elsewhere(
            "relationships:disclosure", "the professional's own self-disclosures"
        )
        for key in ("by", "date", "about", "rationale")
    },
    **{
        f"observations[].{key}": Elsewhere("relationships:observe", "worries anyone raises")
        for key in ("date", "kind", "by", "note")
    },
    "observations[].status": Elsewhere(
        "relationships:observation-resolve",
        "the supervisor resolves a worry",
        {"observation_pk": 1},
    ),
    **{
        f"consultations[].{key}": Elsewhere("relationships:consultation", "consultations recorded")
        for key in ("date", "with", "outcome")
    },
    **{
        f"outcomes[].{key}": Elsewhere(
            "relationships:outcomes-start", "questionnaires started and filled in"
        )
        for key in ("instrument", "of", "goal", "scores[].date", "scores[].value", "scores[].items")
    },
    **{
        f"{kind}[].id": Elsewhere(None, "derived: each record's own id, made by the app")
        for kind in (
            "disclosures",
            "observations",
            "consultations",
            "outcomes",
            "outcomes[].scores",
        )
    },
}
WHOLE: dict[str, Elsewhere] = {
    "participants[].answers.": Elsewhere(
        "relationships:questions", "the questions page asks every two-sided question there is"
    ),
    "instruments[].": Elsewhere(
        "organisation:instruments",
        "custom instruments are the organisation's, defined whole on its instruments page",
    ),
}
"""Properties covered whole by one page that takes every one of them (by prefix)."""


def _covered(path: str) -> bool:
    return path in ROWS or any(path.startswith(prefix) for prefix in WHOLE)


def test_every_property_has_a_row() -> None:
    """No property of the case format is without a web path or a reason, and no row names a
    property the format does not have."""
    paths = set(schema_paths())

    missing = sorted(path for path in paths if not _covered(path))
    stale = sorted(set(ROWS) - paths)

    assert missing == [], f"no web path or reason for: {missing}"
    assert stale == [], f"rows for properties the schema does not have: {stale}"


def test_the_walk_finds_nested_properties() -> None:
    """The walk reaches into lists of objects and nested objects (so it can miss nothing)."""
    paths = set(schema_paths())

    assert {"participants[].capacity", "context.compulsory", "outcomes[].scores[].value"} <= paths
    assert "participants" not in paths


@pytest.mark.parametrize(
    "row",
    [*(r for r in ROWS.values() if isinstance(r, Elsewhere)), *WHOLE.values()],
    ids=lambda r: r.page or "derived",
)
def test_every_other_page_named_exists(row: Elsewhere) -> None:
    """Each page named as setting a property elsewhere is a real page, and says why."""
    assert row.why
    if row.page is not None:
        of_a_relationship = row.page.startswith("relationships:")
        kwargs = {"pk": 1, **row.kwargs} if of_a_relationship else row.kwargs
        assert reverse(row.page, kwargs=kwargs or None)


SET_HERE = {path: row for path, row in ROWS.items() if isinstance(row, SetHere)}
SETTERS = [(path, standing) for path, row in SET_HERE.items() for standing in row.setters]


@pytest.mark.parametrize(("path", "standing"), SETTERS)
def test_saving_the_form_changes_the_case(world: World, path: str, standing: str) -> None:
    """The page's form has the field, and saving it, by each person the row names, changes the
    exported case there."""
    row = SET_HERE[path]
    kwargs: dict[str, Any] = {"pk": world.relationship.pk, **row.kwargs}
    if "person" in kwargs:  # the row names whom by slug; their pages go by their number
        kwargs["person"] = world.relationship.participants.get(slug=kwargs["person"]).pk
    url = reverse(f"relationships:{row.page}", kwargs=kwargs)
    client = world.client(standing)
    assert f'name="{row.form_field}"' in client.get(url).content.decode()
    before = row.read(case_data(Relationship.objects.get(pk=world.relationship.pk)))
    revision = Relationship.objects.get(pk=world.relationship.pk).revision

    response = client.post(url, {"revision": revision, **row.data})

    after = row.read(case_data(Relationship.objects.get(pk=world.relationship.pk)))
    assert response.status_code == 302
    assert before != row.expected
    assert after == row.expected
