"""Command groups beyond the core ones in `taskboard.cli`, each in its own module.

Only the group a command line needs is imported, so `taskboard add` does not
pay for meetings, goals or exchange formats.
"""

from __future__ import annotations

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
    elif module == "serve":
        from taskboard.commands.serve import serve

        app.command("serve")(serve)


def register(
    app: typer.Typer, command: str | None = None, core: frozenset[str] = frozenset()
) -> None:
    """Attach the group `command` needs; every group for help, or for a command we don't know."""
    if command in core:
        return
    modules = [GROUPS[command]] if command in GROUPS else list(dict.fromkeys(GROUPS.values()))
    for module in modules:
        _attach(app, module)
