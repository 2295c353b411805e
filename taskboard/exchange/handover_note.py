"""The Markdown handover note: every task handed over with its key, title, due, status, project."""

from __future__ import annotations

from taskboard.domain.agenda import Handover, absence_text
from taskboard.exchange.escape import cell, inline


def _status(done: bool, column: str, overdue: bool) -> str:
    if done:
        return "done"
    return f"{cell(column)}, overdue" if overdue else cell(column)


def handover_note(result: Handover) -> str:
    """The note a person leaves (or is sent) for a holiday handover, as Markdown text."""
    src, dst = inline(result.from_handle), inline(result.to_handle)
    plan = " (dry run: nothing changed)" if result.dry_run else ""
    lines = [f"# Handover from @{src} to @{dst}{plan}", ""]
    window = absence_text(result.since, result.until)
    lines.append(
        f"Absence: {inline(window)}" if window else "All open tasks, no absence window given."
    )
    count = len(result.tasks)
    lines += [
        "",
        f"{count} task{'s' if count != 1 else ''} {'would be ' if result.dry_run else ''}"
        f"handed over on {result.day.isoformat()}.",
        "",
    ]
    if not result.tasks:
        lines.append("Nothing to hand over.")
        return "\n".join(lines) + "\n"
    lines += ["| Key | Title | Due | Status | Project |", "| --- | --- | --- | --- | --- |"]
    for t in result.tasks:
        overdue = t.due is not None and t.due < result.day
        due = t.due.isoformat() if t.due else "—"
        title = cell(t.title) + (f" (subtask of {cell(t.parent)})" if t.parent else "")
        lines.append(
            f"| {cell(t.key)} | {title} | {due} | {_status(t.done, t.column, overdue)} "
            f"| {cell(t.project)} |"
        )
    return "\n".join(lines) + "\n"
