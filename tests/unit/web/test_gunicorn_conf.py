"""The production server's worker count follows the machine's cores, within a cap."""

from __future__ import annotations

import pytest

from mutuality.web.gunicorn_conf import MAX_WORKERS, worker_count


@pytest.mark.parametrize(
    ("cores", "workers"), [(None, 3), (1, 3), (2, 5), (4, 9), (64, MAX_WORKERS)]
)
def test_two_workers_a_core_plus_one_up_to_the_cap(cores: int | None, workers: int) -> None:
    """Two workers a core plus one; an unknown count counts as one core; never above the cap."""
    counted = worker_count(cores)

    assert counted == workers
