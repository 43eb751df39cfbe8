"""The outcomes report: each person's change, paired PHQ-9/GAD-7 rates and group change.

The scores below are small enough to work out by hand; each expected value in
these tests was computed from them on paper, not by running the code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import pytest

from mutuality.outcomes import (
    Instrument,
    InstrumentDefinition,
    build_instruments,
    outcomes_report,
    read_scores_csv,
)

SCORES = """\
person,instrument,date,score,goal
p1,phq9,2025-01-10,18,
p1,phq9,2025-03-10,8,
p1,gad7,2025-01-10,12,
p1,gad7,2025-03-10,6,
p1,gbo,2025-01-10,3,Sleep better
p1,gbo,2025-03-10,3,Sleep better
p2,phq9,2025-01-10,5,
p2,phq9,2025-06-10,12,
p2,gad7,2025-01-10,4,
p2,gad7,2025-06-10,9,
p3,phq9,2025-02-01,20,
p3,phq9,2025-04-01,12,
p3,gad7,2025-02-01,10,
p3,gad7,2025-04-01,9,
p4,phq9,2025-02-01,14,
p4,phq9,2025-03-01,9,
p4,gad7,2025-02-01,9,
p5,who5,2025-01-05,32,
p5,who5,2025-02-01,38,
p5,who5,2025-09-01,52,
p5,who5,2026-03-01,60,
p5,gbo,2025-01-05,2,Walk to the shop
p5,gbo,2025-04-20,7,Walk to the shop
p5,gbo,2025-01-05,4,Call my sister
p5,gbo,2025-04-20,5,Call my sister
p5,ons4.happy,2025-01-05,4,
p5,ons4.happy,2025-04-20,8,
"""

PEOPLE_KEYS = {
    "person",
    "instrument",
    "first",
    "latest",
    "days",
    "difference",
    "rci",
    "reliable_change_threshold",
    "change",
    "category",
    "horizons",
}
PAIRED_KEYS = {
    "person",
    "caseness",
    "recovered",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
}
RATE_KEYS = {
    "finished",
    "not_at_caseness",
    "recovery",
    "reliable_recovery",
    "reliable_improvement",
    "reliable_deterioration",
}
GROUP_KEYS = {
    "instrument",
    "n",
    "mean_first",
    "mean_latest",
    "mean_change",
    "ci95",
    "d_baseline",
    "d_z",
    "d_av",
    "g_av",
    "proportions",
}
T_975_3DF = 3.182446305284263  # Student's t, 97.5th percentile, 3 degrees of freedom
Z_975 = 1.959964


def _report(text: str, instruments: Mapping[str, Instrument]) -> dict[str, Any]:
    series = read_scores_csv(text, "scores.csv", instruments)
    # Through JSON and back, so the test sees exactly what `--format json` prints.
    report: dict[str, Any] = json.loads(json.dumps(outcomes_report(series).to_dict()))
    return report


@pytest.fixture
def report(shipped: Mapping[str, Instrument]) -> dict[str, Any]:
    """The report of the hand-made scores above."""
    return _report(SCORES, shipped)


def _person(report: dict[str, Any], person: str, instrument: str) -> dict[str, Any]:
    entries: list[dict[str, Any]] = [
        p for p in report["people"] if p["person"] == person and p["instrument"] == instrument
    ]
    (entry,) = entries
    return entry


def _group(report: dict[str, Any], instrument: str) -> dict[str, Any]:
    entries: list[dict[str, Any]] = [g for g in report["groups"] if g["instrument"] == instrument]
    (entry,) = entries
    return entry


def _wilson(count: int, n: int) -> tuple[float, float]:
    p, z2 = count / n, Z_975**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_975 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return centre - half, centre + half


def test_the_report_has_its_format_and_the_four_sections(report: dict[str, Any]) -> None:
    """The report names its format and holds people, paired, paired_rates and groups."""
    # Assert
    assert report["format"] == "mutuality.outcomes/1"
    assert {"people", "paired", "paired_rates", "groups"} <= set(report)


def test_every_section_entry_has_the_documented_fields(report: dict[str, Any]) -> None:
    """People, paired, rates and group entries each carry every field the format promises."""
    # Assert
    assert all(PEOPLE_KEYS.issubset(entry) for entry in report["people"])
    assert all(set(entry["horizons"]) == {"short", "medium", "long"} for entry in report["people"])
    assert all(PAIRED_KEYS.issubset(entry) for entry in report["paired"])
    assert RATE_KEYS.issubset(report["paired_rates"])
    assert all(GROUP_KEYS.issubset(entry) for entry in report["groups"])
    for entry in report["groups"]:
        assert set(entry["proportions"]) == {
            "reliable_improvement",
            "recovery",
            "reliable_deterioration",
        }
        assert all({"n", "proportion", "ci95"} <= set(p) for p in entry["proportions"].values())


def test_there_is_one_people_entry_per_person_and_series(report: dict[str, Any]) -> None:
    """Each person's instruments, goals and ONS4 items give one entry each, and no more."""
    # Assert
    found = sorted((p["person"], p["instrument"]) for p in report["people"])
    assert found == sorted(
        [
            ("p1", "phq9"),
            ("p1", "gad7"),
            ("p1", "gbo.1"),
            ("p2", "phq9"),
            ("p2", "gad7"),
            ("p3", "phq9"),
            ("p3", "gad7"),
            ("p4", "phq9"),
            ("p4", "gad7"),
            ("p5", "who5"),
            ("p5", "gbo.1"),
            ("p5", "gbo.2"),
            ("p5", "ons4.happy"),
        ]
    )


def test_goals_become_numbered_series_per_person_and_keep_their_words(
    report: dict[str, Any],
) -> None:
    """p5's two goals are gbo.1 and gbo.2, while p1's only goal is p1's own gbo.1."""
    # Assert
    assert _person(report, "p5", "gbo.1")["goal"] == "Walk to the shop"
    assert _person(report, "p5", "gbo.2")["goal"] == "Call my sister"
    assert _person(report, "p1", "gbo.1")["goal"] == "Sleep better"


def test_a_phq9_recovery_is_classified_with_a_fixed_threshold_and_no_rci(
    report: dict[str, Any],
) -> None:
    """p1's PHQ-9 18 → 8 in 59 days is a reliable improvement to recovery, with rci null."""
    # Act
    p1 = _person(report, "p1", "phq9")

    # Assert
    assert (p1["first"], p1["latest"], p1["days"], p1["difference"]) == (18, 8, 59, -10)
    assert p1["rci"] is None
    assert p1["reliable_change_threshold"] == 6
    assert p1["change"] == "reliable_improvement"
    assert p1["category"] == "recovered"
    assert p1["horizons"] == {"short": "reliable_improvement", "medium": None, "long": None}


def test_a_phq9_rise_from_below_the_cut_off_is_harm(report: dict[str, Any]) -> None:
    """p2's PHQ-9 5 → 12 is a reliable deterioration across the cut-off, so harmed."""
    # Act
    p2 = _person(report, "p2", "phq9")

    # Assert
    assert p2["difference"] == 7
    assert p2["change"] == "reliable_deterioration"
    assert p2["category"] == "harmed"
    assert p2["horizons"] == {"short": None, "medium": "reliable_deterioration", "long": None}


def test_horizons_compare_the_first_score_with_the_last_in_each_period(
    report: dict[str, Any],
) -> None:
    """p5's WHO-5 32 → 38 → 52 → 60 over 420 days is unchanged short term, improved later."""
    # Act
    p5 = _person(report, "p5", "who5")

    # Assert
    assert (p5["first"], p5["latest"], p5["days"], p5["difference"]) == (32, 60, 420, 28)
    assert p5["change"] == "reliable_improvement"
    assert p5["category"] == "recovered"
    assert p5["horizons"] == {
        "short": "no_reliable_change",
        "medium": "reliable_improvement",
        "long": "reliable_improvement",
    }


def test_a_single_score_has_nothing_to_compare(report: dict[str, Any]) -> None:
    """p4's one GAD-7 score gives no change, category or horizon, over 0 days."""
    # Act
    p4 = _person(report, "p4", "gad7")

    # Assert
    assert (p4["first"], p4["latest"], p4["days"], p4["difference"]) == (9, 9, 0, 0)
    assert p4["change"] is None
    assert p4["category"] is None
    assert p4["horizons"] == {"short": None, "medium": None, "long": None}


def test_an_ons4_item_reports_its_band_movement_and_no_reliable_change(
    report: dict[str, Any],
) -> None:
    """ONS4 happiness 4 → 8 has no reliable-change statistic, so it shows bands low → high."""
    # Act
    p5 = _person(report, "p5", "ons4.happy")

    # Assert
    assert p5["difference"] == 4
    assert p5["rci"] is None
    assert p5["reliable_change_threshold"] is None
    assert p5["change"] is None
    assert p5["category"] is None
    assert p5["bands"] == {"first": "low", "latest": "high"}


def test_paired_outcomes_list_only_the_people_who_finished(report: dict[str, Any]) -> None:
    """p1, p2 and p3 have two scores on both measures; p4 and p5 are left out."""
    # Act
    paired = {entry["person"]: entry for entry in report["paired"]}

    # Assert
    assert set(paired) == {"p1", "p2", "p3"}
    assert paired["p1"] == {
        "person": "p1",
        "caseness": True,
        "recovered": True,
        "reliable_improvement": True,
        "reliable_deterioration": False,
        "reliable_recovery": True,
    }


def test_a_reliable_improvement_still_at_caseness_is_not_recovery(report: dict[str, Any]) -> None:
    """p3's PHQ-9 20 → 12 improves reliably but stays at caseness, so recovery is false."""
    # Act
    (p3,) = (entry for entry in report["paired"] if entry["person"] == "p3")

    # Assert
    assert p3["caseness"] is True
    assert p3["reliable_improvement"] is True
    assert p3["recovered"] is False
    assert p3["reliable_recovery"] is False


def test_recovery_is_null_for_someone_not_at_caseness(report: dict[str, Any]) -> None:
    """p2 started below both cut-offs, so recovered and reliable_recovery are null."""
    # Act
    (p2,) = (entry for entry in report["paired"] if entry["person"] == "p2")

    # Assert
    assert p2["caseness"] is False
    assert p2["recovered"] is None
    assert p2["reliable_recovery"] is None
    assert p2["reliable_deterioration"] is True
    assert p2["reliable_improvement"] is False


def test_paired_rates_use_the_talking_therapies_denominators(report: dict[str, Any]) -> None:
    """Recovery is out of 3 finished − 1 not at caseness; improvement out of all 3 finished."""
    # Act
    rates = report["paired_rates"]

    # Assert
    assert rates["finished"] == 3
    assert rates["not_finished"] == 1
    assert rates["not_at_caseness"] == 1
    assert rates["recovery"] == pytest.approx(1 / 2)
    assert rates["reliable_recovery"] == pytest.approx(1 / 2)
    assert rates["reliable_improvement"] == pytest.approx(2 / 3)
    assert rates["reliable_deterioration"] == pytest.approx(1 / 3)


def test_paired_rates_are_null_when_nobody_has_finished(shipped: Mapping[str, Instrument]) -> None:
    """With only one PHQ-9 and one GAD-7 score each, every rate's denominator is 0, so null."""
    # Arrange
    text = "person,instrument,date,score\np1,phq9,2025-01-01,12\np1,gad7,2025-01-01,9\n"

    # Act
    rates = _report(text, shipped)["paired_rates"]

    # Assert
    assert rates["finished"] == 0
    assert rates["not_finished"] == 1
    assert rates["recovery"] is None
    assert rates["reliable_recovery"] is None
    assert rates["reliable_improvement"] is None
    assert rates["reliable_deterioration"] is None


def test_recovery_rate_is_null_when_nobody_finished_at_caseness(
    shipped: Mapping[str, Instrument],
) -> None:
    """Finished people who all started below caseness give null recovery but real improvement."""
    # Arrange
    text = (
        "person,instrument,date,score\n"
        "p1,phq9,2025-01-01,8\np1,phq9,2025-02-01,1\n"
        "p1,gad7,2025-01-01,7\np1,gad7,2025-02-01,6\n"
    )

    # Act
    rates = _report(text, shipped)["paired_rates"]

    # Assert
    assert rates["not_at_caseness"] == 1
    assert rates["recovery"] is None
    assert rates["reliable_recovery"] is None
    assert rates["reliable_improvement"] == 1.0
    assert rates["reliable_deterioration"] == 0.0


def test_there_is_one_group_per_instrument_with_goals_pooled(report: dict[str, Any]) -> None:
    """Groups are phq9, gad7, gbo (every goal pooled), who5 and the ONS4 item on its own."""
    # Assert
    assert sorted(g["instrument"] for g in report["groups"]) == sorted(
        ["phq9", "gad7", "gbo", "who5", "ons4.happy"]
    )


def test_phq9_group_change_matches_the_hand_calculation(report: dict[str, Any]) -> None:
    """Four PHQ-9 pairs with changes −10, +7, −8, −5 give mean −4 and SD √58."""
    # Arrange
    sd_change, sd_first, sd_latest = math.sqrt(58), math.sqrt(44.25), math.sqrt(4.25)
    half_width = T_975_3DF * sd_change / 2
    d_av = -4 / ((sd_first + sd_latest) / 2)

    # Act
    phq9 = _group(report, "phq9")

    # Assert
    assert phq9["n"] == 4
    assert phq9["mean_first"] == pytest.approx(14.25)
    assert phq9["mean_latest"] == pytest.approx(10.25)
    assert phq9["mean_change"] == pytest.approx(-4)
    assert phq9["ci95"] == pytest.approx([-4 - half_width, -4 + half_width], rel=1e-6)
    assert phq9["d_baseline"] == pytest.approx(-4 / sd_first)
    assert phq9["d_z"] == pytest.approx(-4 / sd_change)
    assert phq9["d_av"] == pytest.approx(d_av)
    assert phq9["g_av"] == pytest.approx(d_av * 8 / 11)


def test_phq9_group_proportions_and_their_wilson_intervals(report: dict[str, Any]) -> None:
    """PHQ-9: 2 of 4 improved, 1 of 4 deteriorated, 1 of the 3 clinical at first recovered."""
    # Act
    proportions = _group(report, "phq9")["proportions"]

    # Assert
    assert proportions["reliable_improvement"]["n"] == 4
    assert proportions["reliable_improvement"]["proportion"] == pytest.approx(2 / 4)
    assert proportions["reliable_deterioration"]["proportion"] == pytest.approx(1 / 4)
    assert proportions["recovery"]["n"] == 3
    assert proportions["recovery"]["proportion"] == pytest.approx(1 / 3)
    assert proportions["recovery"]["ci95"] == pytest.approx(_wilson(1, 3))
    assert proportions["reliable_improvement"]["ci95"] == pytest.approx(_wilson(2, 4))


def test_gad7_group_leaves_out_the_person_with_one_score(report: dict[str, Any]) -> None:
    """GAD-7 has three pairs (p4 has one score): changes −6, +5, −1 give mean −2/3."""
    # Act
    gad7 = _group(report, "gad7")

    # Assert
    assert gad7["n"] == 3
    assert gad7["mean_first"] == pytest.approx(26 / 3)
    assert gad7["mean_latest"] == pytest.approx(8)
    assert gad7["mean_change"] == pytest.approx(-2 / 3)
    assert gad7["proportions"]["recovery"]["n"] == 2
    assert gad7["proportions"]["recovery"]["proportion"] == pytest.approx(1 / 2)
    assert gad7["g_av"] is not None


def test_goals_are_pooled_into_one_gbo_group(report: dict[str, Any]) -> None:
    """Three goals (3 → 3, 2 → 7, 4 → 5) pool into one gbo group with mean change 2."""
    # Act
    gbo = _group(report, "gbo")

    # Assert
    assert gbo["n"] == 3
    assert gbo["mean_change"] == pytest.approx(2)
    assert gbo["proportions"]["reliable_improvement"]["proportion"] == pytest.approx(1 / 3)
    assert gbo["proportions"]["recovery"]["n"] == 0
    assert gbo["proportions"]["recovery"]["proportion"] is None


def test_a_group_of_one_has_a_mean_but_no_interval_or_effect_size(report: dict[str, Any]) -> None:
    """WHO-5 has one pair, so the mean change is 28 and the rest is null, not an error."""
    # Act
    who5 = _group(report, "who5")

    # Assert
    assert who5["n"] == 1
    assert who5["mean_change"] == pytest.approx(28)
    assert who5["ci95"] is None
    assert who5["d_baseline"] is None
    assert who5["d_z"] is None
    assert who5["d_av"] is None
    assert who5["g_av"] is None


def test_an_ons4_group_has_no_proportions_to_give(report: dict[str, Any]) -> None:
    """With no reliable-change statistic, every ONS4 proportion has n 0 and null values."""
    # Act
    proportions = _group(report, "ons4.happy")["proportions"]

    # Assert
    for proportion in proportions.values():
        assert proportion["n"] == 0
        assert proportion["proportion"] is None
        assert proportion["ci95"] is None


def test_numbers_are_not_rounded(report: dict[str, Any]) -> None:
    """Mean change −2/3 is printed at full precision, not rounded to a few places."""
    # Act
    mean_change = _group(report, "gad7")["mean_change"]

    # Assert
    assert mean_change == pytest.approx(-2 / 3, abs=1e-12)
    assert mean_change != round(mean_change, 4)


def test_a_custom_jacobson_truax_instrument_gives_the_worked_example() -> None:
    """SD 7.5, reliability 0.8, norms 40 and 60: 32 → 52 is recovered, 45 → 40 unchanged."""
    # Arrange
    definition = InstrumentDefinition.model_validate(
        {
            "id": "service_scale",
            "name": "Service wellbeing scale",
            "range": [0, 100],
            "higher_is": "better",
            "sd": 7.5,
            "reliability": 0.80,
            "clinical_mean": 40,
            "clinical_sd": 7.5,
            "normal_mean": 60,
            "normal_sd": 7.5,
        }
    )
    text = (
        "person,instrument,date,score\n"
        "p1,service_scale,2025-01-01,32\np1,service_scale,2025-05-01,52\n"
        "p2,service_scale,2025-01-01,45\np2,service_scale,2025-05-01,40\n"
    )

    # Act
    report = _report(text, build_instruments([definition]))

    # Assert
    p1, p2 = _person(report, "p1", "service_scale"), _person(report, "p2", "service_scale")
    assert p1["rci"] == pytest.approx(4.2164, abs=5e-5)
    assert p1["reliable_change_threshold"] == pytest.approx(9.2969, abs=5e-5)
    assert p1["change"] == "reliable_improvement"
    assert p1["category"] == "recovered"
    assert p2["rci"] == pytest.approx(-1.0541, abs=5e-5)
    assert p2["category"] == "unchanged"
