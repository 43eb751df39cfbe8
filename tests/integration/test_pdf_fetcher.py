"""WeasyPrint may load only the app's own static files when it makes a PDF: no address on the
network, no file elsewhere on the server, and a refused URL leaves the PDF still made."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders

from mutuality.web.reports.pdf import PRINT_CSS, RefusedURL, StaticFilesOnly, make_pdf

PRINT_CSS_FILE = Path(str(finders.find(PRINT_CSS))).resolve()


@pytest.mark.asvs("1.1.1", "1.3.6")
@pytest.mark.asvs("13.2.4", "13.2.5")
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x",
        "https://example.com/track.png",
        "//example.com/track.png",
        "ftp://example.com/x.css",
        "file:///etc/passwd",
        "file://server/share/report-print.css",
        "/etc/passwd",
        "/static/../../etc/passwd",
        "/static/css/../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/css/..%2f..%2f..%2fetc/passwd",
        "../../etc/passwd",
        "/static/css/no-such-file.css",
        "/static/css",
        "data:text/css,body{color:red}",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url: str) -> None:
    """Other addresses, other files, escapes out of the static files and data: URLs are refused."""
    fetcher = StaticFilesOnly()

    with pytest.raises(RefusedURL, match="only the app's own static files"):
        fetcher.fetch(url)


@pytest.mark.asvs("1.3.6")
def test_the_fetcher_refuses_a_file_url_that_steps_out_of_the_static_files() -> None:
    """A file: URL that climbs out of the static folder with .. is refused."""
    escape = PRINT_CSS_FILE.parent.as_uri() + "/../../../../../../etc/passwd"

    with pytest.raises(RefusedURL):
        StaticFilesOnly().fetch(escape)


@pytest.mark.parametrize(
    "url", ["/static/css/report-print.css", "css/report-print.css", PRINT_CSS_FILE.as_uri()]
)
def test_the_fetcher_serves_a_static_file(url: str) -> None:
    """The print stylesheet is served, by its static URL, its name or its file: URL."""
    fetcher = StaticFilesOnly()

    response = fetcher.fetch(url)

    assert response.read() == PRINT_CSS_FILE.read_bytes()
    assert response.content_type == "text/css"
    assert response.url == PRINT_CSS_FILE.as_uri()


HOSTILE = """<!DOCTYPE html>
<html lang="en-GB"><head><title>Report</title>
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="stylesheet" href="http://127.0.0.1:9/track.css">
<style>@import url("https://example.com/more.css"); body { background: url("file:///etc/hostname"); }</style>
</head><body><h1>A report</h1>
<img src="http://127.0.0.1:9/track.png" alt="">
<img src="file:///etc/passwd" alt="">
</body></html>"""


@pytest.mark.asvs("1.3.6", "15.3.2")
@pytest.mark.asvs("13.2.4", "13.2.5")
@pytest.mark.asvs("16.5.2")
def test_a_pdf_with_outside_urls_is_made_without_fetching_them(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No connection is opened and no outside file read; WeasyPrint logs each refusal and goes on."""
    connections: list[Any] = []

    def no_connection(self: socket.socket, address: Any) -> None:
        connections.append(address)
        raise OSError("the test forbids connections")

    monkeypatch.setattr(socket.socket, "connect", no_connection)
    served: list[str] = []
    fetch = StaticFilesOnly.fetch

    def watched(self: StaticFilesOnly, url: str, headers: object = None) -> Any:
        response = fetch(self, url, headers)
        served.append(url)
        return response

    monkeypatch.setattr(StaticFilesOnly, "fetch", watched)
    caplog.set_level(logging.WARNING, logger="weasyprint")

    pdf = make_pdf(HOSTILE)

    assert pdf.startswith(b"%PDF-")
    assert connections == []
    assert served == []
    refused = "\n".join(record.getMessage() for record in caplog.records)
    for url in (
        "Failed to load image at 'http://127.0.0.1:9/track.png'",
        "Failed to load image at 'file:///etc/passwd'",
        "Failed to load image at 'file:///etc/hostname'",
        "Failed to load stylesheet at file:///etc/passwd",
        "Failed to load stylesheet at http://127.0.0.1:9/track.css",
        "Failed to load stylesheet at https://example.com/more.css",
    ):
        assert url in refused
