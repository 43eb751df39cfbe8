"""Trajectories as SVG: one panel per person and series, the cut-off and the reliable-change band."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

import pytest

from mutuality.outcomes import (
    Instrument,
    InstrumentDefinition,
    build_instruments,
    read_scores_csv,
    trajectories_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
BAND_FILL = "#d8dde0"
SCORES = """\
person,instrument,date,score,goal
p1,phq9,2025-01-10,18,
p1,phq9,2025-03-10,8,
p1,ons4.anxious,2025-01-10,7,
p1,ons4.anxious,2025-03-10,3,
p2,gbo,2025-01-05,2,Walk to the shop
p2,gbo,2025-04-20,7,Walk to the shop
p2,who5,2025-01-05,32,
p2,who5,2025-02-01,38,
p2,who5,2025-09-01,52,
"""


def _svg(text: str, instruments: Mapping[str, Instrument]) -> ET.Element:
    svg = trajectories_svg(read_scores_csv(text, "scores.csv", instruments))
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


@pytest.fixture
def root(shipped: Mapping[str, Instrument]) -> ET.Element:
    """The parsed SVG of the scores above."""
    return _svg(SCORES, shipped)


def _panels(root: ET.Element) -> dict[str, ET.Element]:
    return {g.attrib["aria-label"]: g for g in root.iter(f"{SVG}g") if "aria-label" in g.attrib}


def _dashed_lines(panel: ET.Element) -> list[ET.Element]:
    return [line for line in panel.iter(f"{SVG}line") if "stroke-dasharray" in line.attrib]


def _bands(panel: ET.Element) -> list[ET.Element]:
    return [rect for rect in panel.iter(f"{SVG}rect") if rect.attrib.get("fill") == BAND_FILL]


def _panel_texts(panel: ET.Element) -> list[str]:
    return [t.text or "" for t in panel.iter(f"{SVG}text")]


def test_the_svg_is_an_accessible_image_with_title_and_description(root: ET.Element) -> None:
    """The root is an <svg> with role img, a <title>, and a <desc> that mentions every person."""
    # Act
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")

    # Assert
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    assert title is not None
    assert title.text == "Outcome trajectories"
    assert desc is not None
    assert desc.text is not None
    assert "p1: PHQ-9: 2 scores over 59 days, from 18 to 8" in desc.text
    assert "p2:" in desc.text


def test_there_is_one_panel_per_person_and_series(root: ET.Element) -> None:
    """Four series give four labelled panels, and the image is four panels tall."""
    # Act
    panels = _panels(root)

    # Assert
    assert sorted(panels) == [
        "p1: ONS personal wellbeing: anxiety",
        "p1: PHQ-9",
        "p2: Goal-based outcomes (Walk to the shop)",
        "p2: WHO-5 Well-Being Index",
    ]
    assert int(root.attrib["height"]) == 4 * 240


def test_phq9_has_a_dashed_cut_off_line_and_a_band(root: ET.Element) -> None:
    """The PHQ-9 panel draws its cut-off of 10 as a dashed line and shades the band."""
    # Act
    panel = _panels(root)["p1: PHQ-9"]

    # Assert
    assert len(_dashed_lines(panel)) == 1
    assert "cut-off 10" in _panel_texts(panel)
    assert len(_bands(panel)) == 1


def test_an_ons4_item_has_neither_cut_off_nor_band(root: ET.Element) -> None:
    """ONS4 items have no cut-off and no reliable-change statistic, so neither is drawn."""
    # Act
    panel = _panels(root)["p1: ONS personal wellbeing: anxiety"]

    # Assert
    assert _dashed_lines(panel) == []
    assert _bands(panel) == []
    assert panel.find(f"{SVG}polyline") is not None


def test_a_goal_has_a_band_but_no_cut_off(root: ET.Element) -> None:
    """Goal-based outcomes have a reliable-change threshold but no clinical cut-off."""
    # Act
    panel = _panels(root)["p2: Goal-based outcomes (Walk to the shop)"]

    # Assert
    assert len(_bands(panel)) == 1
    assert _dashed_lines(panel) == []


def test_the_band_spans_the_threshold_either_side_of_the_first_score(root: ET.Element) -> None:
    """PHQ-9 from 18 with threshold 6 shades 12 to 24: 12 of 27 points of the 164-pixel axis."""
    # Act
    (band,) = _bands(_panels(root)["p1: PHQ-9"])

    # Assert
    assert float(band.attrib["height"]) == pytest.approx(12 * 164 / 27, abs=0.1)


def test_the_band_is_clipped_to_the_instruments_range(shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9 from 25 shades only 19 to 27, never above the top of the axis."""
    # Arrange
    text = "person,instrument,date,score\np1,phq9,2025-01-01,25\np1,phq9,2025-02-01,20\n"

    # Act
    panel = _panels(_svg(text, shipped))["p1: PHQ-9"]

    # Assert
    (band,) = _bands(panel)
    axis_top = 36.0
    assert float(band.attrib["y"]) == pytest.approx(axis_top, abs=0.1)
    assert float(band.attrib["height"]) == pytest.approx(8 * 164 / 27, abs=0.1)


def test_each_score_is_a_point_with_its_date_and_value(root: ET.Element) -> None:
    """Three WHO-5 scores give three circles, each titled with its date and score."""
    # Act
    panel = _panels(root)["p2: WHO-5 Well-Being Index"]
    titles = [c.findtext(f"{SVG}title") for c in panel.iter(f"{SVG}circle")]

    # Assert
    assert titles == ["2025-01-05: 32", "2025-02-01: 38", "2025-09-01: 52"]


def test_a_computed_cut_off_is_drawn_at_criterion_c() -> None:
    """A custom instrument with norms 40 and 60 (equal SDs) draws its cut-off at 50."""
    # Arrange
    definition = InstrumentDefinition.model_validate(
        {
            "id": "service_scale",
            "name": "Service wellbeing scale",
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
    text = "person,instrument,date,score\np1,service_scale,2025-01-01,32\n"

    # Act
    root = _svg(text, build_instruments([definition]))

    # Assert
    panel = _panels(root)["p1: Service wellbeing scale"]
    assert "cut-off 50" in _panel_texts(panel)
    assert len(_dashed_lines(panel)) == 1
    assert len(_bands(panel)) == 1


def test_a_single_score_says_one_score(shipped: Mapping[str, Instrument]) -> None:
    """A series of one score is described as "1 score", not "1 scores"."""
    # Arrange
    text = "person,instrument,date,score\np1,phq9,2025-01-01,12\n"

    # Act
    desc = _svg(text, shipped).findtext(f"{SVG}desc") or ""

    # Assert
    assert "1 score over 0 days" in desc


@pytest.mark.asvs("1.2.1")
def test_markup_and_control_characters_in_names_still_give_well_formed_svg(
    shipped: Mapping[str, Instrument],
) -> None:
    """A person or goal containing <, &, quotes or control characters is escaped safely."""
    # Arrange
    text = 'person,instrument,date,score,goal\n"<p1> & ""co""",gbo,2025-01-01,5,"Go \x01 out"\n'

    # Act
    root = _svg(text, shipped)

    # Assert
    (label,) = _panels(root)
    assert label.startswith('<p1> & "co": Goal-based outcomes (Go ')
    assert re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", label) is None


def test_a_narrow_drawing_keeps_its_plot_inside_its_width(
    shipped: Mapping[str, Instrument],
) -> None:
    """A phone's 320-unit drawing has a viewBox of that width and nothing drawn past it."""
    # Arrange
    series = read_scores_csv(SCORES, "scores.csv", shipped)

    # Act
    root = ET.fromstring(trajectories_svg(series, width=320, ids="narrow"))  # noqa: S314

    # Assert
    assert root.attrib["viewBox"].split()[2] == "320"
    assert root.attrib["aria-labelledby"] == "narrow-title narrow-desc"
    rights = [float(line.attrib["x2"]) for line in root.iter(f"{SVG}line")]
    rights += [float(rect.attrib["x"]) + float(rect.attrib["width"]) for rect in _bands(root)]
    assert max(rights) <= 320


def test_a_long_label_is_shortened_in_the_drawing_and_kept_whole_for_screen_readers(
    shipped: Mapping[str, Instrument],
) -> None:
    """A goal too long for a narrow panel ends in an ellipsis; its aria-label keeps all of it."""
    # Arrange
    goal = "Walk to the shop and back every morning before the children wake up"
    text = f"person,instrument,date,score,goal\np1,gbo,2025-01-05,2,{goal}\n"

    # Act
    root = ET.fromstring(  # noqa: S314
        trajectories_svg(read_scores_csv(text, "scores.csv", shipped), width=320)
    )

    # Assert
    (panel,) = _panels(root).values()
    heading = _panel_texts(panel)[0]
    assert heading.endswith("\u2026") and len(heading) < len(goal)
    assert goal in panel.attrib["aria-label"]
