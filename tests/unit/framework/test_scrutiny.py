"""Scrutiny is proportional to contrast, raised by risks, and never lowered by adding one."""

from __future__ import annotations

from typing import get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from mutuality.framework import DEFAULT_POLICY, LEVELS, policy_from_data
from mutuality.framework._model import ContrastIndicator
from mutuality.framework._scrutiny import Risks, assess_scrutiny

INDICATORS = list(get_args(ContrastIndicator))
risks = st.builds(
    Risks,
    serious_open_observations=st.lists(st.just("collusion"), max_size=1).map(tuple),
    high_vulnerability=st.lists(st.just("sam"), max_size=1).map(tuple),
    multiple_roles=st.lists(st.just("alex"), max_size=1).map(tuple),
    deterioration=st.lists(st.just("sam on phq9"), max_size=1).map(tuple),
)


def test_levels_follow_the_contrast_table() -> None:
    """Contrast 0–1 is standard, 2–3 enhanced and 4 or more intensive, with their intervals."""
    levels = [assess_scrutiny(INDICATORS[:n], Risks(), DEFAULT_POLICY) for n in range(6)]

    assert [s.level for s in levels] == [
        "standard",
        "standard",
        "enhanced",
        "enhanced",
        "intensive",
        "intensive",
    ]
    assert [s.supervision_every_days for s in levels] == [56, 56, 28, 28, 14, 14]


def test_open_serious_observation_raises_to_intensive() -> None:
    """An open observation of collusion raises even a contrast of zero to intensive."""
    scrutiny = assess_scrutiny([], Risks(serious_open_observations=("collusion",)), DEFAULT_POLICY)

    assert scrutiny.level == "intensive"
    assert any("Raised to intensive" in reason for reason in scrutiny.reasons)


def test_risks_raise_to_at_least_enhanced() -> None:
    """High vulnerability, multiple roles or deterioration each raise standard to enhanced."""
    for risk in (
        Risks(high_vulnerability=("sam",)),
        Risks(multiple_roles=("alex",)),
        Risks(deterioration=("sam on phq9",)),
    ):
        assert assess_scrutiny([], risk, DEFAULT_POLICY).level == "enhanced"


@settings(max_examples=200)
@given(st.sets(st.sampled_from(INDICATORS)), st.sampled_from(INDICATORS), risks, risks)
def test_level_is_monotonic(indicators: set[str], extra: str, base: Risks, more: Risks) -> None:
    """Adding an indicator or any risk never lowers the level."""
    merged = Risks(
        *(
            a + b
            for a, b in zip(
                (
                    base.serious_open_observations,
                    base.high_vulnerability,
                    base.multiple_roles,
                    base.deterioration,
                ),
                (
                    more.serious_open_observations,
                    more.high_vulnerability,
                    more.multiple_roles,
                    more.deterioration,
                ),
                strict=True,
            )
        )
    )
    before = assess_scrutiny(sorted(indicators), base, DEFAULT_POLICY).level
    after = assess_scrutiny(sorted(indicators | {extra}), merged, DEFAULT_POLICY).level

    assert LEVELS.index(after) >= LEVELS.index(before)


@settings(max_examples=100)
@given(st.integers(1, 9), st.integers(0, 9), st.integers(0, 9))
def test_any_valid_policy_is_monotonic(enhanced: int, gap: int, contrast: int) -> None:
    """Whatever numbers a valid policy sets, more contrast never means a lower level."""
    policy = policy_from_data(
        {
            "scrutiny": {
                "enhanced_from_contrast": enhanced,
                "intensive_from_contrast": enhanced + gap,
            }
        }
    )
    low = policy.scrutiny.level_for_contrast(contrast)
    high = policy.scrutiny.level_for_contrast(contrast + 1)

    assert LEVELS.index(high) >= LEVELS.index(low)
