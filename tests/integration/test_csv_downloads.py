"""Every CSV the project writes loads in pandas as one table with every row as wide as its
header: each CSV download a role can reach (tests/integration/pages.py), the public one, and
the command line's."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from django.test import Client

from mutuality.entry import main
from mutuality.transparency import CSV_COLUMNS as TRANSPARENCY_COLUMNS
from mutuality.web.relationships.views.audit_log import CSV_COLUMNS as AUDIT_CSV_COLUMNS
from mutuality.web.reports.views.service import CSV_COLUMNS as SERVICE_COLUMNS
from tests.factories import World
from tests.integration.pages import pages_for, public_pages, publish_transparency
from tests.integration.test_access_matrix import OWN


def _one_table(text: str) -> pd.DataFrame:
    """The CSV read by pandas, after checking every row is as wide as the header."""
    rows = list(csv.reader(io.StringIO(text)))
    widths = {len(row) for row in rows}
    assert widths == {len(rows[0])}, f"rows of {sorted(widths)} cells"
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame.shape == (len(rows) - 1, len(rows[0]))
    return frame


def test_every_csv_download_loads_in_pandas(world: World) -> None:
    """The service report (admin, supervisor), the audit log (admin) and the public
    transparency report load whole."""
    publish_transparency(world)
    downloads: dict[str, str] = {}
    for standing in OWN:
        client = Client()
        client.force_login(world.users[standing])
        for page in pages_for(world, standing):
            if page.url.endswith(".csv"):
                downloads[f"{standing}: {page.url}"] = client.get(page.url).getvalue().decode()
    for page in public_pages():
        if page.url.endswith(".csv"):
            downloads[f"signed out: {page.url}"] = Client().get(page.url).content.decode()

    frames = {what: _one_table(text) for what, text in downloads.items()}

    assert set(frames) == {
        "supervisor: /reports/service.csv",
        "admin: /reports/service.csv",
        "admin: /relationships/audit.csv",
        "signed out: /reports/public/home/v1.csv",
    }
    assert tuple(frames["admin: /relationships/audit.csv"].columns) == AUDIT_CSV_COLUMNS
    assert tuple(frames["admin: /reports/service.csv"].columns) == SERVICE_COLUMNS
    assert tuple(frames["supervisor: /reports/service.csv"].columns) == SERVICE_COLUMNS
    transparency = frames["signed out: /reports/public/home/v1.csv"]
    assert tuple(transparency.columns) == TRANSPARENCY_COLUMNS
    assert len(transparency) > 10


@pytest.mark.django_db(transaction=True)
def test_the_command_line_csv_loads_in_pandas(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mutuality report transparency --format csv` prints one table pandas reads."""
    code = main(["report", "transparency", "--organisation", "home", "--format", "csv"])

    frame = _one_table(capsys.readouterr().out)
    assert code == 0
    assert tuple(frame.columns) == TRANSPARENCY_COLUMNS
    assert len(frame) > 10
