"""Imported records checked by hand, each refusal worded as pydantic would word it: a
wrong type or value becomes one line that names the file, the record (or line) and the
field — `tasks.json: record 17: priority must be H, M or L, not 'X'` — and nothing is
written. Stdlib only: no reader of a foreign file loads pydantic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from taskboard.domain.text import excerpt
from taskboard.services import ServiceError
from taskboard.services.record_checks import said

__all__ = ["BadRecordError", "Check", "label", "load_json", "refused"]


class BadRecordError(ServiceError):
    """A record of an imported file is not what its format says; nothing was written."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def label(source: object) -> str:
    """`name: ` for a stream read from a file (its base name), else nothing: the prefix of
    every place an import names."""
    name = getattr(source, "name", None)
    return f"{Path(name).name}: " if isinstance(name, str) and name else ""


def refused(
    where: str, loc: tuple[int | str, ...], kind: str, value: Any, **ctx: object
) -> BadRecordError:
    """The refusal of a record checked by hand, worded as pydantic's refusals are
    (`record_checks.said`: `kind` is pydantic's error type)."""
    message, field = said(where, loc, kind, value, **ctx)
    return BadRecordError(message, field)


Loc = tuple[int | str, ...]
Value = TypeVar("Value")
# Text without control characters: ids and keys become part of what the store looks up.
# Matched whole (`fullmatch`): `$` would let a final newline through.
PRINTABLE = re.compile(r"[^\x00-\x1f\x7f-\x9f]*")


class Check:
    """Checks of one record's values by hand, each refusal worded as pydantic's would be
    (`refused`): strict types, as pydantic's strict models would check them. For the readers
    of files that may hold thousands of records, where building and running a model cost
    more than the import's own work, and loading pydantic a good part of the rest."""

    def __init__(self, where: str) -> None:
        self.where = where

    def no(self, loc: Loc, kind: str, value: object, **ctx: object) -> BadRecordError:
        return refused(self.where, loc, kind, value, **ctx)

    def text(
        self,
        value: object,
        loc: Loc,
        min_length: int = 0,
        max_length: int | None = None,
        printable: bool = False,
    ) -> str:
        """Text (pydantic's order: type, shortest, longest, pattern)."""
        if not isinstance(value, str):
            raise self.no(loc, "string_type", value)
        if len(value) < min_length:
            raise self.no(loc, "string_too_short", value, min_length=min_length)
        if max_length is not None and len(value) > max_length:
            raise self.no(loc, "string_too_long", value, max_length=max_length)
        if printable and not PRINTABLE.fullmatch(value):
            raise self.no(loc, "string_pattern_mismatch", value)
        return value

    def whole(self, value: object, loc: Loc, ge: int, le: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.no(loc, "int_type", value)
        if value < ge:
            raise self.no(loc, "greater_than_equal", value, ge=ge)
        if value > le:
            raise self.no(loc, "less_than_equal", value, le=le)
        return value

    def choice(self, value: object, loc: Loc, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in choices:
            said = f"{', '.join(choices[:-1])} or {choices[-1]}"
            raise self.no(loc, "literal_error", value, expected=said)
        return value

    def items(self, value: object, loc: Loc) -> list[Any]:
        if not isinstance(value, list):
            raise self.no(loc, "list_type", value)
        return value

    def parsed(self, parse: Callable[[object], Value], value: object, loc: Loc) -> Value:
        """`parse(value)`, whose ValueError says what the value must be."""
        try:
            return parse(value)
        except ValueError as exc:
            raise self.no(loc, "value_error", value, error=exc) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def load_json(text: str, where: str = "") -> Any:
    """Parse JSON text; any failure (bad syntax, nesting too deep for the parser, an integer
    of thousands of digits, NaN) is one line naming the place."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BadRecordError(
            f"{where}bad JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise BadRecordError(f"{where}the JSON nests too deeply to be read") from None
    except ValueError as exc:  # Infinity/NaN, or an integer too long to convert
        raise BadRecordError(f"{where}bad JSON: {excerpt(str(exc), 80)}") from None
