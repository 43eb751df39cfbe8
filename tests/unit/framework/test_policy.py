"""Policy files set the numbers of the rules; bad ones are refused with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutuality.framework import PolicyError, assess, load_policy, validate_case


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _case() -> dict[str, object]:
    return {
        "mutuality": 1,
        "title": "t",
        "as_of": "2026-11-25",
        "participants": [{"id": "a", "role": "professional"}, {"id": "b", "role": "recipient"}],
        "contrast": ["informal_setting"],
    }


def test_policy_changes_the_level(tmp_path: Path) -> None:
    """With enhanced scrutiny from a contrast of 1, one indicator is enough for enhanced."""
    policy = load_policy(_write(tmp_path, "[scrutiny]\nenhanced_from_contrast = 1\n"))

    scrutiny = assess(validate_case(_case(), "t"), policy=policy).scrutiny

    assert scrutiny.level == "enhanced"
    assert scrutiny.supervision_every_days == 28


def test_policy_intervals_are_used(tmp_path: Path) -> None:
    """The required supervision interval comes from the policy."""
    text = "[scrutiny.supervision_every_days]\nstandard = 42\nenhanced = 21\nintensive = 7\n"

    policy = load_policy(_write(tmp_path, text))

    scrutiny = assess(validate_case(_case(), "t"), policy=policy).scrutiny

    assert scrutiny.level == "standard"
    assert scrutiny.supervision_every_days == 42


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[scrutiny]\nenhanced_from_contrst = 1\n", "enhanced_from_contrst"),
        (
            "[scrutiny]\nenhanced_from_contrast = 3\nintensive_from_contrast = 2\n",
            "intensive_from_contrast",
        ),
        ("[scrutiny.supervision_every_days]\nstandard = 7\n", "supervision_every_days"),
        ("[scrutiny]\nenhanced_from_contrast = 'two'\n", "enhanced_from_contrast"),
        ("not toml at all = = =", "not valid TOML"),
    ],
)
def test_bad_policy_is_refused_naming_the_key(tmp_path: Path, text: str, expected: str) -> None:
    """An unknown key, a non-monotonic setting or bad TOML is a PolicyError naming the problem."""
    with pytest.raises(PolicyError) as caught:
        load_policy(_write(tmp_path, text))

    assert expected in str(caught.value)
    assert "policy.toml" in str(caught.value)
