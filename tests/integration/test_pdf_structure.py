"""The relationship PDF is PDF/UA-1, shown by walking its structure tree rather than trusting
its claim: it is tagged, says its language and title, has one H1 and headings that never skip
a level down, a scope on every table header, words for every figure, and no heading inside a
heading."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from tests.factories import World

HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")


def _element(node: Any) -> Any:
    return node.get_object() if isinstance(node, IndirectObject) else node


def _elements(
    node: Any, inside: tuple[str, ...] = ()
) -> Iterator[tuple[DictionaryObject, tuple[str, ...]]]:
    """Every structure element under `node`, in reading order, with the tags it is inside."""
    kids = _element(node).get("/K")
    kids = kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []
    for kid in kids:
        kid = _element(kid)
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            yield kid, inside
            yield from _elements(kid, (*inside, str(kid["/S"])))


@pytest.fixture
def report(world: World) -> PdfReader:
    """The relationship's PDF, as its professional downloads it."""
    response = world.client("professional").get(
        f"/reports/relationship/{world.relationship.pk}/report.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(BytesIO(response.content))


def _tree(report: PdfReader) -> list[tuple[DictionaryObject, tuple[str, ...]]]:
    catalog = report.trailer["/Root"]
    return list(_elements(catalog["/StructTreeRoot"]))


def test_it_is_tagged_and_says_its_language_title_and_pdf_ua(report: PdfReader) -> None:
    """Marked as tagged, in British English, showing its title, with PDF/UA-1 in its XMP."""
    # Arrange
    catalog = report.trailer["/Root"]

    # Act
    xmp = catalog["/Metadata"].get_object().get_data().decode()

    # Assert
    assert catalog["/MarkInfo"]["/Marked"] is True or catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert str(catalog["/Lang"]).lower() == "en-gb"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert report.metadata is not None and report.metadata.title
    assert "pdfuaid:part" in xmp and "1" in xmp.split("pdfuaid:part")[1][:8]


def test_it_has_one_h1_and_headings_in_order(report: PdfReader) -> None:
    """One H1; going down, a heading is at most one level below the one before."""
    # Act
    levels = [int(str(e["/S"])[2]) for e, _ in _tree(report) if str(e["/S"]) in HEADINGS]

    # Assert
    assert levels.count(1) == 1 and levels[0] == 1
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert skips == []


def test_no_heading_is_inside_another(report: PdfReader) -> None:
    """A heading never holds a heading."""
    # Act
    nested = [
        str(e["/S"])
        for e, inside in _tree(report)
        if str(e["/S"]) in HEADINGS and set(inside) & set(HEADINGS)
    ]

    # Assert
    assert nested == []


def test_every_table_header_has_a_scope(report: PdfReader) -> None:
    """Each TH says whether it heads a column or a row."""
    # Act
    headers = [e for e, _ in _tree(report) if str(e["/S"]) == "/TH"]
    scopes = [_element(e.get("/A", {})).get("/Scope") for e in headers]

    # Assert
    assert headers
    assert [s for s in scopes if s not in ("/Column", "/Row", "/Both")] == []


def test_every_figure_has_words(report: PdfReader) -> None:
    """A figure (a chart) carries alternative text."""
    # Act
    figures = [e for e, _ in _tree(report) if str(e["/S"]) == "/Figure"]

    # Assert
    assert [f for f in figures if not str(f.get("/Alt", "")).strip()] == []
