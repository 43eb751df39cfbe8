"""A finding spoken to its reader: "you" for the person reading, names for everyone else, each
action under whom it is for; the command line's words stay as they were."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from mutuality.framework import (
    SUPERVISOR,
    Assessment,
    Reader,
    assess,
    finding_from_dict,
    grouped_actions,
    render_text,
    speak,
    validate_case,
)
from tests.unit.framework.test_rules import CASES
from tests.unit.framework.test_rules import clean_case as fresh_case

NAMES = {"jo": "Priya", "ravi": "Sian"}  # jo is the professional, ravi the co-producer


def _assessed(case: dict[str, Any]) -> Assessment:
    for participant in case["participants"]:
        participant["name"] = NAMES[participant["id"]]
    return assess(validate_case(case, "test"))


def _finding(case: dict[str, Any], code: str) -> Any:
    [found] = [f for f in _assessed(case).findings if f.code == code]
    return found


def _divergent() -> dict[str, Any]:
    case = fresh_case()
    case["participants"][0]["answers"]["can_decline"] = "yes"
    case["participants"][1]["answers"]["can_decline"] = "unsure"
    return case


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        (Reader("ravi", NAMES), "You and Priya answered 1 of the questions differently"),
        (Reader("jo", NAMES), "You and Sian answered 1 of the questions differently"),
        (Reader(None, NAMES), "Priya and Sian answered 1 of the questions differently"),
    ],
)
def test_divergent_views_speak_to_each_reader(reader: Reader, expected: str) -> None:
    """Each co-producer reads "you and" the other; a supervisor reads both names."""
    finding = _finding(_divergent(), "respect.divergent_views")

    spoken = speak(finding, reader)

    assert spoken.message.startswith(expected)


def test_the_command_line_keeps_its_words() -> None:
    """The report still says "You answered" to both people at once, and names each person."""
    case = _divergent()
    case["participants"][1]["consent"] = "not_sought"
    assessment = _assessed(case)

    text = render_text(assessment)

    assert "You answered 1 of the questions differently: can decline." in text
    assert "Sian has not yet been asked to consent to working this way." in text
    assert "   - Ask Sian for informed consent: explain the costs" in text


def test_the_person_a_finding_is_about_reads_you() -> None:
    """A missing consent reads "You have not yet been asked" to its person, their name to
    everyone else."""
    case = fresh_case()
    case["participants"][1]["consent"] = "not_sought"
    finding = _finding(case, "respect.consent_missing")

    own = speak(finding, Reader("ravi", NAMES)).message
    professional = speak(finding, Reader("jo", NAMES)).message

    assert own == "You have not yet been asked to consent to working this way."
    assert professional == "Sian has not yet been asked to consent to working this way."
    assert finding.message == professional


def test_an_action_says_whom_it_is_for() -> None:
    """Asking the co-producer for consent is the professional's: "For you" to them, "For Priya"
    to the co-producer, who reads themselves as "you"."""
    case = fresh_case()
    case["participants"][1]["consent"] = "not_sought"
    finding = _finding(case, "respect.consent_missing")

    [mine] = speak(finding, Reader("jo", NAMES)).actions
    [theirs] = speak(finding, Reader("ravi", NAMES)).actions

    assert (mine.heading, mine.mine) == ("For you", True)
    assert (theirs.heading, theirs.mine) == ("For Priya", False)
    assert theirs.text == (
        "Priya should explain the costs, the benefits and the other ways of working to you, "
        "then ask for your informed consent."
    )


def test_an_action_about_the_reader_says_who_should_do_it() -> None:
    """Someone else's action about the reader reads "Priya should …", never "Ask you"; the
    professional, who does it, still reads the instruction."""
    case = fresh_case()
    del case["participants"][1]["can_decline_freely"]
    for participant in case["participants"]:
        participant["answers"]["can_decline"] = "unsure"
    finding = _finding(case, "responsibility.decline_unknown")

    [theirs] = speak(finding, Reader("ravi", NAMES)).actions
    [mine] = speak(finding, Reader("jo", NAMES)).actions

    assert theirs.text == (
        "Priya should check, and tell you, whether you can decline or leave without losing any "
        "service."
    )
    assert mine.text.startswith("Check, and tell Sian, whether they can decline")


def test_the_supervisor_reads_their_own_actions_as_theirs() -> None:
    """An action for the supervisor is "For you" to the supervisor, "For the supervisor" to
    the two people."""
    case = fresh_case()
    case["scrutiny"]["public_reporting"] = False
    finding = _finding(case, "competence.no_public_reporting")

    [supervisor] = speak(finding, Reader(None, NAMES, supervising=True)).actions
    [co_producer] = speak(finding, Reader("ravi", NAMES)).actions

    assert supervisor.doers == (SUPERVISOR,)
    assert (supervisor.heading, co_producer.heading) == ("For you", "For the supervisor")


def test_the_readers_own_actions_come_first() -> None:
    """Grouped, the co-producer's own actions head the list, before the professional's."""
    case = fresh_case()
    case["participants"][1]["consent"] = "not_sought"
    del case["contract"]
    reader = Reader("ravi", NAMES)
    spoken = [speak(f, reader) for f in _assessed(case).findings]

    groups = grouped_actions(spoken, reader)

    headings = [heading for heading, _ in groups]
    assert headings[0] == "For you and Priya"
    assert "For Priya" in headings


def test_a_stored_finding_speaks_as_the_one_assessed() -> None:
    """A finding read back from the assessment's JSON speaks exactly as the original."""
    case = fresh_case()
    case["participants"][1]["consent"] = "not_sought"
    finding = _finding(case, "respect.consent_missing")
    reader = Reader("ravi", NAMES)

    stored = finding_from_dict(json.loads(json.dumps(_assessed(case).to_dict()))["findings"][0])

    assert stored.code == finding.code
    assert speak(stored, reader) == speak(finding, reader)


@pytest.mark.parametrize(("code", "change", "severity"), CASES, ids=[c[0] for c in CASES])
def test_no_reader_ever_sees_an_unfilled_slot(code: str, change: Any, severity: str) -> None:
    """Whatever fires, every reader's words are whole: no braces, no ids, "you" for themselves."""
    case = fresh_case()
    change(case)
    findings = _assessed(case).findings

    for reader in (Reader("jo", NAMES), Reader("ravi", NAMES), Reader(None, NAMES)):
        for finding in findings:
            spoken = speak(finding, reader)
            words = [spoken.message, *(a.text for a in spoken.actions)]
            assert not any("{" in w or "}" in w for w in words), words
            if reader.id is not None and reader.id in finding.params.who.get("who", ()):  # type: ignore[union-attr]
                assert NAMES[reader.id] not in spoken.message, spoken.message


_READERS = (
    Reader("jo", NAMES),
    Reader("ravi", NAMES),
    Reader(None, NAMES),
    Reader(None, NAMES, supervising=True),
)
_MISUSED_YOU = re.compile(
    r"\byou (has|is|was|does|doesn't|says|holds|expects|needs|wants|thinks|answers|agrees)\b"
    r"|\byou's\b|\byour's\b|\byou are been\b",
    re.IGNORECASE,
)
# An instruction that opens by telling someone else to do something to the reader: "Ask you",
# "Explain to you", "Check your capacity", "Check, and tell you", "Write down, with you".
_INSTRUCTION_ABOUT_YOU = re.compile(
    r"^(Or )?[A-Z][a-z]+( [a-z]+)?,?( and [a-z]+,?)? ((with|to) )?(you|your)\b"
)


def _both_fire(change: Any) -> dict[str, Any]:
    """The clean case with `change` made, and what it did to the co-producer's consent or
    capacity done to the professional too, so that slots holding two people
    are spoken as well."""
    case = fresh_case()
    change(case)
    professional, co_producer = case["participants"]
    for key in ("consent", "capacity"):
        if key in co_producer:
            professional[key] = co_producer[key]
    return case


@pytest.mark.parametrize(("code", "change", "severity"), CASES, ids=[c[0] for c in CASES])
def test_you_is_spoken_as_subject_object_and_possessive(
    code: str, change: Any, severity: str
) -> None:
    """Every rule's words, to every reader, use "you" as English does: never "you has", "you
    is", "you's", and never an instruction to someone else that opens "Ask you"."""
    said: list[str] = []
    one = fresh_case()
    change(one)
    for case in (one, _both_fire(change)):
        for finding in _assessed(case).findings:
            for reader in _READERS:
                spoken = speak(finding, reader)
                said.append(spoken.message)
                said.extend(a.text for a in spoken.actions)
                others = [a.text for a in spoken.actions if not a.mine]

                assert not [t for t in others if _INSTRUCTION_ABOUT_YOU.match(t)], others

    assert not [words for words in said if _MISUSED_YOU.search(words)]


@pytest.mark.parametrize(("code", "change", "severity"), CASES, ids=[c[0] for c in CASES])
def test_someone_elses_action_about_the_reader_names_who_should_do_it(
    code: str, change: Any, severity: str
) -> None:
    """An action the reader does not do but is about them opens with its doers: "Priya should",
    "The supervisor should"."""
    case = fresh_case()
    change(case)
    findings = _assessed(case).findings

    for reader in (Reader("jo", NAMES), Reader("ravi", NAMES)):
        for finding in findings:
            assert finding.params is not None
            spoken = speak(finding, reader)
            for template, action in zip(finding.params.actions, spoken.actions, strict=True):
                about = reader.id in finding.params.who.get("who", ()) and "{who" in template
                if about and not action.mine:
                    doers = action.heading.removeprefix("For ")
                    opening = doers[:1].upper() + doers[1:] + " should "
                    assert action.text.removeprefix("Or ").startswith(opening), action.text
