"""Shared fixtures for the outcomes tests."""

from collections.abc import Mapping

import pytest

from mutuality.outcomes import Instrument, InstrumentDefinition, shipped_instruments


@pytest.fixture
def worked_example() -> Instrument:
    """The instrument of the worked examples in docs/outcomes.md, "How change is classified"."""
    definition = InstrumentDefinition.model_validate(
        {
            "id": "worked",
            "name": "Worked example",
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
    return Instrument.from_definition(definition)


@pytest.fixture
def shipped() -> Mapping[str, Instrument]:
    """The instruments shipped with Mutuality."""
    return shipped_instruments()
