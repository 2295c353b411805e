"""The JSON dump is lossless: export → import into an empty store → export is byte-identical."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import col

from taskboard.domain.models import (
    AgendaItem,
    CheckIn,
    Cycle,
    KeyResult,
    Meeting,
    MeetingAttendee,
    MeetingItem,
    Objective,
    Person,
    Task,
    Template,
    TemplateStep,
)
from taskboard.exchange import jsondump
from taskboard.services import ServiceError, Services
from taskboard.services.demo import load_demo
from taskboard.store import open_store


def fill(services: Services) -> None:
    """The demo board plus a row in every table the demo leaves empty."""
    load_demo(services)
    at = datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=UTC)
    with services.ctx.store.write() as s:
        jonas = s.scalars(select(Person).where(col(Person.handle) == "jonas")).one()
        cycle = Cycle(name="TEST-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
        s.add(cycle)
        s.flush()
        parent = Objective(
            number=90, key="O90", title="Deliver", cycle_id=cycle.id or 0, created=at
        )
        s.add(parent)
        s.flush()
        child = Objective(
            number=91, key="O91", title="Hand over", cycle_id=cycle.id or 0, parent_id=parent.id
        )
        s.add(child)
        s.flush()
        kr = KeyResult(
            objective_id=parent.id or 0, number=1, key="O90-KR1", title="Cars", kind="number",
            start_value=0.0, target_value=100000.0, current_value=4200.5, weight=0.3,
            confidence=0.7, owner_id=jonas.id,
        )  # fmt: skip
        s.add(kr)
        s.flush()
        check = CheckIn(key_result_id=kr.id or 0, value=4200.5, previous_value=0.1, note="ok")
        meeting = Meeting(title="Weekly", started=at, ended=at)
        s.add_all([check, meeting])
        s.flush()
        agenda = AgendaItem(meeting_id=meeting.id or 0, position=0, title="Papers", task_id=3)
        s.add_all([agenda, MeetingAttendee(meeting_id=meeting.id or 0, person_id=jonas.id or 0)])
        s.flush()
        s.add(
            MeetingItem(
                meeting_id=meeting.id or 0, kind="checkin", text="kr O90-KR1 = 4200.5",
                check_in_id=check.id, agenda_item_id=agenda.id, task_id=3,
            )
        )  # fmt: skip
        template = Template(name="Test handover", description="Two weeks")
        s.add(template)
        s.flush()
        s.add(TemplateStep(template_id=template.id or 0, position=0, title="Papers", offset_days=3))


def export(services: Services) -> str:
    out = io.StringIO()
    jsondump.write(services, out)
    return out.getvalue()


def test_sqlite_copy_of_any_store_dumps_byte_identical(services: Services, tmp_path: Path) -> None:
    fill(services)
    first = export(services)
    copy = Services.open(open_store(str(tmp_path / "b.db")), "tester")
    jsondump.read(copy, io.StringIO(first))
    assert export(copy) == first
    assert '"table": "check_in"' in first and '"table": "template_step"' in first


def test_restore_into_each_backend_dumps_byte_identical(services: Services, tmp_path: Path) -> None:
    source = Services.open(open_store(str(tmp_path / "a.db")), "tester")
    fill(source)
    first = export(source)
    jsondump.read(services, io.StringIO(first))
    assert export(services) == first
    # Ids continue after the restored ones (PostgreSQL sequences were reset).
    rows = services.tasks.rows(project="DEL", include_closed=True)
    last = max(int(r.key.split("-")[1]) for r in rows)
    created = services.tasks.capture("After the restore +DEL")
    assert created.task.key == f"DEL-{last + 1}"
    with services.ctx.store.read() as s:
        assert s.scalar(select(func.max(Task.id))) == created.task.id


def test_restore_refuses_a_store_that_is_not_empty(services: Services) -> None:
    services.tasks.capture("Already here")
    document = export(services)
    with pytest.raises(ServiceError, match="empty store"):
        jsondump.read(services, io.StringIO(document))
    assert len(services.tasks.rows()) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "taskboard", "version": 1, "records": [\n{"table": "person",', "line 2"),
        ('{"format": "taskboard", "version": 2, "records": []}', "version 2"),
        ('{"format": "other", "version": 1, "records": []}', "not a taskboard"),
    ],
)
def test_broken_dumps_are_refused(services: Services, text: str, message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        jsondump.read(services, io.StringIO(text))


def test_a_bad_record_names_its_number_and_writes_nothing(
    services: Services, tmp_path: Path
) -> None:
    source = Services.open(open_store(str(tmp_path / "a.db")), "tester")
    load_demo(source)
    lines = export(source).splitlines()
    task_line = next(i for i, line in enumerate(lines) if '"table": "task"' in line)
    lines[task_line] = lines[task_line].replace('"due": "', '"due": "31.', 1)
    with pytest.raises(ServiceError, match=f"record {task_line} \\(task\\): due"):
        jsondump.read(services, io.StringIO("\n".join(lines)))
    with services.ctx.store.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0
    assert [p.key for p in services.projects.all()] == ["INBOX"]


def _encoded(services: Services) -> list[str]:
    """Each record as the JSON encoder writes its dict of JSON-ready values."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    return [encode({"table": t, "row": row}) for t, row in services.transfer.dump()]


def test_each_record_is_its_json_ready_row_encoded(services: Services) -> None:
    """The dump writes a row's values straight from the driver's; what it writes is what
    the JSON encoder makes of the row's JSON-ready values, on either backend."""
    fill(services)
    services.tasks.capture('Quotes " and \\ backslash, tab\tand ümlaut %s %% +DEL')
    records = _encoded(services)
    lines = export(services).splitlines()
    assert lines[1:-1] == [line + "," for line in records[:-1]] + records[-1:]


def test_a_value_of_an_unexpected_type_is_written_as_the_encoder_writes_it(
    tmp_path: Path,
) -> None:
    services = Services.open(open_store(str(tmp_path / "odd.db")), "tester")
    services.tasks.capture("Odd version +INBOX")
    with services.ctx.store.write() as s:  # SQLite keeps a text in an INTEGER column
        s.execute(text("UPDATE task SET version = 'seven'"))
    lines = export(services).splitlines()
    task_line = next(line for line in lines if line.startswith('{"table": "task"'))
    assert '"version": "seven"' in task_line
    assert task_line.rstrip(",") in _encoded(services)
