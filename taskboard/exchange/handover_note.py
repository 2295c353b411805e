"""The Markdown handover note: every task handed over with its key, title, due, status, project."""

from __future__ import annotations

import re

from taskboard.domain.text import clean
from taskboard.services.people_views import Handover, absence_text

# Inside a line (never at its start) only these characters can start Markdown syntax.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md_escape(text: str) -> str:
    """User text as literal Markdown: control characters gone, every special character escaped."""
    return _SPECIAL.sub(r"\\\1", clean(text))


def _status(done: bool, column: str, overdue: bool) -> str:
    if done:
        return "done"
    return f"{md_escape(column)}, overdue" if overdue else md_escape(column)


def handover_note(result: Handover) -> str:
    """The note a person leaves (or is sent) for a holiday handover, as Markdown text."""
    src, dst = md_escape(result.from_handle), md_escape(result.to_handle)
    lines = [f"# Handover from @{src} to @{dst}", ""]
    window = absence_text(result.since, result.until)
    lines.append(
        f"Absence: {md_escape(window)}" if window else "All open tasks, no absence window given."
    )
    count = len(result.tasks)
    lines += [
        "",
        f"{count} task{'s' if count != 1 else ''} handed over on {result.day.isoformat()}.",
        "",
    ]
    if not result.tasks:
        lines.append("Nothing to hand over.")
        return "\n".join(lines) + "\n"
    lines += ["| Key | Title | Due | Status | Project |", "| --- | --- | --- | --- | --- |"]
    for t in result.tasks:
        overdue = t.due is not None and t.due < result.day
        due = t.due.isoformat() if t.due else "—"
        title = md_escape(t.title) + (f" (subtask of {md_escape(t.parent)})" if t.parent else "")
        lines.append(
            f"| {md_escape(t.key)} | {title} | {due} | {_status(t.done, t.column, overdue)} "
            f"| {md_escape(t.project)} |"
        )
    return "\n".join(lines) + "\n"
