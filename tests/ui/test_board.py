"""The board driven by keys: each test asserts what was stored and what is on screen."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.color import Color
from textual.widgets import Input
from ui_text import heading, heading_colour, notices, running, settle

from taskboard.services import Services
from taskboard.ui.app import TaskboardApp
from taskboard.ui.screens.board import BoardScreen
from taskboard.ui.screens.detail import TaskDetailScreen
from taskboard.ui.widgets.column import ColumnView


def board(app: TaskboardApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def column_text(app: TaskboardApp, index: int) -> str:
    view = board(app).views[index]
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


def order(services: Services, column: str) -> list[str]:
    return [r.key for r in services.tasks.rows(project="DEL", column=column, top_level_only=True)]


async def test_opens_on_first_card_of_first_column(app: TaskboardApp) -> None:
    async with running(app):
        screen = board(app)
        card = screen.current_card()
        assert card is not None and card.key == "DEL-1"
        assert "Arrived  2" in heading(app, 0)
        assert "DEL-1" in column_text(app, 0)
        assert "@jonas" in column_text(app, 0)


async def test_wip_limit_over_shows_in_header(app: TaskboardApp, demo_services: Services) -> None:
    demo_services.tasks.move("DEL-1", "Registration")
    count = len(order(demo_services, "Registration"))
    assert count > 2
    async with running(app):
        assert f"Registration  {count}/2" in heading(app, 2)
        error = Color.parse(app.theme_variables["error"])
        assert heading_colour(app, 2, "Registration") == error
        assert heading_colour(app, 0, "Arrived") != error  # not over its limit


async def test_vim_keys_and_arrows_move_the_cursor(app: TaskboardApp) -> None:
    async with running(app, "j") as pilot:
        assert board(app).current_card().key == "DEL-2"  # type: ignore[union-attr]
        await pilot.press("l")
        await settle(pilot)
        assert board(app).current_card().key == "DEL-3"  # type: ignore[union-attr]
        await pilot.press("down", "left", "up")
        await settle(pilot)
        assert board(app).current_card().key == "DEL-1"  # type: ignore[union-attr]


async def test_L_and_H_move_the_card_and_keep_focus_on_it(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app, "L") as pilot:
        assert demo_services.tasks.row("DEL-1").column == "Papers & payment"
        assert board(app).current_card().key == "DEL-1"  # type: ignore[union-attr]
        assert board(app).model.col == 1
        await pilot.press("L")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").column == "Registration"
        await pilot.press("H")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").column == "Papers & payment"
        assert "DEL-1" in column_text(app, 1)


async def test_a_card_moved_to_the_end_of_a_long_column_is_in_sight(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app) as pilot:
        await pilot.press("l", "l", "l", "l")  # Handed over: 7 cards fill the column
        await settle(pilot)
        assert "DEL-8" not in column_text(app, 4)
        await pilot.press("h", "L")  # DEL-8 from Handover booked to the end of Handed over
        await settle(pilot)
        assert demo_services.tasks.row("DEL-8").column == "Handed over"
        assert board(app).current_card().key == "DEL-8"  # type: ignore[union-attr]
        assert "DEL-8" in column_text(app, 4)  # scrolled to it, not below the bottom edge


async def test_J_and_K_reorder_within_the_column(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app) as pilot:
        await pilot.press("l")  # Papers & payment: DEL-3, DEL-4, DEL-5
        await settle(pilot)
        before = order(demo_services, "Papers & payment")
        await pilot.press("J")
        await settle(pilot)
        after = order(demo_services, "Papers & payment")
        assert after == [before[1], before[0], *before[2:]]
        assert board(app).current_card().key == before[0]  # type: ignore[union-attr]
        await pilot.press("K")
        await settle(pilot)
        assert order(demo_services, "Papers & payment") == before


async def test_blocked_task_cannot_go_to_done(app: TaskboardApp, demo_services: Services) -> None:
    for column in ("Registration", "Handover booked"):
        demo_services.tasks.move("DEL-5", column)
    async with running(app) as pilot:
        screen = board(app)
        screen.reload(keep="DEL-5")
        await settle(pilot)
        assert screen.current_card().key == "DEL-5"  # type: ignore[union-attr]
        await pilot.press("L")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-5").column == "Handover booked"
        assert any("blocked by DEL-4" in n for n in notices(app))


async def test_new_card_through_capture_with_preview(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app, "l", "n") as pilot:
        await pilot.press(*"Call agent @mia ^fri #papers !high")
        await settle(pilot)
        preview = app.screen.query_one("#prompt-preview").render()
        assert "@mia" in str(preview) and "2026-11-27" in str(preview)
        assert "Papers & payment" in str(preview)
        await pilot.press("enter")
        await settle(pilot)
        row = next(r for r in demo_services.tasks.rows(project="DEL") if r.title == "Call agent")
        assert (row.assignee, row.due, row.priority, row.tags, row.column) == (
            "mia",
            date(2026, 11, 27),
            "high",
            ("papers",),
            "Papers & payment",
        )
        assert board(app).current_card().key == row.key  # type: ignore[union-attr]


async def test_new_card_preview_resolves_names_and_marks_bad_ones(
    app: TaskboardApp, demo_services: Services
) -> None:
    count = len(demo_services.tasks.rows(include_closed=True))
    async with running(app, "n", *"Call agent @mi >regis ~O3-KR2") as pilot:
        preview = app.screen.query_one("#prompt-preview")
        shown = str(preview.render())
        assert "@mia" in shown and "DEL › Registration" in shown and "~O3-KR2" in shown
        assert not preview.has_class("error")
        field = app.screen.query_one("#prompt-input", Input)
        field.value = "Call agent >zzz"
        await settle(pilot)
        assert preview.has_class("error") and "unknown column '>zzz'" in str(preview.render())
        await pilot.press("enter")  # refused: the line stays for fixing
        await settle(pilot)
        assert field.value == "Call agent >zzz"
        assert len(demo_services.tasks.rows(include_closed=True)) == count
        field.value = "Call agent @mi >regis ~O3-KR2"
        await pilot.press("enter")
        await settle(pilot)
    row = next(r for r in demo_services.tasks.rows(project="DEL") if r.title == "Call agent")
    assert (row.assignee, row.column, row.key_result) == ("mia", "Registration", "O3-KR2")


async def test_bad_capture_keeps_the_line(app: TaskboardApp, demo_services: Services) -> None:
    count = len(demo_services.tasks.rows(include_closed=True))
    async with running(app, "n", *"Thing ^notadate", "enter"):
        field = app.screen.query_one("#prompt-input", Input)
        assert field.value == "Thing ^notadate"
        assert "^notadate" in str(app.screen.query_one("#prompt-preview").render())
    assert len(demo_services.tasks.rows(include_closed=True)) == count


async def test_quick_edits(app: TaskboardApp, demo_services: Services) -> None:
    async with running(app, size=(160, 40)) as pilot:
        for key, answer in (
            ("e", "Car 4718: damage check done"),
            ("a", "ta"),
            ("d", "+3d"),
            ("p", "1"),
            ("t", "#hub #damage"),
        ):
            await pilot.press(key)
            await settle(pilot)
            if key == "p":  # a choice: its digit
                await pilot.press(answer)
            else:
                app.screen.query_one("#prompt-input", Input).value = answer
                await pilot.press("enter")
            await settle(pilot)
        row = demo_services.tasks.row("DEL-1")
        assert row.title == "Car 4718: damage check done"
        assert row.assignee == "tarek"
        assert row.due == date(2026, 11, 26)
        assert row.priority == "urgent"
        assert row.tags == ("damage", "hub")
        assert "damage check done" in column_text(app, 0)


async def test_space_done_x_archive_and_undo_redo(
    app: TaskboardApp, demo_services: Services
) -> None:
    async with running(app, "space") as pilot:
        row = demo_services.tasks.row("DEL-1")
        assert row.done and row.column == "Handed over"
        await pilot.press("u")
        await settle(pilot)
        row = demo_services.tasks.row("DEL-1")
        assert not row.done and row.column == "Arrived"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").done
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").archived
        assert "DEL-1" not in column_text(app, 0)
        await pilot.press("u")
        await settle(pilot)
        assert not demo_services.tasks.row("DEL-1").archived
        assert "DEL-1" in column_text(app, 0)
        assert board(app).current_card().key == "DEL-1"  # type: ignore[union-attr]
        assert any("undid archiving of DEL-1" in n for n in notices(app))


async def test_undo_survives_a_restart(app: TaskboardApp, demo_services: Services) -> None:
    async with running(app, "L"):
        assert demo_services.tasks.row("DEL-1").column == "Papers & payment"
    second = TaskboardApp(demo_services, app.options)
    async with running(second, "u"):
        assert demo_services.tasks.row("DEL-1").column == "Arrived"


async def test_filter_narrows_and_counts(app: TaskboardApp, demo_services: Services) -> None:
    overdue = {
        r.key
        for r in demo_services.tasks.rows(project="DEL", top_level_only=True)
        if r.due is not None and r.due < date(2026, 11, 23)
    }
    assert {"DEL-3", "DEL-7"} <= overdue
    async with running(app, "/", *"@mia") as pilot:
        screen = board(app)
        assert "Arrived  1/2" in heading(app, 0)
        assert "DEL-2" in column_text(app, 0) and "DEL-1" not in column_text(app, 0)
        # A WIP column reads shown/total like the others, and is still red for its total.
        assert "─ Registration  0/3 ─" in heading(app, 2)
        error = Color.parse(app.theme_variables["error"])
        assert heading_colour(app, 2, "Registration") == error
        field = screen.query_one("#filter-input", Input)
        field.value = "due:overdue"
        await settle(pilot)
        shown = {c.key for cards in screen.model.shown for c in cards}
        assert shown == overdue
        field.value = "#registration !high"
        await settle(pilot)
        assert {c.key for cards in screen.model.shown for c in cards} == {"DEL-7"}
        field.value = "#registration due:bogus"
        await settle(pilot)
        title = str(screen.query_one("#board-title").render())
        assert "due:bogus" in title and "due:overdue" in title  # what is ignored, and why
        assert field.has_class("error")
        await pilot.press("escape")
        await settle(pilot)
        assert "Arrived  2" in heading(app, 0)


async def test_typing_in_the_title_prompt_changes_the_title_not_replaces_it(
    app: TaskboardApp, demo_services: Services
) -> None:
    before = demo_services.tasks.row("DEL-1").title
    async with running(app, "e", *" (damage)", "enter") as pilot:
        assert demo_services.tasks.row("DEL-1").title == before + " (damage)"
        await pilot.press("e", "ctrl+u", "enter")  # emptied: refused, said so
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").title == before + " (damage)"
        assert any("needs a title" in n for n in notices(app))
        # An unknown handle adds the person at the second Enter (test_dialogs: the first).
        await pilot.press("a", *"newbie", "enter", "enter")
        await settle(pilot)
        assert demo_services.tasks.row("DEL-1").assignee == "newbie"
        assert any("new person @newbie" in n for n in notices(app))


async def test_detail_screen_edits_and_comments(app: TaskboardApp, demo_services: Services) -> None:
    async with running(app, "l", "enter", size=(120, 50)) as pilot:
        assert isinstance(app.screen, TaskDetailScreen)
        assert app.screen.key == "DEL-3"
        text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Check the papers are complete" not in text  # subtasks live in the list
        app.screen.query_one("#new-comment", Input).value = "Agent called back"
        app.screen.query_one("#new-comment", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#new-subtask", Input).value = "Scan the papers"
        app.screen.query_one("#new-subtask", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#f-title", Input).value = "Car 4715: papers sent"
        app.screen.query_one("#f-title", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        for field, value in (("#f-start", "1.12."), ("#f-due", "+2w"), ("#f-assignee", "mi")):
            app.screen.query_one(field, Input).value = value
            app.screen.query_one(field, Input).focus()
            await pilot.press("enter")
        await settle(pilot)
        detail = demo_services.tasks.detail("DEL-3")
        assert detail.start == date(2026, 12, 1)
        assert detail.task.due == date(2026, 12, 7)
        assert detail.task.assignee == "mia"
        assert detail.task.title == "Car 4715: papers sent"
        assert detail.comments[-1].body == "Agent called back"
        assert detail.comments[-1].author == "tester"
        assert detail.subtasks[-1].title == "Scan the papers"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert "papers sent" in column_text(app, 1)


async def test_click_selects_a_card(app: TaskboardApp) -> None:
    async with running(app) as pilot:
        await pilot.press("j")  # column 0's cursor on its second card, DEL-2
        await settle(pilot)
        second = board(app).model.shown[1][1]
        await pilot.click("#column-1", offset=(3, 6))  # the border, then cards of 5 lines
        await settle(pilot)
        assert board(app).model.col == 1
        assert board(app).current_card() == second
        assert isinstance(board(app).views[1], ColumnView)
        assert board(app).views[1].has_class("active") and not board(app).views[0].has_class(
            "active"
        )
        # The heading (the top border) makes the column active and keeps its cursor.
        await pilot.click("#column-0", offset=(3, 0))
        await settle(pilot)
        assert board(app).model.col == 0 and board(app).current_card().key == "DEL-2"  # type: ignore[union-attr]
        await pilot.click("#column-1", offset=(3, 30))  # below the last card
        await settle(pilot)
        assert board(app).model.col == 1 and board(app).current_card() == second


async def test_project_switcher_and_last_project_remembered(
    app: TaskboardApp, saved: dict[str, str | None]
) -> None:
    async with running(app, "P") as pilot:
        text = str(app.screen.query_one("#choice-list").render_line(0).text)
        assert "DEL" in text or "INBOX" in text
        await pilot.press("3")  # INBOX, DEL, ONB, SRV sorted by key: DEL, INBOX, ONB, SRV
        await settle(pilot)
        assert board(app).project_key == "ONB"
        assert saved["last_project"] == "ONB"


async def test_theme_choice_is_remembered(app: TaskboardApp, saved: dict[str, str | None]) -> None:
    def drawn_colours() -> tuple[object, object]:
        """The colours the first card's key and its overdue-or-today due date are drawn in."""
        view = board(app).views[0]
        key = list(view.render_line(0))[1]
        assert key.text == "DEL-1"
        due = next(seg for seg in view.render_line(3) if seg.text.startswith("^"))
        return (key.style.color if key.style else None, due.style.color if due.style else None)

    async with running(app) as pilot:
        before = drawn_colours()
        app.theme = "nord"
        await settle(pilot)
        assert saved["theme"] == "nord"
        assert drawn_colours() != before  # the cards are drawn in the new theme's colours
        app.theme = "textual-dark"
        await settle(pilot)
        assert drawn_colours() == before


async def test_help_lists_every_key_in_its_own_words(app: TaskboardApp) -> None:
    async with running(app, "question_mark", size=(120, 60)) as pilot:
        text = str(app.screen.query_one("#help-keys").render())
        for key in ("H shift+left", "n ", "enter", "space", "ctrl+r", "ctrl+p", "/"):
            assert key in text
        lines = {line.split(maxsplit=1)[0]: line for line in text.splitlines() if line.strip()}
        assert "column's first card" in lines["home"] and "column's last card" in lines["end"]
        assert "meeting" in lines["m"] and "key results" in lines["g"] and "inbox" in lines["i"]
        for key, words in [("v", "Mark"), ("V", "Mark every"), ("s", "Order"), ("w", "Swimlanes")]:
            assert words in lines[key]
        assert "Compact" in lines["z"]
        # No two keys share one description ("Move the cursor up/down…" for four keys).
        described = [line[24:] for line in text.splitlines() if line.strip()]
        assert len(described) == len(set(described))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_every_board_action_is_in_the_palette_with_its_key(app: TaskboardApp) -> None:
    async with running(app) as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for title in ("Move → (L)", "New (n)", "Filter (/)", "Undo (u)", "Help (?)", "Goals (g)"):
            assert title in titles
        await pilot.press("question_mark")
        await settle(pilot)
        text = str(app.screen.query_one("#help-keys").render())
        assert "every change is already saved" in text and "/guide/actions" not in text


async def test_q_quits(app: TaskboardApp) -> None:
    async with running(app) as pilot:
        assert app.is_running
        await pilot.press("q")
        await settle(pilot)
        assert not app.is_running


async def test_enter_in_the_filter_goes_to_a_card_it_kept(app: TaskboardApp) -> None:
    async with running(app) as pilot:
        await pilot.press("/", *"@tarek", "enter")  # Arrived, where the cursor was, is empty
        await settle(pilot)
        screen = board(app)
        current = screen.current_card()
        assert current is not None and current.key == "DEL-4"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskDetailScreen) and app.screen.key == "DEL-4"


async def test_undo_and_redo_of_the_boards_own_move_show_before_the_store_answers(
    app: TaskboardApp, demo_services: Services
) -> None:
    """Behind a distant server the store's undo takes seconds: the board knows its own last
    move and shows the card back at once; the store's answer follows."""
    import threading

    gate = threading.Event()
    undo = demo_services.undo
    calls = {"undo": undo.undo, "redo": undo.redo}

    def slow(name: str) -> Any:
        def call() -> Any:
            gate.wait(10)
            return calls[name]()

        return call

    undo.undo = slow("undo")  # type: ignore[method-assign]
    undo.redo = slow("redo")  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert "DEL-1" in column_text(app, 1)
        for key, column in (("u", 0), ("ctrl+r", 1), ("u", 0)):
            gate.clear()
            await pilot.press(key)
            await pilot.pause()
            assert "DEL-1" in column_text(app, column)  # shown while the store still works
            assert not app.store.idle
            gate.set()
            await settle(pilot)
            assert "DEL-1" in column_text(app, column)
            assert board(app).current_card().key == "DEL-1"  # type: ignore[union-attr]
    assert demo_services.tasks.row("DEL-1").column == "Arrived"
    assert any("undid move of DEL-1" in n for n in notices(app))
    assert any("redid move of DEL-1" in n for n in notices(app))


async def test_an_undo_the_store_refuses_puts_the_card_back_with_its_reason(
    app: TaskboardApp, demo_services: Services
) -> None:
    from taskboard.domain.errors import ConflictError

    def refuse() -> Any:
        raise ConflictError("DEL-1", "DEL-1 was changed by mia since: not undone")

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        demo_services.undo.undo = refuse  # type: ignore[method-assign]
        await pilot.press("u")
        await settle(pilot)
        assert "DEL-1" in column_text(app, 1) and "DEL-1" not in column_text(app, 0)
        assert "DEL-1 was changed by mia since: not undone" in notices(app)
    assert demo_services.tasks.row("DEL-1").column == "Papers & payment"
