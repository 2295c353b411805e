"""Snapshots of the main screens with the demo workspace at a frozen date."""

from __future__ import annotations

from typing import Any

from ui_text import pressing, settle

from taskboard.ui.app import TaskboardApp


def test_board(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


def test_board_narrow(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=pressing("l", "l"))


def test_detail(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 50), run_before=pressing("l", "enter"))


def test_help(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 50), run_before=pressing("question_mark"))


def test_filter(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=pressing("slash", *"#special", "tab")
    )
