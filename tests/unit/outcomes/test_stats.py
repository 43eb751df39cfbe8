"""Means, SDs, Student's t quantiles and intervals (docs/outcomes.md)."""

import math

import pytest

from mutuality.outcomes._stats import mean, mean_ci95, sd, t_quantile, wilson_interval
from mutuality.outcomes.exceptions import OutcomesError

Z = 1.959964


@pytest.mark.parametrize(
    ("df", "expected"),
    [(1, 12.7062), (2, 4.3027), (5, 2.5706), (10, 2.2281), (30, 2.0423), (120, 1.9799)],
)
def test_t_quantile_matches_table_values(df: int, expected: float) -> None:
    """The 97.5th percentile of t matches the published table to its four decimals."""
    # Arrange
    p = 0.975

    # Act
    result = t_quantile(p, df)

    # Assert
    assert result == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("p", [0.001, 0.025, 0.1, 0.3, 0.6, 0.9, 0.975, 0.9995])
def test_t_quantile_matches_closed_forms(p: float) -> None:
    """With 1 and 2 df, where t has closed forms, the quantile is right to 1e-9."""
    # Arrange
    cauchy = math.tan(math.pi * (p - 0.5))
    a = 2 * p - 1
    two_df = a * math.sqrt(2 / (1 - a * a))

    # Act
    one, two = t_quantile(p, 1), t_quantile(p, 2)

    # Assert
    assert one == pytest.approx(cauchy, rel=1e-9)
    assert two == pytest.approx(two_df, rel=1e-9)


@pytest.mark.parametrize("df", [1_000, 99_999, 100_000, 10**6, 10**12])
def test_t_quantile_approaches_the_normal_quantile(df: int) -> None:
    """With many degrees of freedom the quantile falls towards 1.959964, as about 2.4 / df."""
    # Arrange
    tolerance = 2.5 / df + 1e-6

    # Act
    result, beyond = t_quantile(0.975, df), t_quantile(0.975, 10 * df)

    # Assert
    assert abs(result - Z) < tolerance
    assert beyond < result


def test_t_quantile_is_continuous_where_the_method_changes() -> None:
    """Either side of 100,000 df, the two methods agree to well within 1e-9."""
    # Arrange
    below, above = 99_999, 100_000

    # Act
    difference = t_quantile(0.975, below) - t_quantile(0.975, above)

    # Assert
    assert 0 < difference < 1e-9


def test_t_quantile_is_symmetric() -> None:
    """A lower quantile is the negative of the matching upper one, and the median is 0."""
    # Arrange
    df = 7

    # Act
    lower, upper, median = t_quantile(0.05, df), t_quantile(0.95, df), t_quantile(0.5, df)

    # Assert
    assert lower == pytest.approx(-upper, rel=1e-12)
    assert median == 0


@pytest.mark.parametrize(("p", "df"), [(0, 5), (1, 5), (0.975, 0), (0.975, -1)])
def test_t_quantile_rejects_impossible_arguments(p: float, df: int) -> None:
    """A probability outside (0, 1) or no degrees of freedom is an error."""
    # Arrange
    arguments = (p, df)

    # Act / Assert
    with pytest.raises(OutcomesError):
        t_quantile(*arguments)


def test_wilson_interval_for_none_of_ten() -> None:
    """0/10 gives 0 to (z²/10) / (1 + z²/10), about 0.2775."""
    # Arrange
    upper = (Z**2 / 10) / (1 + Z**2 / 10)

    # Act
    result = wilson_interval(0, 10)

    # Assert
    assert result == pytest.approx((0.0, upper), abs=1e-12)
    assert upper == pytest.approx(0.277533, abs=1e-6)


def test_wilson_interval_for_all_of_ten() -> None:
    """10/10 gives 1 / (1 + z²/10), about 0.7225, to 1."""
    # Arrange
    lower = 1 / (1 + Z**2 / 10)

    # Act
    result = wilson_interval(10, 10)

    # Assert
    assert result == pytest.approx((lower, 1.0), abs=1e-12)
    assert lower == pytest.approx(0.722467, abs=1e-6)


def test_wilson_interval_for_half_of_ten() -> None:
    """5/10 gives 0.5 ± z / (1 + z²/10) × √(0.025 + z²/400), about 0.2366 to 0.7634."""
    # Arrange
    half = Z / (1 + Z**2 / 10) * math.sqrt(0.5 * 0.5 / 10 + Z**2 / 400)

    # Act
    result = wilson_interval(5, 10)

    # Assert
    assert result == pytest.approx((0.5 - half, 0.5 + half), abs=1e-12)
    assert result == pytest.approx((0.236593, 0.763407), abs=1e-6)


def test_wilson_interval_is_none_without_people() -> None:
    """A proportion of nobody has no interval."""
    # Arrange
    successes, n = 0, 0

    # Act
    result = wilson_interval(successes, n)

    # Assert
    assert result is None


@pytest.mark.parametrize(("successes", "n"), [(-1, 10), (11, 10)])
def test_wilson_interval_rejects_impossible_counts(successes: int, n: int) -> None:
    """More successes than people, or fewer than none, is an error."""
    # Arrange
    arguments = (successes, n)

    # Act / Assert
    with pytest.raises(OutcomesError):
        wilson_interval(*arguments)


def test_mean_and_sample_sd() -> None:
    """The SD divides by n − 1: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and SD √(32/7)."""
    # Arrange
    values = [2, 4, 4, 4, 5, 5, 7, 9]

    # Act
    centre, spread = mean(values), sd(values)

    # Assert
    assert centre == 5
    assert spread == pytest.approx(math.sqrt(32 / 7))


def test_mean_and_sd_are_none_when_too_few() -> None:
    """No values have no mean, and a single value has no SD."""
    # Arrange
    none: list[float] = []

    # Act
    results = (mean(none), sd(none), sd([3.0]))

    # Assert
    assert results == (None, None, None)


def test_sd_of_identical_values_is_exactly_zero() -> None:
    """Identical values have SD 0, however their mean rounds."""
    # Arrange
    values = [0.1] * 7

    # Act
    result = sd(values)

    # Assert
    assert result == 0.0


def test_mean_ci95_uses_t_with_n_minus_one_df() -> None:
    """1, 2, 3, 4 give 2.5 ± 3.182446 × √(5/3) / 2."""
    # Arrange
    half = 3.1824463053 * math.sqrt(5 / 3) / 2

    # Act
    result = mean_ci95([1, 2, 3, 4])

    # Assert
    assert result == pytest.approx((2.5 - half, 2.5 + half), rel=1e-9)


def test_mean_ci95_is_none_for_one_value() -> None:
    """A single value gives no interval."""
    # Arrange
    values = [4.0]

    # Act
    result = mean_ci95(values)

    # Assert
    assert result is None
