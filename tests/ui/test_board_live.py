"""Two apps on one store, hostile titles, and conflicts while editing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import Input, Static
from ui_text import heading, notices, running, settle

from taskboard.domain.fields import TaskChanges
from taskboard.services import Services
from taskboard.store import open_store
from taskboard.ui.app import TaskboardApp, UiOptions, make_app
from taskboard.ui.screens.base import TaskboardScreen
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.detail import TaskDetailScreen

# Live screens follow the change feed: PostgreSQL LISTEN/NOTIFY as well as SQLite.
pytestmark = pytest.mark.both_backends

TODAY = date(2026, 11, 23)

HOSTILE = [
    "[bold]x[/]",
    "[/",
    "[@click=app.quit]quit[/]",
    "\x1b]0;pwned\x07title change",
    "\x1b[31mred\x1b[0m and \x9b2J clear",
    "tab\there and bell\x07",
    "wide 表 emoji 🚗 and RTL \u202eevil",
]


def visible_text(app: TaskboardApp) -> str:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    lines = []
    for view in screen.views:
        lines += [view.render_line(y).text for y in range(view.size.height)]
    return "\n".join(lines)


def two_processes(tmp_path: Path) -> tuple[Services, Services]:
    """Anna and Ben on one SQLite file, each as a process of their own would be (a store
    object, engine and connections each); the board DEL has one card."""
    target = str(tmp_path / "shared.db")
    first = Services.open(open_store(target), "anna")
    first.projects.create("DEL", "Deliveries")
    first.tasks.capture("Existing card +DEL")
    return first, Services.open(open_store(target), "ben")


async def test_change_in_one_app_shows_in_the_other(tmp_path: Path) -> None:
    first, second = two_processes(tmp_path)
    app = make_app(second, UiOptions(project="DEL", today=lambda: TODAY))
    async with running(app) as pilot:
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        assert screen.current_card().key == "DEL-1"  # type: ignore[union-attr]
        first.tasks.capture("Added elsewhere @carl +DEL")
        first.tasks.step("DEL-1", 1)
        for _ in range(30):
            await pilot.pause(0.1)
            if "DEL-2" in visible_text(app):
                break
        text = visible_text(app)
        assert "Added elsewhere" in text
        assert screen.current_card().key == "DEL-1"  # type: ignore[union-attr]
        assert screen.model.col == 1  # focus followed the card that moved


async def test_hostile_titles_render_literally(tmp_path: Path) -> None:
    services = Services.open(open_store(str(tmp_path / "h.db")), "tester")
    services.projects.create("EVIL", "[red]Evil[/red] project")
    for title in HOSTILE:
        services.tasks.capture(f"{title} +EVIL #b-tag")
    services.tasks.comment("EVIL-1", "[@click=app.quit]click me[/] \x1b]2;x\x07")
    app = make_app(services, UiOptions(project="EVIL", today=lambda: TODAY))
    async with running(app, size=(160, 60)) as pilot:
        text = visible_text(app)
        assert "[bold]x[/]" in text
        assert "[@click=app.quit]quit[/]" in text
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
        title = app.screen.query_one("#board-title", Static).render()
        assert "[red]Evil[/red] project" in str(title)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskDetailScreen)
        assert app.screen.query_one("#f-title", Input).value == "[bold]x[/]"
        comments = str(app.screen.query_one("#comments", Static).render())
        assert "[@click=app.quit]click me[/]" in comments
        assert "\x1b" not in comments
        await pilot.press("escape", "n", *"[/ \\@x", "enter")
        await settle(pilot)
        # The command palette reads its titles as markup: project names are escaped for it.
        await pilot.press("ctrl+p", *"evil")
        await settle(pilot)
        hits = ""
        for _ in range(40):
            await pilot.pause(0.05)
            palette = app.screen.query(CommandList)
            if palette and palette.first().option_count:
                options = palette.first()
                hits = "\n".join(
                    str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
                )
                if "EVIL" in hits:
                    break
        assert "Board: EVIL [red]Evil[/red] project" in hits
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running  # nothing above ran an action or crashed the app
    titles = {r.title for r in services.tasks.rows(project="EVIL")}
    assert "[/ @x" in titles


async def test_edit_conflict_in_detail_shows_fresh_values(
    app: TaskboardApp, tmp_path: Path, demo_services: Services
) -> None:
    url = demo_services.ctx.store.url.render_as_string(hide_password=False)
    other = Services.open(open_store(url), "other")
    async with running(app, "enter", size=(120, 50)) as pilot:
        assert isinstance(app.screen, TaskDetailScreen)
        other.tasks.edit("DEL-1", TaskChanges(title="Changed by someone else"))
        field = app.screen.query_one("#f-title", Input)
        field.value = "My stale edit"
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").title == "Changed by someone else"
        assert app.screen.query_one("#f-title", Input).value == "Changed by someone else"
        assert any("changed by someone else" in n for n in notices(app))


def test_snapshot_reads_what_the_services_read(demo_services: Services) -> None:
    if demo_services.ctx.store.backend != "sqlite":
        pytest.skip("the first-paint snapshot reads SQLite files only")
    from taskboard.services.snapshot import read_board
    from taskboard.store.revisions import head_revision

    path = Path(str(demo_services.ctx.store.url.database))
    snapshot = read_board(path, "DEL", head_revision())
    assert snapshot is not None
    expected = [
        r
        for r in demo_services.tasks.rows(project="DEL", include_closed=True, top_level_only=True)
        if not r.archived
    ]
    assert list(snapshot.rows) == expected
    assert snapshot.project == demo_services.projects.get("DEL")
    assert snapshot.revision == demo_services.tasks.revision()
    # With a limit, the first cards of each column, with their tags, subtasks and blockers.
    first = read_board(path, "DEL", head_revision(), limit=3)
    assert first is not None and not first.complete
    expected_first = [
        r
        for c in snapshot.project.columns
        for r in [r for r in expected if r.column_id == c.id][:3]
    ]
    assert list(first.rows) == expected_first
    assert any(r.tags for r in first.rows)
    assert any(r.subtasks_total for r in first.rows)
    assert any(r.blocked_by for r in first.rows)
    assert read_board(path, "DEL", "9999") is None  # a schema it does not know: slow path
    assert read_board(path.with_name("missing.db"), "DEL", head_revision()) is None


async def test_board_paints_from_snapshot_and_loads_services_behind(
    demo_services: Services,
) -> None:
    from taskboard.services.snapshot import read_board
    from taskboard.store.revisions import head_revision

    if demo_services.ctx.store.backend != "sqlite":
        pytest.skip("the first-paint snapshot reads SQLite files only")
    path = Path(str(demo_services.ctx.store.url.database))
    snapshot = read_board(path, "DEL", head_revision())
    loads = []

    def loader() -> Services:
        loads.append(1)
        return Services.open(open_store(str(path)), "tester")

    app = make_app(
        None, UiOptions(project="DEL", today=lambda: TODAY), loader=loader, snapshot=snapshot
    )
    async with running(app) as pilot:
        assert "DEL-1" in visible_text(app)
        await pilot.press("L")
        await settle(pilot)
        assert loads == [1]
    assert demo_services.tasks.row("DEL-1").column == "Papers & payment"


async def test_services_that_fail_to_load_end_the_app_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from taskboard.services.errors import ServiceError
    from taskboard.services.snapshot import read_board
    from taskboard.store.revisions import head_revision

    path = tmp_path / "board.db"
    Services.open(open_store(str(path)), "tester").projects.create("DEL", "Deliveries")
    snapshot = read_board(path, "DEL", head_revision())

    def loader() -> Services:
        raise ServiceError("cannot open [bold]the store[/] \x1b]0;pwned\x07")

    app = make_app(None, UiOptions(project="DEL"), loader=loader, snapshot=snapshot)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if not app.is_running:
                break
    assert app.return_code == 1  # the CLI exits with it
    printed = capsys.readouterr().err
    assert "error: cannot open [bold]the store[/]" in printed  # as it is: no markup
    assert "pwned" not in printed and "\x1b" not in printed  # nor control sequences


async def test_big_board_paints_its_first_cards_then_loads_the_rest(tmp_path: Path) -> None:
    from taskboard.services import TaskDraft
    from taskboard.services.snapshot import read_board
    from taskboard.store.revisions import head_revision

    path = tmp_path / "big.db"
    services = Services.open(open_store(str(path)), "tester")
    services.projects.create("BIG", "Big board", ("A", "B", "C"))
    services.tasks.create_many(
        [TaskDraft(title=f"Card {i}", column="A") for i in range(150)], "BIG"
    )
    snapshot = read_board(path, "BIG", head_revision(), limit=20)
    assert snapshot is not None and not snapshot.complete
    assert len(snapshot.rows) == 20
    assert [r.key for r in snapshot.rows] == [f"BIG-{i}" for i in range(1, 21)]
    assert snapshot.counts[snapshot.project.columns[0].id] == 150
    app = make_app(
        None,
        UiOptions(project="BIG", today=lambda: TODAY),
        loader=lambda: Services.open(open_store(str(path)), "tester"),
        snapshot=snapshot,
    )
    async with running(app) as pilot:
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        assert "A  150" in heading(app, 0)
        for _ in range(50):
            await pilot.pause(0.05)
            if len(screen.model.by_column[0]) == 150:
                break
        assert len(screen.model.by_column[0]) == 150  # the whole column after the services loaded
        await pilot.press("end")
        await settle(pilot)
        assert screen.current_card().key == "BIG-150"  # type: ignore[union-attr]


async def test_an_empty_board_says_how_to_start(tmp_path: Path) -> None:
    services = Services.open(open_store(str(tmp_path / "new.db")), "tester")
    app = make_app(services, UiOptions(today=lambda: TODAY))
    async with running(app) as pilot:
        title = str(app.screen.query_one("#board-title", Static).render())
        assert title.startswith("INBOX  Inbox") and "n adds one" in title
        await pilot.press("n", *"First card", "enter")
        await settle(pilot)
        title = str(app.screen.query_one("#board-title", Static).render())
        assert "n adds one" not in title
    assert [r.title for r in services.tasks.rows()] == ["First card"]


async def test_the_board_reads_the_store_only_when_it_changed(tmp_path: Path) -> None:
    """No poll: the change feed says when to look, and the look runs in a worker."""
    import threading

    first, second = two_processes(tmp_path)
    looks: list[bool] = []  # each time the board asked the store's revision: on the loop?
    revision = second.tasks.revision

    def counted() -> int:
        looks.append(threading.current_thread() is threading.main_thread())
        return revision()

    second.tasks.revision = counted  # type: ignore[method-assign]
    app = make_app(second, UiOptions(project="DEL"))
    async with running(app) as pilot:
        await pilot.pause(0.5)  # the feed's first word (a change may have come before it)
        await settle(pilot)
        before = len(looks)
        await pilot.pause(2.5)  # the old poll asked every second
        assert len(looks) == before  # nothing changed: the store was not asked
        first.tasks.capture("Added elsewhere +DEL")
        for _ in range(30):
            await pilot.pause(0.1)
            if "Added elsewhere" in visible_text(app):
                break
        assert "Added elsewhere" in visible_text(app)
        assert len(looks) > before and not any(looks)  # asked again, never on the event loop


class Cover(TaskboardScreen):
    """An opaque screen over the board, as a meeting or a detail screen is."""


async def test_a_covered_board_reads_a_change_once_it_is_back(tmp_path: Path) -> None:
    """Under another screen the board does not re-read (its read would hold up that
    screen's writes in the store queue); it reads the change when it shows again."""
    target = str(tmp_path / "shared.db")
    first = Services.open(open_store(target), "anna")
    first.projects.create("DEL", "Deliveries")
    first.tasks.capture("Existing card +DEL")
    second = Services.open(open_store(target), "ben")
    app = make_app(second, UiOptions(project="DEL", today=lambda: TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        await app.push_screen(Cover())
        first.tasks.capture("Added elsewhere +DEL")
        for _ in range(15):
            await pilot.pause(0.1)
        assert [r.key for r in board.model.rows] == ["DEL-1"]
        app.pop_screen()
        for _ in range(30):
            await pilot.pause(0.1)
            if len(board.model.rows) == 2:
                break
        assert [r.key for r in board.model.rows] == ["DEL-1", "DEL-2"]
