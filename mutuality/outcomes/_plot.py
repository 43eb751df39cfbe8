"""Each person's trajectory as SVG, with the reliable-change band and the cut-off.

Hand-built SVG (no plotting library): it renders the same in a browser, a PDF
and a screen reader's summary (`<title>` and `<desc>`). The shaded band is the
range of scores that would not count as reliable change from the first score;
the dashed line is the clinical cut-off.

The drawing has a viewBox, so a page's CSS may shrink it to the width it has. Shrunk far, its
words become too small to read, so a page can also ask for a narrower drawing (`width`) with
words of the same size: a phone's (docs/responsive.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape as _escape

from mutuality.outcomes._change import classify_series, criterion_c, reliable_change_threshold
from mutuality.outcomes._instrument import FixedCutoff, Instrument, NormativeCutoff
from mutuality.outcomes._scores_csv import PersonSeries

# Characters XML 1.0 does not allow at all, even escaped (most control characters).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(text: str) -> str:
    """``text`` made safe for SVG: characters XML forbids become U+FFFD, the rest escaped."""
    return _escape(_NOT_XML.sub("\ufffd", text))


WIDTH, PANEL_HEIGHT = 640, 240
# How wide a character of the panel's bold 15-unit label is, on average, to shorten a label
# that would run past the panel's right edge (the whole label is in the panel's aria-label).
_LABEL_CHAR = 8.5
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 36, 40
_INK, _BAND, _CUT, _MUTED = "#212b32", "#d8dde0", "#d5281b", "#4c6272"


@dataclass(frozen=True)
class _Frame:
    """Maps days and scores to pixels inside one panel."""

    top: float
    days: int
    low: float
    high: float
    width: int = WIDTH

    @property
    def right(self) -> int:
        """Where the plotting area ends, from the left of the drawing."""
        return self.width - RIGHT

    def x(self, day: int) -> float:
        return LEFT + (self.right - LEFT) * (day / self.days if self.days else 0.5)

    def y(self, score: float) -> float:
        inner = PANEL_HEIGHT - TOP - BOTTOM
        return self.top + TOP + inner * (self.high - score) / (self.high - self.low)


def cutoff_score(instrument: Instrument) -> float | None:
    """The score where the clinical side begins (fixed), or criterion c (computed)."""
    cutoff = instrument.cutoff
    if isinstance(cutoff, FixedCutoff):
        return cutoff.score
    if isinstance(cutoff, NormativeCutoff):
        return criterion_c(cutoff)
    return None


def _label(series: PersonSeries) -> str:
    name = series.instrument.name
    return f"{series.person}: {name}" + (f" ({series.goal})" if series.goal else "")


def _description(series: PersonSeries) -> str:
    change = classify_series(series.instrument, series.scores)
    direction = "higher is better" if series.instrument.higher_is_better else "lower is better"
    count = len(series.scores)
    scores = "1 score" if count == 1 else f"{count} scores"
    text = (
        f"{scores} over {change.days} days, from {change.first:g} to "
        f"{change.latest:g} ({direction})."
    )
    if change.change:
        text += f" {change.change.replace('_', ' ').capitalize()}."
    return text


def _fitted(label: str, frame: _Frame) -> str:
    """The label, shortened with an ellipsis when it would run past the panel."""
    room = int((frame.right - LEFT) / _LABEL_CHAR)
    return label if len(label) <= room else label[: room - 1].rstrip() + "\u2026"


def _panel(series: PersonSeries, index: int, width: int) -> list[str]:
    instrument = series.instrument
    first_day = series.scores[0][0]
    days = [(when - first_day).days for when, _ in series.scores]
    frame = _Frame(index * PANEL_HEIGHT, max(days), instrument.low, instrument.high, width)
    parts = [
        f'<g aria-label="{_text(_label(series))}">',
        f'<text x="{LEFT}" y="{frame.top + 22}" font-size="15" fill="{_INK}" '
        f'font-weight="bold">{_text(_fitted(_label(series), frame))}</text>',
    ]
    parts += _band(series, frame) + _cutoff(instrument, frame) + _axes(frame)
    points = " ".join(
        f"{frame.x(d):.1f},{frame.y(s):.1f}" for d, (_, s) in zip(days, series.scores, strict=True)
    )
    parts.append(f'<polyline points="{points}" fill="none" stroke="{_INK}" stroke-width="2"/>')
    parts += [
        f'<circle cx="{frame.x(d):.1f}" cy="{frame.y(s):.1f}" r="4" fill="{_INK}">'
        f"<title>{when}: {s:g}</title></circle>"
        for d, (when, s) in zip(days, series.scores, strict=True)
    ]
    return [*parts, "</g>"]


def _band(series: PersonSeries, frame: _Frame) -> list[str]:
    threshold = reliable_change_threshold(series.instrument)
    if threshold is None:
        return []
    first = series.scores[0][1]
    top = min(frame.high, first + threshold)
    bottom = max(frame.low, first - threshold)
    return [
        f'<rect x="{LEFT}" y="{frame.y(top):.1f}" width="{frame.right - LEFT}" '
        f'height="{frame.y(bottom) - frame.y(top):.1f}" fill="{_BAND}">'
        f"<title>No reliable change: within {threshold:g} points of the first score</title>"
        "</rect>"
    ]


def _cutoff(instrument: Instrument, frame: _Frame) -> list[str]:
    score = cutoff_score(instrument)
    if score is None:
        return []
    y = frame.y(score)
    return [
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{frame.right}" y2="{y:.1f}" stroke="{_CUT}" '
        'stroke-width="2" stroke-dasharray="6 4"/>',
        f'<text x="{LEFT + 6}" y="{y - 4:.1f}" font-size="12" fill="{_CUT}">'
        f"cut-off {score:g}</text>",
    ]


def _axes(frame: _Frame) -> list[str]:
    bottom = frame.y(frame.low)
    return [
        f'<line x1="{LEFT}" y1="{frame.y(frame.high):.1f}" x2="{LEFT}" y2="{bottom:.1f}" '
        f'stroke="{_MUTED}"/>',
        f'<line x1="{LEFT}" y1="{bottom:.1f}" x2="{frame.right}" y2="{bottom:.1f}" '
        f'stroke="{_MUTED}"/>',
        f'<text x="{LEFT - 6}" y="{frame.y(frame.high) + 4:.1f}" font-size="12" '
        f'fill="{_MUTED}" text-anchor="end">{frame.high:g}</text>',
        f'<text x="{LEFT - 6}" y="{bottom + 4:.1f}" font-size="12" fill="{_MUTED}" '
        f'text-anchor="end">{frame.low:g}</text>',
        f'<text x="{LEFT}" y="{bottom + 18:.1f}" font-size="12" fill="{_MUTED}">day 0</text>',
        f'<text x="{frame.right}" y="{bottom + 18:.1f}" font-size="12" fill="{_MUTED}" '
        f'text-anchor="end">day {frame.days}</text>',
    ]


def trajectories_svg(
    series: Sequence[PersonSeries],
    title: str = "Outcome trajectories",
    *,
    width: int = WIDTH,
    ids: str = "svg",
) -> str:
    """One panel per person and series, stacked; accessible title and description.

    `width` is the drawing's width in its own units (at least 160); `ids` starts the ids of its
    title and description, so that two drawings can share a page.
    """
    width = max(width, LEFT + RIGHT + 88)
    height = PANEL_HEIGHT * max(1, len(series))
    summary = " ".join(f"{_label(s)}: {_description(s)}" for s in series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{_text(ids)}-title {_text(ids)}-desc" font-family="Arial, sans-serif">',
        f'<title id="{_text(ids)}-title">{_text(title)}</title>',
        f'<desc id="{_text(ids)}-desc">{_text(summary)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for index, one in enumerate(series):
        parts += _panel(one, index, width)
    return "\n".join([*parts, "</svg>"]) + "\n"
