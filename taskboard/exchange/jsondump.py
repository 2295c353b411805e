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
from collections.abc import Iterator
from typing import Any, TextIO

from taskboard.services import ServiceError, Services

FORMAT = "taskboard"
VERSION = 1

_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def write(services: Services, out: TextIO) -> int:
    """Stream the dump to `out`; returns the number of records."""
    out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "records": [')
    count = 0
    for table, row in services.transfer.dump():
        out.write(("\n" if not count else ",\n") + '{"table": "' + table + '", "row": ')
        out.write(_encode(row) + "}")
        count += 1
    out.write("\n]}\n")
    return count


def _records(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, record in enumerate(document["records"], start=1):
        if not isinstance(record, dict) or not isinstance(record.get("table"), str):
            raise ServiceError(f"record {number}: not a {{'table': …, 'row': …}} object")
        yield record["table"], record.get("row")  # type: ignore[misc]


def read(services: Services, source: TextIO) -> int:
    """Restore a dump into an empty store; returns the number of rows written."""
    try:
        document = json.load(source)
    except json.JSONDecodeError as exc:
        raise ServiceError(
            f"bad JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ServiceError('not a taskboard JSON dump (no "format": "taskboard")')
    version = document.get("version")
    if version != VERSION:
        raise ServiceError(
            f"unsupported dump version {version!r}: this program reads version {VERSION}"
        )
    if not isinstance(document.get("records"), list):
        raise ServiceError("the dump has no list of records")
    return services.transfer.restore(_records(document))
