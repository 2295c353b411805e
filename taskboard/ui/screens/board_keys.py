"""The board's keys, each with its own words: the help and the footer's tooltips say them."""

from __future__ import annotations

from textual.binding import Binding, BindingType

# name: what the key does, said the way the help shows it.
WORDS = {
    "left": "Cursor to the column on the left",
    "right": "Cursor to the column on the right",
    "down": "Cursor to the card below",
    "up": "Cursor to the card above",
    "top": "Cursor to the column's first card",
    "bottom": "Cursor to the column's last card",
    "move_left": "Move the card (or the marked cards) one column left",
    "move_right": "Move the card (or the marked cards) one column right",
    "reorder_up": "Move the card up its column (manual order only)",
    "reorder_down": "Move the card down its column (manual order only)",
    "new": "New card from a capture line: title @who ^when #tag !prio",
    "open": "Open the card's detail: every field, notes, comments, history",
    "edit_title": "Change the card's title",
    "assign": "Assign the card or the marked cards (@handle; empty: nobody)",
    "due": "Due date of the card or the marked cards (fri, +3d, 1.12.; empty clears)",
    "priority": "Priority of the card or the marked cards",
    "tags": "Tags of the card; marked cards: tags to add to each",
    "done": "Done, or open again (marked cards: all done, or all open)",
    "archive": "Archive the card or the marked cards (u brings them back)",
    "filter": "Filter the cards as you type: words @who #tag !prio due:week",
    "sort": "Order of the columns: manual, due, priority, last change",
    "lanes": "Swimlanes: none, by assignee, by priority, by key result",
    "compact": "Compact cards, one line each (key, title, assignee, due)",
    "mark": "Mark or unmark the card; keys then act on every marked card",
    "mark_shown": "Mark every card shown (the filter applies)",
    "escape": "Clear the marks, then the filter",
    "undo": "Undo your last change (a batch of marked cards at once)",
    "redo": "Redo what u undid",
    "projects": "Switch to another project's board",
    "meeting": "Start a meeting for this project, or go back to its running one",
    "goals": "Objectives and key results: progress, check-ins",
    "triage": "Work through the inbox one task at a time",
    "search": "Search every project: tasks, comments, decisions, goals",
    "help": "Every key and what it does",
}

# key(s), action, footer label, name, shown in the footer
KEYS = [
    ("h,left", "focus_column(-1)", "Left", "left", False),
    ("l,right", "focus_column(1)", "Right", "right", False),
    ("j,down", "focus_card(1)", "Down", "down", False),
    ("k,up", "focus_card(-1)", "Up", "up", False),
    ("home", "focus_card(-100000)", "Top", "top", False),
    ("end", "focus_card(100000)", "Bottom", "bottom", False),
    ("H,shift+left", "move_card(-1)", "Move ←", "move_left", True),
    ("L,shift+right", "move_card(1)", "Move →", "move_right", True),
    ("K,shift+up", "reorder(-1)", "Up", "reorder_up", False),
    ("J,shift+down", "reorder(1)", "Down", "reorder_down", False),
    ("n", "new_card", "New", "new", True),
    ("enter", "open_card", "Open", "open", True),
    ("e", "edit_title", "Title", "edit_title", False),
    ("a", "assign", "Assign", "assign", False),
    ("d", "due", "Due", "due", False),
    ("p", "priority", "Prio", "priority", False),
    ("t", "tags", "Tags", "tags", False),
    ("space", "toggle_done", "Done", "done", True),
    ("x", "archive", "Archive", "archive", False),
    ("/", "filter", "Filter", "filter", True),
    ("s", "sort", "Sort", "sort", False),
    ("w", "lanes", "Lanes", "lanes", False),
    ("z", "compact", "Compact", "compact", False),
    ("v", "mark", "Mark", "mark", True),
    ("V", "mark_shown", "Mark all", "mark_shown", False),
    ("escape", "escape", "Clear", "escape", False),
    ("u", "undo", "Undo", "undo", True),
    ("ctrl+r", "redo", "Redo", "redo", False),
    ("P", "switch_project", "Projects", "projects", True),
    ("m", "open('meeting')", "Meeting", "meeting", True),
    ("g", "open('goals')", "Goals", "goals", True),
    ("i", "open('triage')", "Inbox", "triage", True),
    ("f", "open('search')", "Find", "search", False),
    ("question_mark", "help", "Help", "help", True),
]


def board_bindings() -> list[BindingType]:
    return [
        Binding(key, action, label, id=f"board.{name}", show=show, tooltip=WORDS[name])
        for key, action, label, name, show in KEYS
    ]
