"""The lossless JSON dump: every row of every table, one record per line, versioned.

Format, version 1::

    {"format": "taskboard", "version": 1, "records": [
    {"table": "person", "row": {"id": 1, "handle": "jonas", ...}},
    ...
    ]}

Records come table by table (parents before children: person, project, board_column, tag,
cycle, objective, key_result, task, task_tag, dependency, comment, check_in, meeting,
meeting_attendee, agenda_item, meeting_item, template, template_step, activity), each table
by primary key. A row holds every column of its table under the column's name; dates are
`YYYY-MM-DD`, timestamps ISO 8601 in UTC with `+00:00`. Restoring needs an empty store and
gives back the same rows, so export → import → export is byte-identical.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from operator import call
from typing import Any, TextIO

from taskboard.domain.text import excerpt
from taskboard.exchange.records import BadRecordError, label, load_json
from taskboard.services import Services
from taskboard.services.dump import DumpColumn, iso_utc, json_ready

FORMAT = "taskboard"
VERSION = 1

_json = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
# JSON escapes C0 controls itself; C1 controls (a one-byte CSI is 0x9b), DEL and the
# line separators are written as \u escapes too, so the dump never carries a raw one to a
# terminal. Still lossless: the JSON reader turns the escape back into the character.
_RAW = re.compile("[\x7f-\x9f\u2028\u2029]")


def _escaped(text: str) -> str:
    if text.isascii() and "\x7f" not in text:
        return text  # nothing to escape: the usual case, found in one pass
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _or_null(write: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda v: "null" if v is None else write(v)


def _time(value: Any) -> str:
    return '"' + iso_utc(value) + '"'


def _day(value: Any) -> str:
    return encode_basestring(value) if isinstance(value, str) else f'"{value.isoformat()}"'


# How a column's value (as the DB-API driver gives it) is written, by its kind: what
# `_json` writes for its JSON-ready value. A value of an unexpected type makes these
# raise TypeError (int.__repr__ of a text, encode_basestring of a number), and its row is
# written the general way.
_WRITERS: dict[str, Callable[[Any], str]] = {
    "int": int.__repr__,
    "text": encode_basestring,
    "time": _time,
    "date": _day,
    "bool": lambda v: "true" if v else "false",
    "other": _json,
}


def _row_writer(table: str, columns: tuple[DumpColumn, ...]) -> Callable[[Any], str]:
    """One record's text from a row as the driver gives it: a template filled with the
    values each written by its column's writer, not a dict encoded by a new encoder."""
    # The names are the schema's own: no `%` to escape in the template.
    fields = ", ".join(f"{encode_basestring(c.name)}: %s" for c in columns)
    template = f'{{"table": {encode_basestring(table)}, "row": {{{fields}}}}}'
    writers = [_or_null(_WRITERS[c.kind]) if c.nullable else _WRITERS[c.kind] for c in columns]

    def record(found: Any) -> str:
        try:
            return template % tuple(map(call, writers, found))
        except (TypeError, ValueError, AttributeError):
            row = json_ready(columns, found)
            return f'{{"table": {encode_basestring(table)}, "row": {_json(row)}}}'

    return record


def write(services: Services, out: TextIO) -> int:
    """Stream the dump to `out`, a chunk of rows at a time; returns the number of records."""
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "records": [')
    count = 0
    writers: dict[str, Callable[[Any], str]] = {}
    for table, columns, chunk in services.transfer.dump_chunks():
        if table not in writers:
            writers[table] = _row_writer(table, columns)
        text = ",\n".join(map(writers[table], chunk))
        out.write(_escaped(("\n" if not count else ",\n") + text))
        count += len(chunk)
    out.write("\n]}\n")
    return count


def _records(records: list[Any], place: str) -> Iterator[tuple[str, Any]]:
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or not isinstance(record.get("table"), str):
            raise BadRecordError(f"{place}record {number}: not a {{'table': …, 'row': …}} object")
        yield record["table"], record.get("row")


def read(services: Services, source: TextIO) -> int:
    """Restore a dump into an empty store; returns the number of rows written."""
    place = label(source)
    document = load_json(source.read(), place)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadRecordError(f'{place}not a taskboard JSON dump (no "format": "taskboard")')
    version = document.get("version")
    if version != VERSION or isinstance(version, bool):
        raise BadRecordError(
            f"{place}unsupported dump version {excerpt(repr(version))}:"
            f" this program reads version {VERSION}"
        )
    records = document.get("records")
    if not isinstance(records, list):
        raise BadRecordError(f"{place}the dump has no list of records")
    return services.transfer.restore(_records(records, place), place)
