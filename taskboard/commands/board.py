"""Opening the board: a stdlib read paints it first, the services load behind it.

No Typer here: `taskboard` and `taskboard board KEY` come straight from `cli.main`,
and Typer's import and parse would cost a sizeable part of the first paint.
"""

from __future__ import annotations

import gc
from contextlib import suppress
from typing import TYPE_CHECKING

from taskboard.commands.errors import EXIT_INTERNAL, refusal

if TYPE_CHECKING:
    from collections.abc import Callable

    from taskboard.services import Services
    from taskboard.services.snapshot import BoardSnapshot
    from taskboard.ui.app import TaskboardApp

# Cards per column read for the first paint: more than any terminal shows at once.
FIRST_PAINT_CARDS = 60


class InternalError(Exception):
    """A bug met while the services loaded behind the board; already logged."""


def run_board(
    db: str | None, project: str | None, store_target: str | None = None, demo: bool = False
) -> None:
    """Run the board until it quits; a failure it reports ends the program with its code."""
    # Start-up makes objects that live as long as the program (modules, styles, widgets):
    # collecting garbage among them is wasted work before the first paint. Once made, they
    # are frozen out of every later collection, which resumes for what the app makes.
    internal: list[str] = []
    gc.disable()
    try:
        app = board_app(db, project, store_target, demo, internal)
        gc.freeze()
    finally:
        gc.enable()
    app.run()
    if internal:  # a bug behind the board: the app said so, the log has the traceback
        raise SystemExit(EXIT_INTERNAL)
    if app.return_code:  # the services failed to load behind the board: the app said why
        raise SystemExit(app.return_code)


def board_app(
    db: str | None,
    project: str | None,
    store_target: str | None,
    demo: bool,
    internal: list[str] | None = None,
) -> TaskboardApp:
    from taskboard.commands.opening import open_services, settings, warn_exposed_config
    from taskboard.config import ConfigError, save_setting
    from taskboard.files import FileWriteError

    conf = settings(db)
    wanted = project or conf.last_project
    # The first paint's read runs while Textual is imported: behind a distant PostgreSQL
    # server it is mostly waiting, which costs nothing beside the import's work.
    reading = _Background(lambda: board_snapshot(store_target or conf.store_target(), wanted))
    from taskboard.ui.app import UiOptions, make_app

    def remember(key: str, value: str | None) -> None:
        # The demo lives in its own store: its projects are not the ones to reopen in yours.
        if demo and key == "last_project":
            return
        # A choice not remembered (a read-only config dir) is no reason to stop the board.
        with suppress(FileWriteError, ConfigError):
            save_setting(key, value)

    def load() -> Services:
        """Open the services behind the painted board; a bug is logged and named."""
        try:
            return open_services(db, store_target, quiet=True)
        except Exception as exc:
            if refusal(exc) is not None:
                raise
            from taskboard.errorlog import record

            where = record(exc, "loading the board's services")
            if internal is not None:
                internal.append(where)
            raise InternalError(f"internal error: {exc!r} (details in {where})") from exc

    options = UiOptions(
        theme=conf.theme, project=wanted, remember=remember, board_views=conf.board_views or ""
    )
    snapshot = reading.result()
    if snapshot is not None and (project is None or snapshot.project.key == project.upper()):
        # Paint first: the board comes from a stdlib read; SQLModel loads behind it (quietly,
        # under the screen: what it would warn about is said here, before the screen).
        if conf.db_password:
            warn_exposed_config()
        app = make_app(None, options, loader=load, snapshot=snapshot)
    else:
        services = open_services(db, store_target)
        if project is not None:
            services.projects.get(project)  # an unknown key fails here, with a clear message
        app = make_app(services, options)
    if project is not None and project.upper() != conf.last_project:
        remember("last_project", project.upper())  # `taskboard` reopens what you opened last
    return app


class _Background:
    """One call run on a thread of its own; `result` waits for it and returns or raises
    what it did."""

    def __init__(self, call: Callable[[], BoardSnapshot | None]) -> None:
        import threading

        self._call = call
        self._outcome: list[BoardSnapshot | None] = []
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, name="first paint read", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome.append(self._call())
        except BaseException as exc:  # handed to the caller of `result`
            self._error.append(exc)

    def result(self) -> BoardSnapshot | None:
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._outcome[0]


def board_snapshot(target: str, project: str | None) -> BoardSnapshot | None:
    """The fast first-paint read, for a store that is already at head: a local SQLite file
    or a PostgreSQL database (`taskboard.store.connect` says which it can read)."""
    from taskboard.services.snapshot import read_snapshot

    return read_snapshot(target, project, limit=FIRST_PAINT_CARDS)
