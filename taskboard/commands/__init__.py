"""The command line's commands, one module per group.

The root app (`root.build_app`) holds the core commands; every other group is
attached only when a command line needs it, so `taskboard add` does not pay for
meetings, goals or exchange formats. The board's own path (`board.py`) needs no
Typer at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

# First word on the command line → the module that holds it.
GROUPS = {
    "export": "exchange",
    "import": "exchange",
    "meeting": "meeting",
    "minutes": "meeting",
    "okr": "okr",
    "template": "templates",
    "handover": "people",
    "agenda": "people",
    "stats": "people",
    "serve": "serve",
    "undo": "undo",
    "redo": "undo",
    "search": "search",
}


def _attach(app: typer.Typer, module: str) -> None:
    if module == "exchange":
        from taskboard.commands import exchange

        app.command("export")(exchange.export)
        app.command("import")(exchange.import_)
    elif module == "meeting":
        from taskboard.commands import meeting

        meeting.register(app)
    elif module == "okr":
        from taskboard.commands.okr import okr_app

        app.add_typer(okr_app, name="okr")
    elif module == "templates":
        from taskboard.commands.templates import template_app

        app.add_typer(template_app, name="template")
    elif module == "people":
        from taskboard.commands import people

        people.register(app)
    elif module == "undo":
        from taskboard.commands import undo

        undo.register(app)
    elif module == "search":
        from taskboard.commands.search import search

        app.command("search")(search)
    elif module == "serve":
        from taskboard.commands.serve import serve

        app.command("serve")(serve)


def register(
    app: typer.Typer, command: str | None = None, core: frozenset[str] = frozenset()
) -> None:
    """Attach the group `command` needs; every group for help, or for a command we don't know.

    A group already attached to `app` is not attached twice."""
    if command in core:
        return
    known = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    modules = [GROUPS[command]] if command in GROUPS else list(dict.fromkeys(GROUPS.values()))
    for module in modules:
        if not any(GROUPS[word] == module for word in known if word in GROUPS):
            _attach(app, module)
