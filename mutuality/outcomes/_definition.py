"""The instrument definition format (docs/case-format.md, "Instrument definitions") as a model.

Shipped instruments and an organisation's own instruments are read through the
same model, so both behave the same way. Checks that involve more than one field
run after the fields themselves are valid, and each problem is reported at the
field a person would have to change, so that an error inside a case file reads
like ``instruments[0].reliability``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal, NamedTuple, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"

Direction = Literal["better", "worse"]
Scoring = Literal["sum", "sum_times_4", "per_item", "per_goal"]
TextLicence = Literal["shipped", "organisation_supplied"]


def _keep_whole(value: object, handler: ValidatorFunctionWrapHandler) -> float:
    checked: float = handler(value)
    # Strict float validation turns 6 into 6.0; keeping a whole number as written
    # means reports and messages say "6", as the person wrote it.
    if isinstance(value, int):
        return value
    return checked


# Strict numbers accept int and float but never bool or a numeric string.
Number = Annotated[float, Strict(), WrapValidator(_keep_whole)]
PositiveNumber = Annotated[float, Strict(), Field(gt=0), WrapValidator(_keep_whole)]
Reliability = Annotated[float, Strict(), Field(ge=0, lt=1), WrapValidator(_keep_whole)]
WholeNumber = Annotated[int, Strict()]
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]
Text = Annotated[str, Field(min_length=1)]


def _raw_total(value: object) -> object:
    # JSON object keys are always strings, so "7" is accepted as the raw total 7.
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


RawTotal = Annotated[int, Strict(), BeforeValidator(_raw_total)]

# YAML gives lists, and strict mode would accept only real tuples for these
# fields; the elements stay strict.
NumberPair = Annotated[tuple[Number, Number], Field(strict=False)]
WholePair = Annotated[tuple[WholeNumber, WholeNumber], Field(strict=False)]

_Loc = tuple[str | int, ...]


class _Problem(NamedTuple):
    loc: _Loc
    kind: str
    message: str


def _value_at(model: BaseModel, loc: _Loc) -> object:
    value: Any = model
    for part in loc:
        value = value[part] if isinstance(part, int) else getattr(value, part)
    return value


def _raise_problems(model: BaseModel, problems: list[_Problem]) -> None:
    # A ValidationError raised inside a validator keeps each error's loc, and
    # pydantic prefixes it with the path to this model.
    if problems:
        details = [
            InitErrorDetails(
                type=PydanticCustomError(p.kind, p.message),
                loc=p.loc,
                input=_value_at(model, p.loc),
            )
            for p in problems
        ]
        raise ValidationError.from_exception_data(type(model).__name__, details)


class BandDefinition(BaseModel):
    """A named band of scores, from ``low`` to ``high`` inclusive."""

    # Written out in each model so that the pydantic mypy plugin sees it.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    low: Number
    high: Number
    label: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        if self.high < self.low:
            message = f"must be at least the band's low end ({self.low})"
            _raise_problems(self, [_Problem(("high",), "band_order", message)])
        return self


Bands = Annotated[tuple[BandDefinition, ...], Field(strict=False)]


class ResponseOptionDefinition(BaseModel):
    """A response a person may give to an item, and the words shown for it."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    value: WholeNumber
    label: Text


ResponseOptions = Annotated[tuple[ResponseOptionDefinition, ...], Field(strict=False)]


class ItemSeriesDefinition(BaseModel):
    """One item of a ``per_item`` instrument, reported as a series of its own."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: Identifier
    name: str
    higher_is: Direction
    bands: Bands = ()


class InstrumentDefinition(BaseModel):
    """An outcome instrument as data: range, direction, reliable change and cut-off.

    Reliable change is given either as a fixed ``reliable_change`` in points or
    as ``sd`` and ``reliability`` (Jacobson & Truax), or not at all. The clinical
    cut-off is either a fixed ``cutoff`` (the first score on the clinical side)
    or the four norms that give criterion c, or not at all.

    An answer above the lowest to a ``safety_items`` item (numbered from 1; PHQ-9's item
    9, thoughts of self-harm) must never just be stored: it asks for help and follow-up.
    A total may reverse some items (``reversed_items``, numbered from 1),
    prorate up to ``max_missing`` unanswered items, or turn its raw sum into
    the reported score through a ``conversion`` table. The wording (``stem``,
    ``item_text``, ``response_options``) needs an ``attribution`` to show with
    it, and is refused where ``text_licence`` is ``organisation_supplied``.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    id: Identifier
    name: str
    version: str | None = None
    range: NumberPair
    higher_is: Direction
    reliable_change: PositiveNumber | None = None
    sd: PositiveNumber | None = None
    reliability: Reliability | None = None
    cutoff: Number | None = None
    clinical_mean: Number | None = None
    clinical_sd: PositiveNumber | None = None
    normal_mean: Number | None = None
    normal_sd: PositiveNumber | None = None
    items: Annotated[int, Strict(), Field(ge=1)] | None = None
    item_range: WholePair | None = None
    scoring: Scoring = "sum"
    item_series: Annotated[tuple[ItemSeriesDefinition, ...], Field(strict=False)] = ()
    bands: Bands = ()
    reversed_items: Annotated[tuple[WholeNumber, ...], Field(strict=False)] = ()
    safety_items: Annotated[tuple[WholeNumber, ...], Field(strict=False)] = ()
    max_missing: Annotated[int, Strict(), Field(ge=0)] = 0
    prorate: bool = False
    conversion: dict[RawTotal, Number] | None = None
    text_licence: TextLicence = "shipped"
    stem: Text | None = None
    item_text: Annotated[tuple[Text, ...], Field(strict=False)] = ()
    response_options: ResponseOptions = ()
    licence: str | None = None
    attribution: str | None = None

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        problems = [
            *_range_problems(self),
            *_reliable_change_problems(self),
            *_cutoff_problems(self),
            *_item_problems(self),
            *_series_problems(self),
            *_band_problems(self.bands, self.range, ("bands",)),
            *_scoring_feature_problems(self),
            *_text_problems(self),
        ]
        _raise_problems(self, problems)
        return self


_NORM_FIELDS = ("clinical_mean", "clinical_sd", "normal_mean", "normal_sd")
_PER_ITEM_EXCLUDES = ("reliable_change", "sd", "reliability", "cutoff", *_NORM_FIELDS, "bands")


def _join(names: Iterable[str]) -> str:
    listed = list(names)
    return listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"


def _missing_partners(values: Mapping[str, object], purpose: str) -> list[_Problem]:
    """Report each missing field of a group that is only given in part."""
    given = [name for name, value in values.items() if value is not None]
    if not given or len(given) == len(values):
        return []
    verb = "is" if len(given) == 1 else "are"
    needs = f"{purpose} needs {_join(values)}"
    return [
        _Problem(
            (name,), "missing_partner", f"required when {_join(given)} {verb} given, as {needs}"
        )
        for name, value in values.items()
        if value is None
    ]


def _range_problems(d: InstrumentDefinition) -> list[_Problem]:
    low, high = d.range
    if low < high:
        return []
    return [_Problem(("range",), "range_order", f"the low end ({low}) must be below the high end")]


def _reliable_change_problems(d: InstrumentDefinition) -> list[_Problem]:
    computed = {"sd": d.sd, "reliability": d.reliability}
    if d.reliable_change is not None and any(v is not None for v in computed.values()):
        message = (
            "give reliable change one way: a fixed reliable_change in points, "
            "or sd and reliability to compute it, not both"
        )
        return [_Problem(("reliable_change",), "conflict", message)]
    return _missing_partners(computed, "computing reliable change")


def _cutoff_problems(d: InstrumentDefinition) -> list[_Problem]:
    norms = {name: getattr(d, name) for name in _NORM_FIELDS}
    if d.cutoff is None:
        return _missing_partners(norms, "computing the cut-off")
    if any(v is not None for v in norms.values()):
        message = f"give the cut-off one way: a fixed cutoff, or {_join(norms)}, not both"
        return [_Problem(("cutoff",), "conflict", message)]
    return _outside(("cutoff",), d.cutoff, d.range)


def _outside(loc: _Loc, value: float, bounds: tuple[float, float]) -> list[_Problem]:
    low, high = bounds
    if low <= value <= high:
        return []
    return [_Problem(loc, "out_of_range", f"{value} lies outside the range {low} to {high}")]


def _item_problems(d: InstrumentDefinition) -> list[_Problem]:
    if d.scoring == "per_goal" and d.items is not None:
        message = "per_goal instruments take one rating per goal, not item responses"
        return [_Problem(("items",), "not_applicable", message)]
    if d.scoring == "sum_times_4" and d.items is None:
        message = "sum_times_4 scoring adds up item responses, so it needs items and item_range"
        return [_Problem(("items",), "missing", message)]
    missing = _missing_partners(
        {"items": d.items, "item_range": d.item_range}, "scoring item responses"
    )
    return missing or list(_item_range_problems(d))


def _item_range_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    if d.items is None or d.item_range is None:
        return
    item_low, item_high = d.item_range
    if item_low >= item_high:
        yield _Problem(
            ("item_range",), "range_order", f"the low end ({item_low}) must be below the high end"
        )
    elif d.scoring == "per_item":
        yield from _outside(("item_range",), item_low, d.range)
        yield from _outside(("item_range",), item_high, d.range)
    else:
        yield from _total_problems(d, d.items, (item_low, item_high))


def _total_problems(
    d: InstrumentDefinition, items: int, item_range: tuple[int, int]
) -> Iterator[_Problem]:
    # Every total the item responses can add up to must be a score in range,
    # or a correctly filled questionnaire could produce an impossible score.
    # A conversion table's scores are checked with the table itself.
    if d.conversion is not None:
        return
    factor = 4 if d.scoring == "sum_times_4" else 1
    lowest, highest = (items * end * factor for end in item_range)
    low, high = d.range
    if lowest < low or highest > high:
        message = f"item responses add up to {lowest} to {highest}, outside {low} to {high}"
        yield _Problem(("range",), "out_of_range", message)


def _series_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    if d.scoring != "per_item":
        if d.item_series:
            message = f"item series are for per_item scoring; scoring is {d.scoring}"
            yield _Problem(("item_series",), "not_applicable", message)
        return
    yield from _per_item_problems(d)
    for index, series in enumerate(d.item_series):
        loc: _Loc = ("item_series", index, "bands")
        yield from _band_problems(series.bands, d.range, loc)


def _per_item_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    if not d.item_series:
        yield _Problem(("item_series",), "missing", "per_item scoring needs at least one series")
    if d.items is not None and d.items != len(d.item_series):
        message = f"{d.items} items but {len(d.item_series)} item series; give one series per item"
        yield _Problem(("items",), "mismatch", message)
    yield from _duplicate_series(d.item_series)
    for name in _PER_ITEM_EXCLUDES:
        # Each item series is reported on its own, so there is no total to
        # which a reliable change, cut-off or band could apply.
        if getattr(d, name) not in (None, ()):
            message = f"a per_item instrument has no total score, so {name} does not apply"
            yield _Problem((name,), "not_applicable", message)


def _duplicate_series(series: Iterable[ItemSeriesDefinition]) -> Iterator[_Problem]:
    seen: set[str] = set()
    for index, one in enumerate(series):
        if one.id in seen:
            message = f"{one.id} is already the id of an earlier item series"
            yield _Problem(("item_series", index, "id"), "duplicate", message)
        seen.add(one.id)


def _band_problems(
    bands: tuple[BandDefinition, ...], bounds: tuple[float, float], loc: _Loc
) -> Iterator[_Problem]:
    for index, one in enumerate(bands):
        yield from _outside((*loc, index, "low"), one.low, bounds)
        yield from _outside((*loc, index, "high"), one.high, bounds)
    by_low = sorted(enumerate(bands), key=lambda pair: pair[1].low)
    for (_, before), (index, after) in itertools.pairwise(by_low):
        # Bands are inclusive at both ends, so touching ends would overlap.
        if after.low <= before.high:
            message = f"band {after.label!r} overlaps band {before.label!r}"
            yield _Problem((*loc, index), "overlap", message)


_TOTAL_SCORINGS = ("sum", "sum_times_4")
_TEXT_FIELDS = ("stem", "item_text", "response_options")


def _scoring_feature_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    yield from _reversed_problems(d)
    yield from _missing_item_problems(d)
    yield from _conversion_problems(d)
    yield from _safety_problems(d)


def _safety_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    seen: set[int] = set()
    for index, number in enumerate(d.safety_items):
        loc: _Loc = ("safety_items", index)
        if d.items is None or not 1 <= number <= d.items:
            message = f"there is no item {number}; items are numbered from 1 to {d.items or 0}"
            yield _Problem(loc, "out_of_range", message)
        elif number in seen:
            yield _Problem(loc, "duplicate", f"item {number} is already listed")
        seen.add(number)


def _reversed_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    if not d.reversed_items:
        return
    if d.scoring not in _TOTAL_SCORINGS or d.items is None:
        message = "reversed items count towards a total, so they need sum scoring and items"
        yield _Problem(("reversed_items",), "not_applicable", message)
        return
    seen: set[int] = set()
    for index, number in enumerate(d.reversed_items):
        loc: _Loc = ("reversed_items", index)
        if not 1 <= number <= d.items:
            message = f"there is no item {number}; items are numbered from 1 to {d.items}"
            yield _Problem(loc, "out_of_range", message)
        elif number in seen:
            yield _Problem(loc, "duplicate", f"item {number} is already listed")
        seen.add(number)


def _missing_item_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    if d.max_missing == 0 and not d.prorate:
        return
    if d.scoring not in _TOTAL_SCORINGS or d.items is None:
        message = "only a total of item responses can make up for missing items"
        yield _Problem(("max_missing" if d.max_missing else "prorate",), "not_applicable", message)
        return
    if d.max_missing >= d.items:
        message = (
            f"at least one of the {d.items} items must be answered; allow {d.items - 1} at most"
        )
        yield _Problem(("max_missing",), "out_of_range", message)
    if d.max_missing and not d.prorate:
        message = (
            "must be true when max_missing is above 0: missing items are made up for by prorating"
        )
        yield _Problem(("prorate",), "missing_partner", message)
    if d.prorate and not d.max_missing:
        message = "required when prorate is true: how many items may be missing"
        yield _Problem(("max_missing",), "missing_partner", message)
    if d.prorate and d.conversion is not None:
        message = "a conversion table needs a whole raw total, so it cannot be used with prorating"
        yield _Problem(("prorate",), "conflict", message)


def _conversion_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    if d.conversion is None:
        return
    if d.scoring != "sum" or d.items is None or d.item_range is None:
        message = "a conversion table turns a sum of item responses into a score; it needs sum scoring, items and item_range"
        yield _Problem(("conversion",), "not_applicable", message)
        return
    lowest, highest = (d.items * end for end in d.item_range)
    totals = set(range(lowest, highest + 1))
    if missing := sorted(totals - d.conversion.keys()):
        message = f"no score for the raw totals {_numbers(missing)}; give one for each total from {lowest} to {highest}"
        yield _Problem(("conversion",), "incomplete", message)
    if extra := sorted(d.conversion.keys() - totals):
        message = f"the raw totals {_numbers(extra)} cannot occur; the items add up to {lowest} to {highest}"
        yield _Problem(("conversion",), "out_of_range", message)
    for raw, score in sorted(d.conversion.items()):
        yield from _outside(("conversion", raw), score, d.range)


def _numbers(numbers: list[int]) -> str:
    if len(numbers) <= 5:
        return _join(str(n) for n in numbers)
    return f"{', '.join(str(n) for n in numbers[:5])} and {len(numbers) - 5} more"


def _text_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    given = [name for name in _TEXT_FIELDS if getattr(d, name) not in (None, ())]
    if d.text_licence == "organisation_supplied":
        # The licence of such an instrument lets only the organisation hold its
        # wording, so a definition that carries any is refused outright.
        message = (
            "an organisation_supplied instrument carries no item text; the organisation "
            "supplies it in its own file (see MUTUALITY_INSTRUMENT_TEXT)"
        )
        yield from (_Problem((name,), "not_allowed", message) for name in given)
        return
    if given and not d.attribution:
        message = "required when item text is given: the credit shown wherever the items are shown"
        yield _Problem(("attribution",), "missing_partner", message)
    yield from _item_text_problems(d)
    yield from _option_problems(d.response_options, d.item_range or d.range, ("response_options",))


def _item_text_problems(d: InstrumentDefinition) -> Iterator[_Problem]:
    if not d.item_text:
        return
    if d.items is None:
        message = "item text needs items, the number of items it words"
        yield _Problem(("item_text",), "missing_partner", message)
    elif len(d.item_text) != d.items:
        given = len(d.item_text)
        message = f"{d.items} items but {given} statement{'' if given == 1 else 's'}; give one statement per item"
        yield _Problem(("item_text",), "mismatch", message)


def _option_problems(
    options: Iterable[ResponseOptionDefinition], bounds: tuple[float, float], loc: _Loc
) -> Iterator[_Problem]:
    seen: set[int] = set()
    for index, option in enumerate(options):
        value_loc: _Loc = (*loc, index, "value")
        yield from _outside(value_loc, option.value, bounds)
        if option.value in seen:
            message = f"{option.value} is already the value of an earlier option"
            yield _Problem(value_loc, "duplicate", message)
        seen.add(option.value)
