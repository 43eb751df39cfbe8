"""Finding instruments: the shipped ones, an organisation's own, and series ids.

An organisation's files are read defensively: they are capped in size and in
the number of values their aliases expand to, and every fault becomes an
:class:`OutcomesError` that names the file and the place inside it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType

import yaml
from pydantic import TypeAdapter, ValidationError

from mutuality._safe_yaml import describe_yaml_error, load_yaml
from mutuality.outcomes._definition import InstrumentDefinition
from mutuality.outcomes._instrument import Instrument
from mutuality.outcomes.exceptions import OutcomesError


@functools.cache
def shipped_instruments() -> Mapping[str, Instrument]:
    """The instruments shipped with Mutuality, by id (read once, then cached).

    Returns:
        A read-only mapping, so that no caller can change what others see.
    """
    definitions = (_read_definition(file) for file in _shipped_files())
    return MappingProxyType({d.id: Instrument.from_definition(d) for d in definitions})


def _shipped_files() -> list[Traversable]:
    folder = resources.files("mutuality.outcomes").joinpath("instruments")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def _read_definition(file: Traversable) -> InstrumentDefinition:
    # Shipped files go through the same model as an organisation's own, so a
    # shipped instrument has no powers that a custom one lacks.
    return InstrumentDefinition.model_validate(load_yaml(file.read_text(encoding="utf-8")))


def build_instruments(definitions: Iterable[InstrumentDefinition]) -> dict[str, Instrument]:
    """The shipped instruments plus custom ones, by id.

    Args:
        definitions: Custom instrument definitions, such as a case file's
            ``instruments`` list.

    Raises:
        OutcomesError: A custom id is a shipped id, or is used twice.
    """
    shipped = shipped_instruments()
    instruments = dict(shipped)
    for definition in definitions:
        if definition.id in instruments:
            raise OutcomesError(_collision_message(definition.id, shipped))
        instruments[definition.id] = Instrument.from_definition(definition)
    return instruments


def _collision_message(instrument_id: str, shipped: Mapping[str, Instrument]) -> str:
    if instrument_id in shipped:
        return (
            f"instrument {instrument_id!r} is shipped with Mutuality; "
            "use the shipped one, or give yours a different id"
        )
    return f"instrument {instrument_id!r} is defined twice; give each instrument its own id"


def resolve_series(series_id: str, instruments: Mapping[str, Instrument]) -> Instrument | None:
    """The instrument that scores a series, or None when there is none.

    ``phq9`` names an instrument; ``ons4.anxious`` names one item series of a
    per-item instrument; ``gbo.1`` names one goal of a per-goal instrument,
    which every goal shares.
    """
    if series_id in instruments:
        return instruments[series_id]
    parent_id, dot, part = series_id.partition(".")
    parent = instruments.get(parent_id)
    if parent is None or not dot:
        return None
    if parent.scoring == "per_goal":
        return parent if _is_goal_number(part) else None
    return next((s for s in parent.item_series if s.id == series_id), None)


def _is_goal_number(text: str) -> bool:
    # isdigit alone would accept digits such as "²", which int() rejects.
    return text.isascii() and text.isdigit() and int(text) >= 1


MAX_FILE_BYTES = 1_048_576
"""The largest instrument or item-text file that is read (1 MiB)."""

_DEFINITIONS = TypeAdapter(list[InstrumentDefinition])


def load_instrument_file(path: Path) -> list[InstrumentDefinition]:
    """Read an organisation's instrument definitions from a YAML file.

    The file holds one definition (a mapping) or a list of them, in the format
    of docs/case-format.md, "Instrument definitions".

    Raises:
        OutcomesError: The file cannot be read, is not YAML, is too large, or
            a definition is invalid; the message names the file and the path
            inside it, such as ``my.yaml: [0].reliability: ...``.
    """
    return _definitions(read_yaml_file(path), path)


def instruments_from_text(text: str, source: str = "instruments") -> list[InstrumentDefinition]:
    """An organisation's instrument definitions typed into a form (YAML, or JSON, which is YAML
    too): as `load_instrument_file` reads a file, with the same caps, checked against the
    shipped instruments and each other (`build_instruments`).

    Raises:
        OutcomesError: The text is too long or not YAML, a definition is invalid, or an id is
            shipped or repeated; each line names `source` and the place inside it.
    """
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise OutcomesError(f"{source}: larger than {MAX_FILE_BYTES:,} bytes")
    try:
        data = load_yaml(text) if text.strip() else []
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        raise OutcomesError(f"{source}: {describe_yaml_error(error, text)}") from None
    definitions = _definitions(data, source)
    try:
        build_instruments(definitions)
    except OutcomesError as error:
        raise OutcomesError(f"{source}: {error}") from None
    return definitions


def _definitions(data: object, source: Path | str) -> list[InstrumentDefinition]:
    try:
        if isinstance(data, dict):
            return [InstrumentDefinition.model_validate(data)]
        if isinstance(data, list):
            return _DEFINITIONS.validate_python(data)
    except ValidationError as error:
        raise OutcomesError(validation_message(source, error)) from None
    raise OutcomesError(
        f"{source}: expected an instrument definition or a list of them; got {_kind(data)}"
    )


def read_yaml_file(path: Path) -> object:
    """The plain values in a YAML file, read within the size caps.

    Raises:
        OutcomesError: The file cannot be read, is larger than 1 MiB, is not
            UTF-8 YAML, or expands to more than 100,000 values.
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise OutcomesError(f"{path}: cannot read it: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise OutcomesError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
        return load_yaml(text)
    except UnicodeDecodeError as error:
        raise OutcomesError(f"{path}: byte {error.start} is not UTF-8 text") from None
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        raise OutcomesError(f"{path}: {describe_yaml_error(error, text)}") from None


def validation_message(path: Path | str, error: ValidationError) -> str:
    """One line per problem, each naming the file and the path inside it."""
    return "\n".join(
        f"{path}: {_location(problem['loc'])}: {problem['msg']}" for problem in error.errors()
    )


def _location(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.startswith("["):
            text += part
        else:
            text += f".{part}" if text else part
    return text or "(the whole file)"


def _kind(data: object) -> str:
    return "an empty file" if data is None else f"a {type(data).__name__}"
