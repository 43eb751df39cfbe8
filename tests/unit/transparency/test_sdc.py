"""Each disclosure-control rule at its boundaries."""

from __future__ import annotations

import pytest

from mutuality.transparency import Figure, average, breakdown, count, rate


@pytest.mark.parametrize(
    ("n", "text", "value"),
    [
        (0, "0", 0),
        (1, "*", None),
        (7, "*", None),
        (8, "10", 10),
        (12, "10", 10),
        (13, "15", 15),
        (17, "15", 15),
        (18, "20", 20),
        (102, "100", 100),
        (103, "105", 105),
    ],
)
def test_a_count_is_hidden_when_small_and_otherwise_rounded_to_5(
    n: int, text: str, value: int | None
) -> None:
    """0 stays 0, 1 to 7 read *, and every other count is rounded to the nearest 5."""
    figure = count(n)

    assert (figure.text, figure.value) == (text, value)
    assert figure.hidden == (text == "*")


def test_a_negative_count_is_refused() -> None:
    """A negative count is a mistake in the data, never published."""
    with pytest.raises(ValueError, match="negative"):
        count(-1)


def test_a_rate_is_computed_from_the_rounded_counts() -> None:
    """12 of 18 is 10 of 20 once rounded: 50%, not the true 67%."""
    figure = rate(count(12), count(18))

    assert (figure.value, figure.text) == (50, "50%")


def test_a_rate_rounds_half_up() -> None:
    """10 of 40 is 25%; 10 of 80 is 12.5%, shown as 13%."""
    assert rate(count(10), count(80)).text == "13%"
    assert rate(count(10), count(40)).text == "25%"


@pytest.mark.parametrize(("top", "bottom"), [(10, 5), (3, 20), (0, 7)])
def test_a_rate_is_hidden_when_either_count_is_hidden(top: int, bottom: int) -> None:
    """A hidden denominator (or numerator) hides the rate too."""
    figure = rate(count(top), count(bottom))

    assert figure.hidden and figure.value is None and figure.text == "*"


def test_a_rate_of_nothing_is_not_applicable() -> None:
    """0 of 0 is no rate at all, shown as a dash rather than 0%."""
    figure = rate(count(0), count(0))

    assert figure.status == "not_applicable" and figure.value is None


@pytest.mark.parametrize("kind", ["mean", "median"])
def test_an_average_of_7_people_is_hidden_and_of_8_is_shown(kind: str) -> None:
    """Means and medians need at least 8 people."""
    seven = average([1.0] * 7, kind)  # type: ignore[arg-type]
    eight = average([1.0] * 8, kind)  # type: ignore[arg-type]

    assert seven.hidden and seven.value is None
    assert (eight.value, eight.text) == (1.0, "1.0")


def test_the_mean_and_median_are_to_one_decimal_place() -> None:
    """Eight differences give their mean and median rounded to 0.1."""
    values = [-10.0, -8.0, -6.0, -5.0, -4.0, -3.0, 0.0, 1.0]

    assert average(values, "mean") == Figure(value=-4.4, text="-4.4")
    assert average(values, "median") == Figure(value=-4.5, text="-4.5")


def test_an_average_of_nobody_is_not_applicable() -> None:
    """With no one to average, the figure is a dash, not a hidden number."""
    assert average([], "mean").status == "not_applicable"


def test_a_breakdown_with_no_small_count_is_shown_as_rounded() -> None:
    """Counts of 0, 8 and 13 (total 21) read 0, 10, 15 and 20."""
    done = breakdown([0, 8, 13])

    assert [c.text for c in done.cells] == ["0", "10", "15"]
    assert done.total.text == "20" and not done.suppressed_whole


def test_a_breakdown_with_one_small_count_is_hidden_whole_zeros_included() -> None:
    """3 beside 20 (total 23) would be 25 − 20 = about 5: so every count is hidden."""
    done = breakdown([3, 20, 0])

    assert [c.text for c in done.cells] == ["*", "*", "*"]
    assert done.total.text == "25" and done.suppressed_whole


def test_a_breakdown_whose_total_is_small_hides_only_its_small_counts() -> None:
    """With the total hidden there is nothing to subtract from, so zeros stay 0."""
    done = breakdown([0, 2, 5])

    assert [c.text for c in done.cells] == ["0", "*", "*"]
    assert done.total.hidden and not done.suppressed_whole
