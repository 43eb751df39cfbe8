"""A finding spoken to its reader: "you" for the person reading, names for everyone else.

A rule writes its words once, as a template whose slots the finding's parameters fill:
people (participant ids), things (text) and dates. The command line's report (spoken to both
people at once, naming each) keeps the words the rule gave it; a page renders the template
for the person reading it (`speak`). The slots:

- `{who}`: the people in slot `who`, by name, or "you" for the reader ("you and Priya").
- `{who:'s}`: their possessive ("Priya's", "your").
- `{who:has|have}`: the first word for one other person, the second when the reader is among
  them; a third (`{who:them|you|them}`) for several others (else the second).
- `{who:or}`: the people joined with "or" ("you or Priya").
- `{what}` and `{when}`: a thing as written, or a date as people say it ("31 January 2026"),
  or through the reader's `date_words` if given.

An action is an instruction to whoever does it ("Ask {who} for informed consent"). Read by
someone it is about who does not do it, an instruction would tell someone else to "Ask you",
so it is spoken as what its doers should do: "Priya should ask you for informed consent".
Where that general form reads badly, a rule gives the words for the person the action is
about (`Params.actions_about`): the verb phrase after "Priya should".
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ._translation import gettext_noop, translated
from ._types import english_date, spoken_date

SUPERVISOR = "@supervisor"
"""Who an action is for when the supervisor does it (never a participant id: ids start with a
letter or digit)."""

Doer = Literal["professional", "recipient", "both", "supervisor", "supervision"]
"""Who does an action, by role (`supervision`: the professionals and the supervisor); a rule
may name participant ids instead."""


@dataclass(frozen=True)
class Params:
    """A finding's words as templates, what fills their slots, and whom each action is for."""

    message: str
    actions: tuple[str, ...] = ()
    who: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    what: Mapping[str, str] = field(default_factory=dict)
    when: Mapping[str, str] = field(default_factory=dict)
    actions_for: tuple[tuple[str, ...], ...] = ()
    """Each action's doers, in the order of `actions`: participant ids and `SUPERVISOR`."""
    actions_about: tuple[str, ...] = ()
    """For each action in order, its words for a person it is about who does not do it: the
    verb phrase after "Priya should" ("" or absent: the action's own words, as that phrase)."""

    def to_dict(self) -> dict[str, Any]:
        """The `params` of a finding in the assessment's JSON."""
        return {
            "template": {"message": self.message, "actions": list(self.actions)},
            "who": {slot: list(ids) for slot, ids in self.who.items()},
            "what": dict(self.what),
            "when": dict(self.when),
            "for": [list(doers) for doers in self.actions_for],
            # Only where a rule wrote such words, so that other findings read as they did.
            **({"about": list(self.actions_about)} if any(self.actions_about) else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Params:
        """The parameters `to_dict` wrote (a page reads them from the stored assessment)."""
        template = data.get("template", {})
        return cls(
            message=str(template.get("message", "")),
            actions=tuple(str(a) for a in template.get("actions", ())),
            who={slot: tuple(ids) for slot, ids in data.get("who", {}).items()},
            what=dict(data.get("what", {})),
            when=dict(data.get("when", {})),
            actions_for=tuple(tuple(doers) for doers in data.get("for", ())),
            actions_about=tuple(str(a) for a in data.get("about", ())),
        )


@dataclass(frozen=True)
class Reader:
    """Who is reading: their participant id (None for a supervisor, reviewer or admin who is
    not in the relationship), how everyone is named, and whether they supervise it."""

    id: str | None
    names: Mapping[str, str] = field(default_factory=dict)
    supervising: bool = False
    date_words: Callable[[str], str] | None = None

    def called(self, participant_id: str) -> str:
        return self.names.get(participant_id, participant_id)


@dataclass(frozen=True)
class SpokenAction:
    """One action, in the reader's words, and whom it is for ("For you", "For Priya")."""

    text: str
    doers: tuple[str, ...]
    mine: bool
    heading: str


@dataclass(frozen=True)
class Spoken:
    """A finding's message and actions for one reader."""

    message: str
    actions: tuple[SpokenAction, ...]


_LIST_JOIN = ", "  # how the command line's report lists several people (as it always has)


_JOINED = {
    "and": gettext_noop("%(first)s and %(last)s"),
    "or": gettext_noop("%(first)s or %(last)s"),
}
_YOU = gettext_noop("you")
_YOUR = gettext_noop("your")
_POSSESSIVE = gettext_noop("%(name)s's")
_THE_SUPERVISOR = gettext_noop("the supervisor")
_SHOULD = gettext_noop("%(people)s should %(action)s")
_FOR = gettext_noop("For %(people)s")
_FOR_EVERYONE = gettext_noop("For everyone")
_COMMA = gettext_noop(", ")  # between the names of a list, before its last "and"


def _join(names: Sequence[str], word: Literal["and", "or"]) -> str:
    if len(names) < 2:
        return "".join(names)
    first = translated(_COMMA).join(names[:-1])
    return translated(_JOINED[word]) % {"first": first, "last": names[-1]}


def _spoken(when: str, say: Callable[[date], str] = spoken_date) -> str:
    """A date slot as every sentence says a day ("31 January 2026": ADR 0016); anything that
    is not an ISO date stays as written."""
    try:
        return say(date.fromisoformat(when))
    except ValueError:
        return when


def _english(when: str) -> str:
    """A date slot of the command line's words (and the stored message): always English."""
    return _spoken(when, english_date)


class _Formatter(string.Formatter):
    """str.format with people slots that know who is reading."""

    def __init__(self, params: Params, reader: Reader | None, called: Callable[[str], str]):
        super().__init__()
        self.params = params
        self.reader = reader
        self.called = called

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        name = str(key)
        if name in self.params.who:
            return self.params.who[name]
        if name in self.params.when:
            when = self.params.when[name]
            if self.reader is None:
                return _english(when)
            return (self.reader.date_words or _spoken)(when)
        # A rule's own words in a slot (an observation's kind, a level) are marked where the
        # rule writes them, so a reader reads them in their language; typed text and numbers
        # have no catalogue entry and come through as written.
        what = self.params.what[name]
        return what if self.reader is None else translated(what)

    def format_field(self, value: Any, format_spec: str) -> str:
        if not isinstance(value, tuple):
            return str(value)
        return self._people(value, format_spec)

    def _people(self, ids: tuple[str, ...], spec: str) -> str:
        reading = self.reader is not None and self.reader.id in ids
        others = [
            self.called(pid)
            for pid in ids
            if not (reading and self.reader and pid == self.reader.id)
        ]
        if "|" in spec:
            forms = spec.split("|")
            if reading or (len(others) > 1 and len(forms) == 2):
                return forms[1]
            return forms[2] if len(others) > 1 else forms[0]
        if spec == "'s":
            if reading and not others:
                return translated(_YOUR)
            return translated(_POSSESSIVE) % {"name": self._people(ids, "")}
        names = ([translated(_YOU)] if reading else []) + others
        if spec == "or":
            return _join(names, "or")
        if self.reader is None:
            return _LIST_JOIN.join(names)
        return _join(names, "and")


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)(you|your)\b")


def _capitalised(text: str) -> str:
    # "you" where a sentence begins reads "You" (names carry their own capitals).
    return _SENTENCE_START.sub(lambda m: m[1] + m[2].capitalize(), text)


def fill(template: str, params: Params, reader: Reader | None, called: Callable[[str], str]) -> str:
    """One template with its slots filled for this reader (None: the command line's report,
    in the words the rule wrote; a reader reads the template in their own language)."""
    if reader is None:
        return _Formatter(params, reader, called).format(template)
    return _capitalised(_Formatter(params, reader, called).format(translated(template)))


def _others(doers: tuple[str, ...], reader: Reader) -> list[str]:
    """The doers other than the reader, as the reader calls them."""
    people = [reader.called(d) for d in doers if d != SUPERVISOR and d != reader.id]
    if SUPERVISOR in doers and not reader.supervising:
        people.append(translated(_THE_SUPERVISOR))
    return people


def heading(doers: Iterable[str], reader: Reader) -> str:
    """Whom an action is for, as its heading reads to this reader."""
    doers = tuple(doers)
    people = _others(doers, reader)
    if is_mine(doers, reader):
        people.insert(0, translated(_YOU))
    return _for(people) if people else translated(_FOR_EVERYONE)


def _for(people: Sequence[str]) -> str:
    return translated(_FOR) % {"people": _join(people, "and")}


def is_mine(doers: Iterable[str], reader: Reader) -> bool:
    doers = tuple(doers)
    return reader.id in doers or (reader.supervising and SUPERVISOR in doers)


def _about(template: str, params: Params, reader: Reader) -> bool:
    """Whether a template names the reader in one of its people slots."""
    return reader.id is not None and any(
        slot in params.who and reader.id in params.who[slot]
        for _, slot, _, _ in string.Formatter().parse(template)
        if slot
    )


_LEAD = re.compile(r"(Or|Then|And) ")  # a word that stays before "Priya should"


def _should(phrase: str, params: Params, reader: Reader, doers: tuple[str, ...]) -> str:
    """An instruction to others that is about the reader, as what they should do: "Priya
    should ask you for informed consent" (never "Ask you")."""
    lead = _LEAD.match(phrase)
    if lead:
        phrase = phrase[lead.end() :]
    if not phrase.startswith("{"):  # an imperative's first word now follows "should"
        phrase = phrase[:1].lower() + phrase[1:]
    subject = _join(_others(doers, reader), "and")
    action = _Formatter(params, reader, reader.called).format(phrase)
    said = _capitalised(translated(_SHOULD) % {"people": subject, "action": action})
    if lead:
        return f"{lead[1]} {said}"
    # A sentence starts with a capital: names carry their own, "the supervisor" gets one.
    if said.startswith(translated(_THE_SUPERVISOR)):
        return said[:1].upper() + said[1:]
    return said


def _action(n: int, params: Params, reader: Reader, doers: tuple[str, ...]) -> str:
    """The action `n` in the reader's words."""
    template = params.actions[n]
    if is_mine(doers, reader) or not _others(doers, reader) or not _about(template, params, reader):
        return fill(template, params, reader, reader.called)
    about = params.actions_about[n] if n < len(params.actions_about) else ""
    return _should(translated(about or template), params, reader, doers)


def speak_words(
    message: str, actions: Sequence[str], params: Params | None, reader: Reader
) -> Spoken:
    """A finding's words for this reader: its templates filled, each action with whom it is for.
    A finding without parameters (from an older stored assessment) keeps its words."""
    if params is None:
        params = Params(message, tuple(actions))
    doers = (list(params.actions_for) + [()] * len(params.actions))[: len(params.actions)]
    return Spoken(
        message=fill(params.message, params, reader, reader.called),
        actions=tuple(
            SpokenAction(
                _action(n, params, reader, tuple(who)),
                tuple(who),
                is_mine(who, reader),
                heading(who, reader),
            )
            for n, who in enumerate(doers)
        ),
    )


def grouped_actions(spoken: Iterable[Spoken], reader: Reader) -> list[tuple[str, list[str]]]:
    """Every action once, under whom it is for: the reader's own first, then the rest in the
    order they first come (most severe finding first)."""
    groups: dict[str, dict[str, None]] = {}
    own: set[str] = set()
    for one in spoken:
        for action in one.actions:
            groups.setdefault(action.heading, {})[action.text] = None
            if action.mine:
                own.add(action.heading)
    yours = _for([translated(_YOU)])
    order = sorted(groups, key=lambda h: (h not in own, h != yours))
    return [(h, list(groups[h])) for h in order]
