"""`taskboard meeting …` and `taskboard minutes`: meetings and their minutes from the shell."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from taskboard.commands.common import (
    MAX_ID,
    DbOption,
    ForceOption,
    JsonOption,
    NewPersonOption,
    OutputOption,
    emit_json,
    emit_list,
    fail,
    handles_errors,
    in_range,
    open_services,
    printable,
    settings,
    table,
    words,
    write_output,
)
from taskboard.commands.errors import new_person_hint

meeting_app = typer.Typer(help="Meetings: start, capture, end, list.", no_args_is_help=False)

ProjectOption = Annotated[
    str | None, typer.Option("--project", "-p", help="Project key.", show_default=False)
]


MeetingId = Annotated[
    int, typer.Argument(metavar="ID", callback=in_range(1, MAX_ID), help="The meeting's id.")
]
TitleOption = Annotated[
    str | None, typer.Option("--title", help="Default: '<project> meeting'.", show_default=False)
]
AttendeesOption = Annotated[
    str | None,
    typer.Option(
        "--attendees", help="Comma-separated handles, e.g. carl,anna.", show_default=False
    ),
]


def start_meeting(
    services: Any,
    project: str | None,
    title: str | None,
    attendees: str | None,
    new_person: bool = False,
) -> Any:
    """Create and store the meeting; shared by the shell path and the meeting screen. An
    unknown attendee is refused (naming the closest handles) unless `new_person`."""
    from taskboard.services.errors import UnknownPersonError

    handles = [h.strip() for h in (attendees or "").split(",") if h.strip()]
    try:
        return services.meetings.start(
            title=title, project=project, attendees=handles, new_people=new_person
        )
    except UnknownPersonError as exc:
        raise new_person_hint(exc) from None


def run_meeting_screen(
    db: str | None,
    project: str | None,
    title: str | None,
    attendees: str | None,
    new_person: bool = False,
) -> None:
    """Open the board with the meeting screen over it: the project's running meeting (joined,
    as `m` on the board does, with any attendees named added), or a new one stored first."""
    import sys

    from taskboard.config import save_setting
    from taskboard.ui.app import UiOptions, make_app

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        fail("the meeting screen needs a terminal: add --no-tui to start from the shell")
    conf = settings(db)
    services = open_services(db)
    running = services.meetings.running(project)
    if running is None:
        meeting = start_meeting(services, project, title, attendees, new_person)
    else:
        from taskboard.services.errors import UnknownPersonError

        meeting = running
        for handle in (h.strip() for h in (attendees or "").split(",")):
            if handle and handle.lower().lstrip("@") not in running.attendees:
                try:
                    services.meetings.add_attendee(running.id, handle, new_people=new_person)
                except UnknownPersonError as exc:
                    raise new_person_hint(exc) from None
    # A running meeting is opened by project, as `m` opens it, which says "back in …".
    opened = None if running is not None else meeting.id
    options = UiOptions(
        theme=conf.theme,
        project=meeting.project or conf.last_project,
        remember=save_setting,
        board_views=conf.board_views or "",
        start_screen=("meeting", {"project": meeting.project, "meeting_id": opened}),
    )
    make_app(services, options).run()


@meeting_app.callback(invoke_without_command=True)
@handles_errors
def meeting_main(
    ctx: typer.Context,
    db: DbOption = None,
    project: ProjectOption = None,
    title: TitleOption = None,
    attendees: AttendeesOption = None,
    new_person: NewPersonOption = False,
) -> None:
    """Meetings: with no command, start one and open the meeting screen."""
    if ctx.invoked_subcommand is None:
        run_meeting_screen(db, project, title, attendees, new_person)


@meeting_app.command("start")
@handles_errors
def start(
    db: DbOption = None,
    project: ProjectOption = None,
    title: TitleOption = None,
    attendees: AttendeesOption = None,
    new_person: NewPersonOption = False,
    no_tui: Annotated[
        bool, typer.Option("--no-tui", help="Only create the meeting and print its id.")
    ] = False,
) -> None:
    """Start a meeting (stored at once) and open the meeting screen, or print its id. An
    unknown attendee is refused (naming the closest handles) unless --new-person."""
    if not no_tui:
        run_meeting_screen(db, project, title, attendees, new_person)
        return
    meeting = start_meeting(open_services(db), project, title, attendees, new_person)
    typer.echo(str(meeting.id))


@meeting_app.command("add")
@handles_errors
def add(
    meeting_id: MeetingId,
    line: Annotated[
        list[str],
        words("LINE...", "d: decision, n: note, ? question, a: topic, kr KEY = 4, a task"),
    ],
    db: DbOption = None,
    new_person: NewPersonOption = False,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Capture one meeting line, as if typed in the meeting screen.

    An unknown @handle is refused (naming the closest ones) unless --new-person; a check-in
    far outside its key result's range, or a long way back from its target, unless --force.
    """
    from taskboard.services.errors import ImplausibleValueError, UnknownPersonError

    text = " ".join(line)
    try:
        captured = open_services(db).meetings.capture(
            meeting_id, text, new_people=new_person, force=force
        )
    except UnknownPersonError as exc:
        raise new_person_hint(exc) from None
    except ImplausibleValueError as exc:
        fail(f"{exc}; --force records it anyway")
    item = captured.item
    if as_json:
        emit_json(
            {
                "id": item.id,
                "kind": item.kind,
                "text": item.text,
                "task": captured.task.as_json() if captured.task else None,
                "key_result": item.key_result,
                "new_people": list(captured.new_people),
            }
        )
        return
    table([(str(item.id), item.kind, item.task_key or item.key_result or "", item.text)])
    for handle in captured.new_people:
        typer.echo(f"new person @{handle} (rename with: taskboard person add)", err=True)


@meeting_app.command("end")
@handles_errors
def end(
    meeting_id: MeetingId,
    db: DbOption = None,
) -> None:
    """End a meeting; `taskboard minutes ID` prints its minutes."""
    meeting = open_services(db).meetings.end(meeting_id)
    typer.echo(printable(f"{meeting.id}  {meeting.title}  ended, {len(meeting.items)} items"))


@meeting_app.command("list")
@handles_errors
def list_meetings(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every meeting, newest first."""
    emit_list(
        as_json,
        open_services(db).meetings.all(),
        lambda m: (
            str(m.id),
            m.started.astimezone().strftime("%Y-%m-%d %H:%M"),
            m.project or "",
            m.title,
            f"{m.items} items",
            "ended" if m.ended else "running",
        ),
    )


@handles_errors
def minutes(
    meeting: Annotated[str, typer.Argument(metavar="[ID|last]", help="A meeting id or 'last'.")] = (
        "last"
    ),
    db: DbOption = None,
    project: ProjectOption = None,
    output: OutputOption = None,
) -> None:
    """Print a meeting's minutes as Markdown (the last one, of --project when given)."""
    from taskboard.exchange.minutes import render_minutes

    services = open_services(db)
    if meeting.strip().lower() == "last":
        meeting_id = services.meetings.last(project).id
    elif meeting.strip().isdecimal() and int(meeting) <= MAX_ID:
        if project is not None:
            fail("give a meeting id or --project, not both")
        meeting_id = int(meeting)
    else:
        fail(f"bad meeting '{printable(meeting)}': give its id or 'last'")
    text = render_minutes(services.meetings.minutes_data(meeting_id))
    write_output(output, text)
    if output is not None:
        typer.echo(printable(str(output)), err=True)


def register(app: typer.Typer) -> None:
    """Attach `meeting` and `minutes` to the root app."""
    app.add_typer(meeting_app, name="meeting")
    app.command("minutes")(minutes)
