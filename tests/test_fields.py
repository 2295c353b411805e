"""Every task field of the registry goes through edit, undo, redo, tokens and the history.

A new field is one entry in `domain/fields.py`; these tests fail until it has a sample here,
and then prove it works everywhere a field is known.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from taskboard.domain.fields import BY_NAME, EDITABLE, FIELDS, TaskChanges, encode
from taskboard.domain.views import TaskDetail, history_lines
from taskboard.services import Services

TODAY = date(2026, 11, 23)

# A value for each editable field, and how to read it back from a task's detail.
SAMPLES: dict[str, tuple[object, Callable[[TaskDetail], object]]] = {
    "title": ("Car 4711 handed over", lambda d: d.task.title),
    "notes": ("Papers\nand keys", lambda d: d.notes),
    "assignee": ("mia", lambda d: d.task.assignee),
    "start": (date(2026, 12, 1), lambda d: d.start),
    "due": (date(2026, 12, 24), lambda d: d.task.due),
    "priority": ("high", lambda d: d.task.priority),
    "tags": (("hub", "papers"), lambda d: d.task.tags),
    "key_result": ("O1-KR1", lambda d: d.task.key_result),
    "recurrence": ("FREQ=WEEKLY", lambda d: d.recurrence),
    "column": ("Doing", lambda d: d.task.column),
}
# The capture token that sets each field that has one.
TOKENS = {
    "assignee": "@mia",
    "due": "^2026-12-24",
    "priority": "!high",
    "tags": "#hub #papers",
    "key_result": "~O1-KR1",
    "recurrence": "every:weekly",
    "column": ">doi",
}


@pytest.fixture
def board(services: Services) -> Services:
    services.projects.create("DEL", "Deliveries", ("To do", "Doing", "Done"))
    services.okr.add_objective("Deliver", "2026-Q4")
    services.okr.add_key_result("O1", "Cars handed over", 0, 100)
    services.tasks.capture("Car 4711 arrived +DEL")
    return services


def test_every_editable_field_has_a_sample_and_a_change() -> None:
    assert set(SAMPLES) == {f.name for f in EDITABLE}
    assert set(TOKENS) == {f.name for f in EDITABLE if f.token}
    assert {f.name for f in EDITABLE} == set(TaskChanges.__dataclass_fields__)
    assert not TaskChanges()
    assert [f.name for f, _ in TaskChanges(due=None, title="x").items()] == ["title", "due"]


@pytest.mark.parametrize("name", list(SAMPLES))
def test_a_field_round_trips_through_edit_undo_redo_and_the_history(
    board: Services, name: str
) -> None:
    field = BY_NAME[name]
    value, read = SAMPLES[name]
    before = read(board.tasks.detail("DEL-1"))
    assert before != value
    changes: dict[str, Any] = {name: value}
    board.tasks.edit("DEL-1", TaskChanges(**changes))
    assert read(board.tasks.detail("DEL-1")) == value
    lines = [line for _, line in history_lines(board.tasks.detail("DEL-1").history)]
    said = f"{field.label} edited" if not field.quoted else f"{field.label}: "
    assert lines[-1].startswith(said), lines

    undone = board.undo.undo()
    assert read(board.tasks.detail("DEL-1")) == before
    assert undone.keys == ("DEL-1",)
    board.undo.redo()
    assert read(board.tasks.detail("DEL-1")) == value


@pytest.mark.parametrize("name", list(SAMPLES))
def test_a_field_reads_back_from_the_log_and_from_a_form(name: str) -> None:
    field = BY_NAME[name]
    value, _ = SAMPLES[name]
    assert field.decode(encode(value)) == value
    assert field.parse is not None and field.check is not None
    assert field.parse(encode(value) or "", TODAY) == value


@pytest.mark.parametrize("name", list(TOKENS))
def test_a_capture_token_sets_its_field(board: Services, name: str) -> None:
    value, read = SAMPLES[name]
    board.tasks.apply_tokens("DEL-1", TOKENS[name])
    assert read(board.tasks.detail("DEL-1")) == value


def test_the_state_fields_are_told_in_words_never_as_raw_values() -> None:
    assert {f.name for f in FIELDS if not f.editable} == {
        "rank",
        "completed",
        "archived",
        "blocked_by",
        "next_occurrence",
    }
    assert BY_NAME["next_occurrence"].said("OPS-2") == "OPS-2"
    assert BY_NAME["completed"].said("2026-11-23T10:00:00+00:00") == "done on 2026-11-23"
    assert BY_NAME["archived"].said("true") == "archived"
    assert BY_NAME["assignee"].said(None) == "nobody"
    assert BY_NAME["rank"].said("i") is None
