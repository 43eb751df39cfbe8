"""Dates as people say them ("31 January 2026"): the one way a page, a message or a report
writes a date in a sentence. Machine-readable places (`<time datetime>`, CSV, JSON) keep
ISO 8601. A builtin template library (settings.TEMPLATES), so every template has
`|spoken_date` and `|spoken_time` without loading anything."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from mutuality.framework import spoken_date as framework_spoken_date

register = template.Library()


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


@register.filter
def spoken_date(value: date | str | None) -> str:
    """31 January 2026 (a date, a date-time in local time, or an ISO date as text; nothing
    for nothing)."""
    if value is None or value == "":
        return ""
    return framework_spoken_date(_as_date(value))


@register.filter
def spoken_time(value: datetime | None) -> str:
    """31 January 2026 at 2:05pm, in local time."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    hour = local.hour % 12 or 12
    # One message for each half of the day, so that a language can say the time its own way.
    said = (
        _("%(date)s at %(hour)s:%(minute)sam")
        if local.hour < 12
        else _("%(date)s at %(hour)s:%(minute)spm")
    )
    minute = f"{local.minute:02d}"
    return said % {"date": spoken_date(local.date()), "hour": hour, "minute": minute}
