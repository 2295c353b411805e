"""Snapshots of the main screens with the demo workspace at a frozen date."""

from __future__ import annotations

from typing import Any

from ui_text import settle

from taskboard.ui.app import TaskboardApp


def test_board(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


def test_board_narrow(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), press=["l", "l"], run_before=settle)


def test_detail(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 50), press=["l", "enter"], run_before=settle)


def test_help(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=(120, 50), press=["question_mark"], run_before=settle)


def test_filter(app: TaskboardApp, snap_compare: Any) -> None:
    assert snap_compare(
        app, terminal_size=(120, 40), press=["slash", *"#special", "tab"], run_before=settle
    )
