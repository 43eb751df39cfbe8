"""The median from counts is the median of the values written out, as `statistics.median`."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutuality.web.reports.service_report import median_of_counts


@given(st.dictionaries(st.integers(0, 800), st.integers(0, 40), min_size=1))
def test_the_median_of_counts_is_the_median_written_out(counts: dict[int, int]) -> None:
    written_out = [value for value, n in counts.items() for _ in range(n)]
    if not written_out:
        with pytest.raises(ValueError, match="no values"):
            median_of_counts(counts)
        return
    median = median_of_counts(counts)

    assert median == statistics.median(written_out)
    assert type(median) is type(statistics.median(written_out))
