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
from collections.abc import Iterator
from typing import Any, TextIO

from taskboard.domain.text import excerpt
from taskboard.exchange.records import BadRecordError, label, load_json
from taskboard.services import Services

FORMAT = "taskboard"
VERSION = 1

_json = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
# JSON escapes C0 controls itself; C1 controls (a one-byte CSI is 0x9b), DEL and the
# line separators are written as \u escapes too, so the dump never carries a raw one to a
# terminal. Still lossless: the JSON reader turns the escape back into the character.
_RAW = re.compile("[\x7f-\x9f\u2028\u2029]")


# Records written to `out` at a time: one write and one escape pass per chunk, not per row.
_CHUNK = 2000


def _escaped(text: str) -> str:
    if text.isascii() and "\x7f" not in text:
        return text  # nothing to escape: the usual case, found in one pass
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write(services: Services, out: TextIO) -> int:
    """Stream the dump to `out`; returns the number of records."""
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "records": [')
    count = 0
    chunk: list[str] = []
    for table, row in services.transfer.dump():
        chunk.append(("\n" if not count else ",\n") + '{"table": "' + table + '", "row": ')
        chunk.append(_json(row) + "}")
        count += 1
        if len(chunk) >= _CHUNK:
            out.write(_escaped("".join(chunk)))
            chunk.clear()
    out.write(_escaped("".join(chunk)) + "\n]}\n")
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
