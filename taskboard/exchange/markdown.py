"""GitHub-flavoured Markdown boards: a task list per column, or one table per project."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TextIO

from taskboard.domain.views import TaskRow
from taskboard.exchange.escape import cell, inline, paragraph
from taskboard.services import Services

# Lines written to `out` at a time: one write per chunk, not per card.
_LINES = 1000


def card_line(card: TaskRow, depth: int = 0) -> str:
    """`- [ ] **KEY** title · @owner · due DATE · !priority · #tags`, indented per level."""
    parts = [f"{'  ' * depth}- [{'x' if card.done else ' '}] **{card.key}** {inline(card.title)}"]
    if card.assignee:
        parts.append(f"@{inline(card.assignee)}")
    if card.due:
        parts.append(f"due {card.due.isoformat()}")
    if card.priority != "normal":
        parts.append(f"!{card.priority}")
    if card.tags:
        parts.append(" ".join(f"#{inline(t)}" for t in card.tags))
    return " · ".join(parts)


def _subtasks(services: Services, project: str) -> dict[int, list[TaskRow]]:
    children: dict[int, list[TaskRow]] = defaultdict(list)
    for card in services.transfer.rows(project, scope="sub"):
        if not card.archived and card.parent_id is not None:
            children[card.parent_id].append(card)
    return children


def _nested(card: TaskRow, children: dict[int, list[TaskRow]], depth: int) -> Iterator[str]:
    yield card_line(card, depth)
    for child in children.get(card.id, ()):
        yield from _nested(child, children, depth + 1)


def write_board(services: Services, out: TextIO, project: str | None = None) -> int:
    """Write the board(s) line by line; returns the number of top-level cards."""
    written = 0
    for n, board in enumerate(services.transfer.boards(project)):
        if n:
            out.write("\n")
        out.write(f"# {inline(board.name)} ({board.key})\n")
        if board.description:
            out.write(f"\n{paragraph(board.description)}\n")
        children = _subtasks(services, board.key)
        cards = services.transfer.rows(board.key, scope="top")
        pending = next(cards, None)
        for lane in board.lanes:
            limit = f" · WIP {lane.wip_limit}" if lane.wip_limit else ""
            out.write(f"\n## {inline(lane.name)} ({lane.open_cards}{limit})\n\n")
            lines: list[str] = []
            while pending is not None and pending.column == lane.name:
                if not pending.archived:
                    lines += _nested(pending, children, 0)
                    written += 1
                    if len(lines) >= _LINES:
                        out.write("\n".join(lines) + "\n")
                        lines.clear()
                pending = next(cards, None)
            if lines:
                out.write("\n".join(lines) + "\n")
    return written


_HEADERS = ("Key", "Title", "Column", "Owner", "Due", "Priority", "Tags", "Parent", "Done")


def write_table(services: Services, out: TextIO, project: str | None = None) -> int:
    """One GFM table per project, every task (subtasks too) a row; returns the rows."""
    written = 0
    for n, board in enumerate(services.transfer.boards(project)):
        if n:
            out.write("\n")
        out.write(f"# {inline(board.name)} ({board.key})\n\n")
        out.write("| " + " | ".join(_HEADERS) + " |\n")
        out.write("|" + "---|" * len(_HEADERS) + "\n")
        lines: list[str] = []
        for card in services.transfer.rows(board.key):
            if card.archived:
                continue
            cells = (
                card.key,
                cell(card.title),
                cell(card.column),
                f"@{cell(card.assignee)}" if card.assignee else "",
                card.due.isoformat() if card.due else "",
                card.priority,
                cell(" ".join(f"#{t}" for t in card.tags)) if card.tags else "",
                card.parent or "",
                "yes" if card.done else "",
            )
            lines.append("| " + " | ".join(cells) + " |\n")
            written += 1
            if len(lines) >= _LINES:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))
    return written
