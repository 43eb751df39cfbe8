"""A PDF from a report's HTML, made by WeasyPrint, which may load only the app's static files.

WeasyPrint fetches what a document points at (stylesheets, images, fonts) through a URL
fetcher. Ours, `StaticFilesOnly`, serves the files Django's staticfiles finders serve and
refuses every other URL: any http(s) address, any file outside the static files, and `data:`
URLs too (a PDF needs none, and refusing them keeps anything that slipped into the markup away
from WeasyPrint's image and font decoders). So markup in a report can neither reach the network
nor read the server's files. WeasyPrint logs a refused URL and leaves it out; the PDF is still
made.

Imported only when a PDF is made, so that no other page pays for loading WeasyPrint.
"""

from __future__ import annotations

import mimetypes
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF writer, typed neither
import weasyprint  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

PRINT_CSS = "css/report-print.css"


class RefusedURL(ValueError):
    """A URL that names something other than one of the app's static files."""


class StaticFilesOnly(URLFetcher):  # type: ignore[misc]  # WeasyPrint's class has no types
    """WeasyPrint's URL fetcher, serving the app's own static files and nothing else."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """The static file `url` names; anything else raises `RefusedURL`."""
        path = self.static_file(url)
        if path is None:
            raise RefusedURL(f"a PDF may use only the app's own static files, not {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def static_file(self, url: str) -> Path | None:
        """The static file `url` names, or None when it names anything else.

        A static file is named by its URL (`/static/css/report-print.css`), its name among the
        static files (`css/report-print.css`) or a `file:` URL of the file itself (WeasyPrint
        makes those for what a stylesheet loaded from its file points at).
        """
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(parts.path)).resolve()
            return path if path in self._files else None
        if parts.scheme or parts.netloc:
            return None
        name = unquote(parts.path).removeprefix(settings.STATIC_URL or "/static/")
        return _find(name)

    @cached_property
    def _files(self) -> frozenset[Path]:
        """Every file the staticfiles finders serve, as a real path."""
        return frozenset(
            Path(storage.path(name)).resolve()
            for finder in finders.get_finders()
            for name, storage in finder.list([])
        )


def _find(name: str) -> Path | None:
    """The static file called `name`, refusing any name that could step outside them."""
    steps = name.split("/")
    if not name or name.startswith("/") or "\\" in name or {"", ".", ".."} & set(steps):
        return None
    found = finders.find(name)
    return Path(found).resolve() if found and Path(found).is_file() else None


def make_pdf(html: str) -> bytes:
    """The HTML as a PDF/UA-1 document (tagged, its language and title set, XMP metadata that
    says so), printed with the report's print stylesheet."""
    fetcher = StaticFilesOnly()
    css = finders.find(PRINT_CSS)
    stylesheets = [weasyprint.CSS(filename=css, url_fetcher=fetcher)] if css else []
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(
        stylesheets=stylesheets, pdf_variant="pdf/ua-1", pdf_tags=True, finisher=_header_scopes
    )
    return pdf


def _header_scopes(document: Any, pdf: Any) -> None:
    """Give every table header its scope (PDF/UA, Matterhorn 15-003): a header in a table's
    head heads its column, any other its row. WeasyPrint tags each TH as a table attribute
    owner but writes no scope (it reads the HTML's `scope` only to link cells to headers)."""
    objects = {getattr(o, "reference", None): o for o in pdf.objects}
    for element in pdf.objects:
        if not isinstance(element, dict) or element.get("S") != "/TH":
            continue
        row = objects.get(element.get("P"))
        group = objects.get(row.get("P")) if isinstance(row, dict) else None
        in_head = isinstance(group, dict) and group.get("S") == "/THead"
        element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        element["A"]["Scope"] = "/Column" if in_head else "/Row"
