"""Descriptive statistics and intervals for group outcomes, in pure Python.

Student's t quantile is computed here rather than taken from SciPy, so that the
outcomes core needs no compiled dependency. The t distribution's tail is the
regularized incomplete beta function, evaluated by its continued fraction
(Lentz's method, as in Numerical Recipes §6.4), and the quantile is found by
bisection on that tail. For very many degrees of freedom, where the continued
fraction is slow and the log-gamma terms lose precision, the Cornish–Fisher
expansion of Abramowitz & Stegun 26.7.5 is used instead.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

from mutuality.outcomes._change import Z_975
from mutuality.outcomes.exceptions import OutcomesError

_ASYMPTOTIC_DF = 1e5
"""From this many degrees of freedom on, the t quantile uses A&S 26.7.5.

Its error is of order df⁻⁵, far below 1e-9 here, while the continued fraction
would need hundreds of terms and lose digits in the log-gamma differences.
"""

_CF_EPSILON = 1e-16
_CF_TINY = 1e-300
_CF_MAX_TERMS = 10_000
_BISECTIONS = 200


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or None when there are no values."""
    if not values:
        return None
    return math.fsum(values) / len(values)


def sd(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n − 1 in the denominator).

    Returns:
        None when there are fewer than two values, and exactly 0.0 when every
        value is the same (rounding in the mean cannot make it positive).
    """
    if len(values) < 2:
        return None
    if min(values) == max(values):
        return 0.0
    centre = math.fsum(values) / len(values)
    squares = math.fsum((value - centre) ** 2 for value in values)
    return math.sqrt(squares / (len(values) - 1))


@functools.lru_cache(maxsize=256)
def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t distribution with ``df`` degrees of freedom.

    Args:
        p: A probability strictly between 0 and 1.
        df: Degrees of freedom, any positive number (usually n − 1).

    Raises:
        OutcomesError: ``p`` is not strictly between 0 and 1, or ``df`` is not
            positive.
    """
    if not 0 < p < 1:
        raise OutcomesError(f"a quantile needs a probability strictly between 0 and 1, not {p}")
    if not df > 0:
        raise OutcomesError(f"the t distribution needs positive degrees of freedom, not {df}")
    if p == 0.5:
        return 0.0
    # Work with the smaller tail, so that a probability near 1 keeps its digits.
    tail = min(p, 1 - p)
    if df >= _ASYMPTOTIC_DF:
        magnitude = _cornish_fisher(_invert_tail(_normal_tail, tail), df)
    else:
        magnitude = _invert_tail(functools.partial(_t_tail, df=df), tail)
    return magnitude if p > 0.5 else -magnitude


def wilson_interval(successes: int, n: int, z: float = Z_975) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion ``successes`` / ``n``.

    Returns:
        The interval, within 0 and 1, or None when ``n`` is 0.

    Raises:
        OutcomesError: ``successes`` is negative or more than ``n``.
    """
    if not 0 <= successes <= n:
        raise OutcomesError(f"{successes} successes out of {n} is not a proportion")
    if n == 0:
        return None
    observed = successes / n
    spread = z * z / n
    centre = (observed + spread / 2) / (1 + spread)
    half = z / (1 + spread) * math.sqrt(observed * (1 - observed) / n + spread / (4 * n))
    # At 0 and at n the exact ends are 0 and 1; rounding must not move them.
    low = 0.0 if successes == 0 else centre - half
    high = 1.0 if successes == n else centre + half
    return low, high


def mean_ci95(values: Sequence[float]) -> tuple[float, float] | None:
    """The 95 % confidence interval of the mean, by Student's t with n − 1 df.

    Returns:
        None when there are fewer than two values. Identical values give an
        interval of width 0.
    """
    centre, spread = mean(values), sd(values)
    if centre is None or spread is None:
        return None
    n = len(values)
    half = t_quantile(0.975, n - 1) * spread / math.sqrt(n)
    return centre - half, centre + half


def _invert_tail(upper_tail: Callable[[float], float], target: float) -> float:
    """The x ≥ 0 at which a decreasing upper tail probability equals ``target``."""
    low, high = 0.0, 1.0
    while upper_tail(high) > target:
        low, high = high, 2 * high
    for _ in range(_BISECTIONS):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if upper_tail(middle) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _normal_tail(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2))


def _t_tail(t: float, df: float) -> float:
    """P(T > t) for t ≥ 0: half the regularized incomplete beta I_x(df/2, 1/2)."""
    if t == 0:
        return 0.5
    ratio = df / (t * t)
    # x = df / (df + t²) and 1 − x, each computed without cancellation.
    return 0.5 * _regularized_beta(df / 2, 0.5, ratio / (1 + ratio), 1 / (1 + ratio))


def _regularized_beta(a: float, b: float, x: float, one_minus_x: float) -> float:
    """I_x(a, b), with 1 − x passed in so that x near 1 keeps its precision."""
    if x <= 0:
        return 0.0
    if one_minus_x <= 0:
        return 1.0
    log_front = (
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log(one_minus_x)
    )
    front = math.exp(log_front)
    # The continued fraction converges quickly only below this point; above
    # it, the symmetry I_x(a, b) = 1 − I_(1−x)(b, a) is used.
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, one_minus_x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta, by the modified Lentz method."""
    c, d = 1.0, _nonzero(1 - (a + b) * x / (a + 1))
    d = 1 / d
    result = d
    for m in range(1, _CF_MAX_TERMS + 1):
        even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d, c = 1 / _nonzero(1 + even * d), _nonzero(1 + even / c)
        result *= d * c
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d, c = 1 / _nonzero(1 + odd * d), _nonzero(1 + odd / c)
        step = d * c
        result *= step
        if abs(step - 1) < _CF_EPSILON:
            break
    return result


def _nonzero(value: float) -> float:
    return value if abs(value) >= _CF_TINY else _CF_TINY


def _cornish_fisher(z: float, df: float) -> float:
    """The t quantile from the normal one, by Abramowitz & Stegun 26.7.5."""
    z2 = z * z
    g1 = z * (z2 + 1) / 4
    g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
    g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
    g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4
