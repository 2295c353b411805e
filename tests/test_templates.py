"""Templates on both backends: offsets, assignees and columns; as task, as project, by CSV."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from taskboard.domain.models import Project, Task, Template, TemplateStep
from taskboard.domain.templates import (
    StepSpec,
    TemplateError,
    format_offset,
    parse_offset,
    parse_step_line,
)
from taskboard.services import Services
from taskboard.services.errors import DuplicateError, InvalidFieldError, StateError
from taskboard.store import Store

ANCHOR = date(2026, 12, 1)
STEPS = (
    StepSpec("Papers at the agent", 2, "jonas", "Arrived", ("papers",), "high"),
    StepSpec("Payment confirmed", 4, "tarek", "Papers & payment", ("payment",)),
    StepSpec("Car handed over", 14, None, "Handover booked", (), None, "Bring the keys"),
)


def count(store: Store, model: object) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "days"), [("+0d", 0), ("+5d", 5), ("+14d", 14), ("+2w", 14), ("-1d", -1), ("3d", 3)]
)
def test_parse_offset(text: str, days: int) -> None:
    assert parse_offset(text) == days
    assert parse_offset(format_offset(days)) == days


@pytest.mark.parametrize("text", ["", "+d", "5", "+5x", "+99999d", "fri"])
def test_parse_offset_rejects(text: str) -> None:
    with pytest.raises(TemplateError):
        parse_offset(text)


def test_parse_step_line() -> None:
    step = parse_step_line("Send papers +2d @Jonas >papers_and_payment #papers !high", ANCHOR)
    assert step == StepSpec(
        "Send papers", 2, "jonas", "papers and payment", ("papers",), "high", ""
    )
    assert parse_step_line("Opening -1d", ANCHOR).offset_days == -1
    assert parse_step_line("No date", ANCHOR).offset_days is None
    with pytest.raises(TemplateError, match="no place"):
        parse_step_line("Papers +2d +DEL", ANCHOR)
    with pytest.raises(TemplateError, match="no title"):
        parse_step_line("+2d @jonas", ANCHOR)


@pytest.fixture
def handover(services: Services) -> Services:
    services.templates.create("Vehicle handover", STEPS, "Two weeks from arrival")
    return services


def test_create_show_list_delete(handover: Services, store: Store) -> None:
    view = handover.templates.show("veh")
    assert [s.offset_days for s in view.steps] == [2, 4, 14]
    assert [s.assignee for s in view.steps] == ["jonas", "tarek", None]
    assert view.steps[0].column == "Arrived" and view.steps[0].priority == "high"
    assert view.steps[2].notes == "Bring the keys"
    assert [t.name for t in handover.templates.all()] == ["Vehicle handover"]
    with pytest.raises(DuplicateError):
        handover.templates.create("Vehicle handover", STEPS)
    with pytest.raises(InvalidFieldError, match=r"^step 1: "):
        handover.templates.create("Other", [StepSpec("x", priority="soon")])
    assert count(store, Template) == 1
    handover.templates.delete("Vehicle handover")
    assert count(store, Template) == 0 and count(store, TemplateStep) == 0


def test_apply_as_task(handover: Services) -> None:
    made = handover.templates.apply("Vehicle handover", ANCHOR, "Handover WAG-4711", assignee="mia")
    assert made.kind == "task" and made.key == "INBOX-1"
    detail = handover.tasks.detail(made.key)
    assert detail.task.title == "Handover WAG-4711" and detail.task.assignee == "mia"
    assert detail.start == ANCHOR and detail.task.due == date(2026, 12, 15)
    subs = detail.subtasks
    assert [s.due for s in subs] == [date(2026, 12, 3), date(2026, 12, 5), date(2026, 12, 15)]
    # A step's own assignee wins; steps without one go to the instance's owner.
    assert [s.assignee for s in subs] == ["jonas", "tarek", "mia"]
    assert subs[0].tags == ("papers",) and subs[0].priority == "high"
    assert all(s.parent == "INBOX-1" for s in subs)
    assert detail.subtasks[2].notes == "Bring the keys"


def test_apply_as_project(handover: Services, store: Store) -> None:
    made = handover.templates.apply(
        "Vehicle handover", ANCHOR, "Handover WAG-4711", as_="project", assignee="mia"
    )
    assert made.key == "HW"
    project = handover.projects.get("HW")
    assert [c.name for c in project.columns] == [
        "Arrived",
        "Papers & payment",
        "Handover booked",
        "Done",
    ]
    rows = {r.title: r for r in handover.tasks.rows(project="HW")}
    assert rows["Papers at the agent"].column == "Arrived"
    assert rows["Payment confirmed"].column == "Papers & payment"
    assert rows["Car handed over"].due == date(2026, 12, 15)
    assert rows["Car handed over"].assignee == "mia"
    again = handover.templates.apply(
        "Vehicle handover", ANCHOR, "Handover WAG-4712", as_="project", project="car"
    )
    assert again.key == "CAR"
    with pytest.raises(DuplicateError):
        handover.templates.apply("Vehicle handover", ANCHOR, "x", as_="project", project="CAR")
    assert count(store, Project) == 3  # INBOX, HW, CAR


def test_apply_csv_bulk_is_fast_and_one_transaction(handover: Services, store: Store) -> None:
    handover.projects.create("SRV", "Service points")
    lines = ["name,anchor,assignee"] + [
        f"Service point {i},2026-12-{i % 28 + 1:02d},lena" for i in range(200)
    ]
    made = handover.templates.apply_csv("Vehicle handover", "\n".join(lines), project="SRV")
    assert len(made) == 200
    assert count(store, Task) == 800
    assert made[5].anchor == date(2026, 12, 6)
    sub = handover.tasks.detail(made[5].key).subtasks
    assert [s.due for s in sub] == [date(2026, 12, 8), date(2026, 12, 10), date(2026, 12, 20)]
    assert sub[2].assignee == "lena"


def test_apply_csv_bad_row_creates_nothing(handover: Services, store: Store) -> None:
    before = count(store, Task)
    text = "name,anchor,assignee\nA,2026-12-01,mia\nB,31.02.,mia\n"
    with pytest.raises(InvalidFieldError, match=r"^line 3: "):
        handover.templates.apply_csv("Vehicle handover", text)
    with pytest.raises(InvalidFieldError, match=r"^line 2: "):
        handover.templates.apply_csv("Vehicle handover", "name,anchor\n,2026-12-01\n")
    # A row that fails late (after the row before it made its project) rolls that back too.
    long_name = "Z" * 201
    with pytest.raises(InvalidFieldError, match=r"^line 3: "):
        handover.templates.apply_csv(
            "Vehicle handover",
            f"name,anchor\nX Y,2026-12-01\n{long_name},2026-12-02\n",
            as_="project",
        )
    assert count(store, Task) == before
    assert [p.key for p in handover.projects.all()] == ["INBOX"]


def test_from_task_and_from_project(handover: Services) -> None:
    made = handover.templates.apply("Vehicle handover", ANCHOR, "Handover WAG-4711")
    view = handover.templates.from_task(made.key, "Copy of handover")
    assert [(s.title, s.offset_days, s.assignee) for s in view.steps] == [
        ("Papers at the agent", 2, "jonas"),
        ("Payment confirmed", 4, "tarek"),
        ("Car handed over", 14, None),
    ]
    with pytest.raises(StateError):
        handover.templates.from_task(made.task_keys[1], "Nothing")

    handover.projects.create("OPN", "Opening", ["Planned", "Setup", "Done"])
    handover.tasks.capture("Site visit @lena +OPN >planned #visit")
    handover.tasks.capture("Tools +OPN >setup")
    handover.tasks.capture("Finished already +OPN >done")
    saved = handover.templates.from_project("OPN", "Opening")
    assert [(s.title, s.column, s.assignee, s.tags) for s in saved.steps] == [
        ("Site visit", "Planned", "lena", ("visit",)),
        ("Tools", "Setup", None, ()),
    ]
    copy = handover.templates.apply("Opening", ANCHOR, "Opening Ulm", as_="project")
    assert [c.name for c in handover.projects.get(copy.key).columns] == [
        "Planned",
        "Setup",
        "Done",
    ]
