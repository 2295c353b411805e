"""How a refused record of an imported file is said: pydantic's first error as one line that
names the place, the field and what the field must be (`record 17: priority must be H, M or L,
not 'X'`). The dump's restore and every importer of `taskboard.exchange` word them alike;
the readers of foreign files check their records by hand (`said`, `exchange.records.Check`).
Stdlib only at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from taskboard.domain.text import excerpt

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

__all__ = ["describe", "said"]

_PROBLEMS = {
    "missing": "is missing",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "extra_forbidden": "is not a field of this record",
    "string_too_long": "is longer than {max_length} characters",
    "string_too_short": "is empty",
    "string_pattern_mismatch": "must be printable text",
    "too_long": "has more than {max_length} items",
    "less_than_equal": "must be at most {le}",
    "greater_than_equal": "must be at least {ge}",
    "literal_error": "must be {expected}",
}
# Problems that are about the field being there or not, not about its value.
_NO_VALUE = frozenset({"missing", "extra_forbidden", "model_type", "dict_type"})


def _shown(value: Any) -> str:
    if isinstance(value, str | int | float | bool) or value is None:
        return excerpt(repr(value))
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _field(loc: tuple[int | str, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else part)
    return excerpt(name, 60)


def _problem(error: ErrorDetails | Mapping[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    template = _PROBLEMS.get(error["type"])
    if template is not None:
        problem = template.format(**{k: str(v).replace("'", "") for k, v in ctx.items()})
    elif error["type"] == "value_error":
        problem = str(ctx.get("error", error["msg"]))
    else:
        problem = error["msg"][:1].lower() + error["msg"][1:]
    if error["type"] not in _NO_VALUE:
        problem += f", not {_shown(error['input'])}"
    return problem


def describe(where: str, error: ValidationError) -> tuple[str, str | None]:
    """(the one line, the field it names) for the first problem of `error` at `where`."""
    return _line(where, error.errors(include_url=False)[0])


def said(
    where: str, loc: tuple[int | str, ...], kind: str, value: Any, **ctx: object
) -> tuple[str, str | None]:
    """`describe` of one problem found without pydantic (a reader that checks its records
    by hand, for speed): `kind` is pydantic's error type (`string_type`, `literal_error`,
    `value_error` with `error=`…) and `ctx` its context, so both say it alike."""
    return _line(where, {"type": kind, "loc": loc, "input": value, "ctx": ctx, "msg": kind})


def _line(where: str, first: ErrorDetails | Mapping[str, Any]) -> tuple[str, str | None]:
    field = _field(first["loc"])
    if not field:
        return f"{where}: the record {_problem(first)}", None
    return f"{where}: {field} {_problem(first)}", field
