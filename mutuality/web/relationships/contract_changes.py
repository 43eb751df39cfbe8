"""What changed between two versions of the contract, in plain sentences, part by part.

People read "Exit plan changed from … to …", never a diff of the stored data. Both sides are
terms as `forms.questions.contract_terms` gives them; `names` turns a participant's id into
the name the page uses. Which changes are material (costs, benefits, payment, the exit plan)
decides whether each person is asked to confirm their consent again (ADR 0014).

Each change is one whole sentence for translators (docs/architecture.md, "Other languages"),
with what people typed and the parts' names as named values; the sentences are made when a
page is, so they are in its reader's language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mutuality.web.relationships.forms.questions import paid_words

TEXT_LABELS = {
    "inequalities_addressed": _("Pay and other advantages"),
    "power_differential": _("Power difference"),
    "multiple_roles_plan": _("Keeping other roles apart"),
    "exit_plan": _("Exit plan"),
}
MATERIAL_TEXTS = ("exit_plan",)


def _quoted(items: list[str]) -> str:
    return ", ".join(f"'{item}'" for item in items)


def _lines(terms: Mapping[str, Any], part: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in terms["costs_and_benefits"]:
        found.setdefault(entry["party"], []).extend(entry.get(part, []))
    return found


def _paid(terms: Mapping[str, Any]) -> dict[str, str]:
    return {entry["to"]: entry["kind"] for entry in terms["payments"]}


def _text(terms: Mapping[str, Any], name: str) -> str:
    return (terms[name] or "").strip()


def _list_change(label: str, before: list[str], after: list[str]) -> Iterator[str]:
    added = [item for item in after if item not in before]
    removed = [item for item in before if item not in after]
    values = {"label": label, "added": _quoted(added), "removed": _quoted(removed)}
    if added and removed:
        yield gettext("%(label)s: added %(added)s; removed %(removed)s.") % values
    elif added:
        yield gettext("%(label)s: added %(added)s.") % values
    elif removed:
        yield gettext("%(label)s: removed %(removed)s.") % values


def _party_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], names: Mapping[str, str]
) -> Iterator[str]:
    costs = (_lines(before, "costs"), _lines(after, "costs"))
    gains = (_lines(before, "benefits"), _lines(after, "benefits"))
    paid = (_paid(before), _paid(after))
    for slug, name in names.items():
        yield from _list_change(
            gettext("Costs for %(name)s") % {"name": name},
            costs[0].get(slug, []),
            costs[1].get(slug, []),
        )
        yield from _list_change(
            gettext("Benefits for %(name)s") % {"name": name},
            gains[0].get(slug, []),
            gains[1].get(slug, []),
        )
        was, now = paid[0].get(slug, ""), paid[1].get(slug, "")
        if was != now:
            yield gettext("How %(name)s is paid changed from '%(was)s' to '%(now)s'.") % {
                "name": name,
                "was": paid_words(was),
                "now": paid_words(now),
            }


def _text_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[str]:
    for name, label in TEXT_LABELS.items():
        was, now = _text(before, name), _text(after, name)
        values = {"label": label, "was": was, "now": now}
        if was == now:
            continue
        if not was:
            yield gettext("%(label)s: added '%(now)s'.") % values
        elif not now:
            yield gettext("%(label)s: removed '%(was)s'.") % values
        else:
            yield gettext("%(label)s changed from '%(was)s' to '%(now)s'.") % values


def _days(value: int | None) -> str:
    if value is None:
        return gettext("not decided")
    return ngettext("every %(days)s day", "every %(days)s days", value) % {"days": value}


def changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any], names: Mapping[str, str]
) -> list[str]:
    """Each change from `before` to `after`, one sentence each; none when they say the same.
    With no `before`, this is the first version and nothing is listed."""
    if before is None:
        return []
    found = list(_party_changes(before, after, names))
    told = [names.get(s, s) for s in before["communicated_to"]]
    now_told = [names.get(s, s) for s in after["communicated_to"]]
    found += _list_change(gettext("Costs and benefits explained to"), told, now_told)
    found += _text_changes(before, after)
    if before["review_every_days"] != after["review_every_days"]:
        found.append(
            gettext("How often you review it together changed from %(was)s to %(now)s.")
            % {"was": _days(before["review_every_days"]), "now": _days(after["review_every_days"])}
        )
    return found


def material(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> bool:
    """Whether `after` changes what anyone gives, gets or is paid, or how it ends: the terms a
    person's consent rests on."""
    if before is None:
        return True

    def terms(side: Mapping[str, Any]) -> tuple[Any, ...]:
        return (
            {k: sorted(v) for k, v in _lines(side, "costs").items() if v},
            {k: sorted(v) for k, v in _lines(side, "benefits").items() if v},
            _paid(side),
            tuple(_text(side, name) for name in MATERIAL_TEXTS),
        )

    return terms(before) != terms(after)
