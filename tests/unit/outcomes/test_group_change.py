"""Group change: mean change, effect sizes and proportions (docs/outcomes.md, "How change is classified")."""

import json
import math
from collections.abc import Mapping

import pytest

from mutuality.outcomes import Instrument
from mutuality.outcomes._group import GroupChange, Proportion, group_change
from mutuality.outcomes._stats import wilson_interval

# PHQ-9 (higher is worse, reliable change 6, clinical at 10 and above), four people:
# 20 → 8 recovered, 15 → 12 unchanged, 9 → 18 harmed, 12 → 4 recovered.
FOUR_PEOPLE = [(20.0, 8.0), (15.0, 12.0), (9.0, 18.0), (12.0, 4.0)]


@pytest.fixture
def phq9(shipped: Mapping[str, Instrument]) -> Instrument:
    """The shipped PHQ-9."""
    return shipped["phq9"]


@pytest.fixture
def four_people(phq9: Instrument) -> GroupChange:
    """The group change of the four hand-computed people."""
    return group_change(phq9, FOUR_PEOPLE)


def test_group_means(four_people: GroupChange) -> None:
    """First scores average 14, latest 10.5, and the mean change is −3.5."""
    # Arrange
    result = four_people

    # Act
    means = (result.instrument, result.n, result.mean_first, result.mean_latest, result.mean_change)

    # Assert
    assert means == ("phq9", 4, 14, 10.5, -3.5)


def test_group_confidence_interval(four_people: GroupChange) -> None:
    """Changes −12, −3, 9, −8 have SD √83, so −3.5 ± t(0.975, 3) × √83 / 2."""
    # Arrange
    half = 3.1824463053 * math.sqrt(83) / 2

    # Act
    interval = four_people.ci95

    # Assert
    assert interval == pytest.approx((-3.5 - half, -3.5 + half), rel=1e-9)
    assert half == pytest.approx(14.4967, abs=1e-4)


def test_group_effect_sizes(four_people: GroupChange) -> None:
    """SD_first √22, SD_latest √(107/3) and SD_change √83 give the four named effect sizes."""
    # Arrange
    d_av = -3.5 / ((math.sqrt(22) + math.sqrt(107 / 3)) / 2)

    # Act
    result = four_people

    # Assert
    assert result.d_baseline == pytest.approx(-3.5 / math.sqrt(22), rel=1e-12)
    assert result.d_z == pytest.approx(-3.5 / math.sqrt(83), rel=1e-12)
    assert result.d_av == pytest.approx(d_av, rel=1e-12)
    assert result.g_av == pytest.approx(d_av * (1 - 3 / 11), rel=1e-12)
    assert (result.d_baseline, result.d_z, result.d_av, result.g_av) == pytest.approx(
        (-0.746203, -0.384175, -0.656502, -0.477456), abs=1e-6
    )


def test_group_proportions(four_people: GroupChange) -> None:
    """Two of four improve and one deteriorates; two of the three clinical at first recover."""
    # Arrange
    expected = {
        "reliable_improvement": Proportion(4, 2, 0.5, wilson_interval(2, 4)),
        "recovery": Proportion(3, 2, 2 / 3, wilson_interval(2, 3)),
        "reliable_deterioration": Proportion(4, 1, 0.25, wilson_interval(1, 4)),
    }

    # Act
    proportions = dict(four_people.proportions)

    # Assert
    assert proportions == expected


def test_group_of_one_has_means_but_no_spread(phq9: Instrument) -> None:
    """One person gives means and proportions, but no interval or effect size."""
    # Arrange
    pairs = [(20.0, 8.0)]

    # Act
    result = group_change(phq9, pairs)

    # Assert
    assert (result.n, result.mean_first, result.mean_latest, result.mean_change) == (1, 20, 8, -12)
    assert (result.ci95, result.d_baseline, result.d_z, result.d_av, result.g_av) == (None,) * 5
    assert result.proportions["recovery"].count == 1


def test_group_of_nobody_is_all_none(phq9: Instrument) -> None:
    """An empty group has n 0 and no statistics, and no error."""
    # Arrange
    pairs: list[tuple[float, float]] = []

    # Act
    result = group_change(phq9, pairs)

    # Assert
    assert result.n == 0
    assert result.mean_change is None
    assert all(p == Proportion(0, 0, None, None) for p in result.proportions.values())


def test_same_first_scores_give_no_baseline_d(phq9: Instrument) -> None:
    """With SD_first 0, d on baseline SD is None, while d_z and d_av can still be computed."""
    # Arrange
    pairs = [(15.0, 10.0), (15.0, 12.0), (15.0, 20.0)]

    # Act
    result = group_change(phq9, pairs)

    # Assert
    assert result.d_baseline is None
    assert result.d_z is not None
    assert result.d_av is not None


def test_same_changes_give_no_d_z(phq9: Instrument) -> None:
    """With every change equal, SD_change is 0: d_z is None and the interval has no width."""
    # Arrange
    pairs = [(10.0, 5.0), (12.0, 7.0), (14.0, 9.0)]

    # Act
    result = group_change(phq9, pairs)

    # Assert
    assert result.d_z is None
    assert result.ci95 == (-5, -5)


def test_same_scores_throughout_give_no_effect_sizes(phq9: Instrument) -> None:
    """With every score the same, no effect size can be computed."""
    # Arrange
    pairs = [(12.0, 12.0), (12.0, 12.0)]

    # Act
    result = group_change(phq9, pairs)

    # Assert
    assert (result.d_baseline, result.d_z, result.d_av, result.g_av) == (None,) * 4
    assert result.mean_change == 0


def test_hedges_g_needs_three_people(phq9: Instrument) -> None:
    """At n = 2 d_av is computed but g_av is None, as its correction would be 0."""
    # Arrange
    pairs = [(20.0, 8.0), (15.0, 12.0)]

    # Act
    result = group_change(phq9, pairs)

    # Assert
    assert result.d_av is not None
    assert result.g_av is None


def test_recovery_needs_a_cutoff(shipped: Mapping[str, Instrument]) -> None:
    """Goal-based outcomes have no cut-off, so recovery has n 0 while improvement is counted."""
    # Arrange
    pairs = [(2.0, 8.0), (5.0, 6.0)]

    # Act
    result = group_change(shipped["gbo"], pairs)

    # Assert
    assert result.proportions["recovery"] == Proportion(0, 0, None, None)
    assert result.proportions["reliable_improvement"].count == 1


def test_proportions_need_reliable_change(shipped: Mapping[str, Instrument]) -> None:
    """An ONS4 item has no reliable-change statistic, so every proportion has n 0."""
    # Arrange
    anxious = next(s for s in shipped["ons4"].item_series if s.id == "ons4.anxious")

    # Act
    result = group_change(anxious, [(8.0, 2.0), (6.0, 3.0)])

    # Assert
    assert all(p.n == 0 and p.proportion is None for p in result.proportions.values())
    assert result.mean_change == -4.5


def test_to_dict_is_json_ready(four_people: GroupChange) -> None:
    """The dict uses the field names, gives intervals as lists, and survives JSON."""
    # Arrange
    result = four_people

    # Act
    data = json.loads(json.dumps(result.to_dict()))

    # Assert
    assert list(data) == [
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
    ]
    assert data["ci95"] == list(result.ci95 or ())
    assert data["proportions"]["recovery"] == {
        "n": 3,
        "count": 2,
        "proportion": 2 / 3,
        "ci95": list(wilson_interval(2, 3) or ()),
    }


def test_to_dict_gives_null_for_missing_intervals(phq9: Instrument) -> None:
    """Intervals that cannot be computed become None (JSON null), not an empty list."""
    # Arrange
    result = group_change(phq9, [])

    # Act
    data = result.to_dict()

    # Assert
    assert data["ci95"] is None
    assert data["proportions"] == {
        name: {"n": 0, "count": 0, "proportion": None, "ci95": None}
        for name in ("reliable_improvement", "recovery", "reliable_deterioration")
    }
