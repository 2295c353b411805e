"""Issue 19's paper cuts on the command line (in process), both backends: `add` refuses a
mistyped handle, several words are one line, a forgotten column is named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from taskboard import cli as cli_module
from taskboard.domain.models import Person, Task
from taskboard.services import Services, TaskDraft
from tests.conftest import CliResult

Run = Callable[..., CliResult]


@pytest.fixture
def board(services: Services) -> Services:
    services.projects.create("DEL", "Deliveries")
    services.people.add("jonas", "Jonas")
    services.people.add("mia", "Mia")
    services.tasks.create(TaskDraft(title="Plain task", project="DEL"))
    return services


@pytest.fixture
def tb(
    board: Services, store_target: str, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> Run:
    """`taskboard ARGS --db STORE` in this process."""

    def run(*args: str) -> CliResult:
        code = cli_module.run([*args, "--db", store_target])
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


def count(services: Services, table: type) -> int:
    with services.ctx.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


# --- 1. a mistyped handle -----------------------------------------------------------------


def test_add_refuses_an_unknown_handle_naming_the_closest_unless_new_person(
    board: Services, tb: Run
) -> None:
    people, tasks = count(board, Person), count(board, Task)
    err = tb("add", "Check the tyre stock @jonsa ^mon", "-p", "DEL").failed()
    assert err == (
        "error: unknown person '@jonsa' — did you mean @jonas?; --new-person adds @jonsa\n"
    )
    assert (count(board, Person), count(board, Task)) == (people, tasks)
    made = tb("add", "Check the tyre stock @jonsa", "-p", "DEL", "--new-person")
    assert "DEL-2" in made.ok() and "new person @jonsa" in made.err
    # A known handle or its unique prefix needs nothing.
    assert "@mia" in tb("add", "Tyres @mi", "-p", "DEL").ok()


def test_edit_refuses_an_unknown_handle_as_add_does_unless_new_person(
    board: Services, tb: Run
) -> None:
    people = count(board, Person)
    err = tb("edit", "DEL-1", "@jonsa", "^mon").failed()
    assert err == (
        "error: unknown person '@jonsa' — did you mean @jonas?; --new-person adds @jonsa\n"
    )
    task = board.tasks.detail("DEL-1").task
    assert (count(board, Person), task.assignee, task.due, task.version) == (people, None, None, 1)
    # Several keys: none changes.
    board.tasks.create(TaskDraft(title="Second", project="DEL"))
    assert "--new-person" in tb("edit", "DEL-1", "DEL-2", "@jonsa").failed()
    assert "@jonsa" in tb("edit", "DEL-1", "DEL-2", "@jonsa", "--new-person").ok()
    assert count(board, Person) == people + 1
    assert "@jonas" in tb("edit", "--new-person", "DEL-1", "@jon").failed()  # ambiguous
    assert "@mia" in tb("edit", "DEL-1", "@mi").ok()
    assert "--new-person" in tb("edit", "--help").ok()  # Typer's command takes it too


def test_meeting_start_refuses_an_unknown_attendee_unless_new_person(
    board: Services, tb: Run
) -> None:
    from taskboard.domain.models import Meeting

    people, meetings = count(board, Person), count(board, Meeting)
    err = tb("meeting", "start", "--no-tui", "-p", "DEL", "--attendees", "mia,jonsa").failed()
    assert err == (
        "error: unknown person '@jonsa' — did you mean @jonas?; --new-person adds @jonsa\n"
    )
    assert (count(board, Person), count(board, Meeting)) == (people, meetings)
    made = tb(
        "meeting", "start", "--no-tui", "-p", "DEL", "--attendees", "mia,jonsa", "--new-person"
    )
    meeting = board.meetings.get(int(made.ok()))
    assert sorted(meeting.attendees) == ["jonsa", "mia"]
    assert count(board, Person) == people + 1


# --- 8. several words are one line --------------------------------------------------------


def test_add_edit_and_comment_read_several_words_as_one_line(board: Services, tb: Run) -> None:
    out = tb("add", "Buy", "winter", "tyres", "@mia", "+DEL", "!high").ok()
    assert out.split()[:5] == ["DEL-2", "Backlog", "Buy", "winter", "tyres"]
    # The keys come first, the rest is one line of tokens and words.
    tb("edit", "DEL-1", "del-2", "Winter", "tyres", "for", "the", "fleet", "@jonas").ok()
    rows = {r.key: r for r in board.tasks.rows(project="DEL")}
    assert rows["DEL-1"].title == rows["DEL-2"].title == "Winter tyres for the fleet"
    assert rows["DEL-1"].assignee == rows["DEL-2"].assignee == "jonas"
    tb("comment", "DEL-2", "Courier", "booked", "for", "Friday").ok()
    assert [c.body for c in board.tasks.detail("DEL-2").comments] == ["Courier booked for Friday"]
    # The quoted forms mean what they meant; a word shaped like a key after the line is text.
    tb("edit", "DEL-1", "DEL-2 is its twin").ok()
    assert board.tasks.detail("DEL-1").task.title == "DEL-2 is its twin"


def test_a_move_without_its_column_says_the_column_is_missing(board: Services, tb: Run) -> None:
    assert tb("move", "DEL-1").failed() == (
        "error: the column is missing: taskboard move KEY… COLUMN\n"
    )
    assert "a task key is missing" in tb("move").failed()
    assert "→ Doing" in tb("move", "DEL-1", "doing").ok()


# --- 7. reaching the demo -----------------------------------------------------------------


def test_the_global_db_reaches_the_demo_and_its_exit_line_says_how(
    services: Services, store_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_module.run(["--db", store_target, "demo", "--no-tui"])
    err = capsys.readouterr().err
    assert code == 0 and "loaded into" in err
    assert f"taskboard --db {store_target} list --project DEL" in err.replace("'", "")
    assert len(services.tasks.rows(project="DEL")) > 10
    # 16: the demo's cards carry a month of dated history, not all "0.0d old".
    flow = services.stats.flow("DEL")[0]
    ages = {a.key: a.age_days for a in flow.wip}
    assert sum(age < 1 for age in ages.values()) == 1  # DEL-1 arrived this morning
    assert ages["DEL-3"] >= 4 and ages["DEL-9"] >= 10
    assert flow.lead_time.median_days is not None and flow.lead_time.median_days >= 10
    times = dict(flow.columns)
    assert times["Arrived"].count >= 10 and (times["Arrived"].median_days or 0) >= 2


def test_demo_is_reached_with_the_demo_option(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_module.run(["demo", "--no-tui"]) == 0
    assert "the demo from the shell: taskboard --demo list --project DEL" in capsys.readouterr().err
    assert cli_module.run(["--demo", "list", "--project", "DEL"]) == 0  # the plain read path
    assert capsys.readouterr().out.startswith("DEL-1 ")
    assert cli_module.run(["stats", "--demo", "--project", "DEL"]) == 0  # through Typer
    assert "DEL" in capsys.readouterr().out
    assert cli_module.run(["--demo", "list", "--db", "other.db"]) == 1
    assert capsys.readouterr().err == "error: give --db or --demo, not both\n"


# --- 17. a handover shown before it is done ---------------------------------------------------


def activity_count(services: Services) -> int:
    from taskboard.domain.models import Activity

    return count(services, Activity)


def test_handover_dry_run_shows_what_it_would_do_and_changes_nothing(
    board: Services, tb: Run
) -> None:
    tb("add", "Tyres @jonas ^2026-12-21", "-p", "DEL").ok()
    tb("add", "Papers @jonas", "-p", "DEL").ok()
    before = activity_count(board)
    note = tb("handover", "jonas", "mia", "--dry-run").ok()
    assert note.startswith("# Handover from @jonas to @mia (dry run: nothing changed)")
    assert "2 tasks would be handed over on" in note
    assert "DEL-2" in note and "DEL-3" in note
    assert activity_count(board) == before
    assert {r.assignee for r in board.tasks.rows(project="DEL") if r.key != "DEL-1"} == {"jonas"}
    # Done for real, it says what the dry run said it would.
    done = tb("handover", "jonas", "mia").ok()
    assert "2 tasks handed over on" in done and "DEL-2" in done
    assert {r.assignee for r in board.tasks.rows(project="DEL") if r.key != "DEL-1"} == {"mia"}


# --- 5. one number for one thing ----------------------------------------------------------


def test_a_percent_and_a_confidence_read_the_same_everywhere(
    board: Services, key_result: str, tb: Run
) -> None:
    import json

    from taskboard.domain.meeting_views import MinutesCheckIn, check_in_line
    from taskboard.domain.okr import confidence_text, percent
    from taskboard.ui.screens.goals_text import kr_prompt, objective_prompt

    # 49.52 % of the way, confidence 0.75: "50%" on one screen and "0.8" in the report before.
    board.okr.check_in(key_result, 4952, 0.75, force=True)
    assert (percent(0.4952), percent(0.999), percent(1.0)) == ("49%", "99%", "100%")
    assert (confidence_text(0.75), confidence_text(0.7), confidence_text(None)) == (
        "0.75",
        "0.7",
        "—",
    )
    listed = tb("okr", "list", "--cycle", "2026-Q4").ok()
    report = tb("okr", "report", "--cycle", "2026-Q4").ok()
    data = json.loads(tb("okr", "list", "--cycle", "2026-Q4", "--json").ok())
    kr = data["objectives"][0]["key_results"][0]
    assert (kr["percent"], kr["confidence"]) == (49, 0.75)
    assert data["objectives"][0]["percent"] == 49
    objective = board.okr.tree("2026-Q4")[0]
    screen = (
        objective_prompt(objective, 0, 100).plain
        + kr_prompt(objective.key_results[0], 1, 100).plain
    )
    for shown in (listed, report, screen):
        assert "49%" in shown and "50%" not in shown
        assert "0.75" in shown and "0.8 " not in shown and "0.8" + "\n" not in shown
    minutes = MinutesCheckIn(key_result, "Cars delivered", 3000, 4952, 0.75, "", "")
    assert check_in_line(minutes).endswith("3000 → 4952, confidence 0.75")


# --- 6. templates -------------------------------------------------------------------------


def test_template_steps_land_in_their_columns_and_find_their_project(
    board: Services, tb: Run
) -> None:
    from taskboard.domain.templates import StepSpec

    board.projects.create("SRV", "Service points", ["Planned", "Setup", "Open"])
    board.templates.create(
        "Vehicle handover",
        [
            StepSpec("Papers at the agent", 2, "jonas", "Backlog"),
            StepSpec("Payment confirmed", 4, "mia", "Doing"),
            StepSpec("Car handed over", 14, "mia", "Doing"),
        ],
    )
    # No --project: the one project with every column the steps name.
    made = tb("template", "apply", "Vehicle", "--anchor", "2026-12-01", "--name", "Handover 4720")
    assert "DEL-2" in made.ok()
    subs = board.tasks.detail("DEL-2").subtasks
    assert [(s.title, s.column) for s in subs] == [
        ("Papers at the agent", "Backlog"),
        ("Payment confirmed", "Doing"),
        ("Car handed over", "Doing"),
    ]
    # The people view (and the agenda) name a step's parent: the step alone says little.
    from taskboard.ui.screens.people import agenda_line

    agenda = board.people_views.agenda("mia")
    step = next(r for _, rows in agenda.groups for r in rows if r.title == "Car handed over")
    assert "Car handed over — Handover 4720  ·  DEL / Doing" in agenda_line(
        step, agenda.today, agenda.title_of(step)
    )
    assert "Car handed over — Handover 4720 (in DEL-2)" in tb("agenda", "mia").ok()
    # A project without those columns: the steps stay in their task's column.
    tb(
        "template", "apply", "Vehicle", "--anchor", "2026-12-01", "--name", "X", "--project", "SRV"
    ).ok()
    assert {s.column for s in board.tasks.detail("SRV-1").subtasks} == {"Planned"}
    # Two projects with those columns: refused, saying why.
    board.projects.create("DLV", "Deliveries too")
    err = tb("template", "apply", "Vehicle", "--anchor", "2026-12-01", "--name", "Y").failed()
    assert err == (
        "error: the steps of 'Vehicle handover' name columns of DEL and DLV: "
        "say which with --project\n"
    )
