"""The Obsidian Kanban plugin's board file: lanes as `##` headings, cards as task-list lines.

A card is `- [ ] title @{YYYY-MM-DD} @owner !priority #tag ^key`: everything the title holds
is backslash-escaped, so the first unescaped ` @`, ` !`, ` #` or ` ^` starts the metadata.
Lanes with the `**Complete**` marker are done columns; `(n)` after a lane name is its WIP
limit; archived cards follow `***` under `## Archive`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from taskboard.domain.text import excerpt
from taskboard.exchange.escape import literal, unescape
from taskboard.services import ServiceError, Services
from taskboard.services.board_reads import Card
from taskboard.services.import_drafts import ImportDraft, ImportResult, LaneSpec

_EXTRA = "@!^{}"
SETTINGS = '%% kanban:settings\n```\n{"kanban-plugin":"board","list-collapse":[]}\n```\n%%\n'
_LANE = re.compile(r"^## (.*?)(?: \((\d+)\))?\s*$")
_CARD = re.compile(r"^- \[([ xX])\] (.*)$")
_META = re.compile(r"(?<!\\) (?=[@!#^])")
_BLOCK_ID = re.compile(r"[^a-z0-9-]+")


def card_line(card: Card) -> str:
    parts = [f"- [{'x' if card.done else ' '}] {literal(card.title, _EXTRA)}"]
    if card.due:
        parts.append(f"@{{{card.due.isoformat()}}}")
    if card.assignee:
        parts.append(f"@{card.assignee}")
    if card.priority != "normal":
        parts.append(f"!{card.priority}")
    parts += [f"#{_BLOCK_ID.sub('-', t)}" for t in card.tags]
    parts.append(f"^{_BLOCK_ID.sub('-', card.key.lower())}")
    return " ".join(parts)


def write(services: Services, out: TextIO, project: str) -> int:
    """Write one project's board; returns the number of cards (archived ones included)."""
    board = services.transfer.boards(project)[0]
    out.write("---\n\nkanban-plugin: board\n\n---\n\n")
    cards = services.transfer.cards(board.key, scope="top")
    archived: list[Card] = []
    pending = next(cards, None)
    written = 0
    for lane in board.lanes:
        limit = f" ({lane.wip_limit})" if lane.wip_limit else ""
        out.write(f"## {literal(lane.name, _EXTRA)}{limit}\n\n")
        if lane.is_done:
            out.write("**Complete**\n")
        while pending is not None and pending.column == lane.name:
            if pending.archived:
                archived.append(pending)
            else:
                out.write(card_line(pending) + "\n")
            written += 1
            pending = next(cards, None)
        out.write("\n\n")
    if archived:
        out.write("***\n\n## Archive\n\n")
        for card in archived:
            out.write(card_line(card) + "\n")
        out.write("\n")
    out.write("\n" + SETTINGS)
    return written


@dataclass
class ParsedBoard:
    lanes: list[LaneSpec] = field(default_factory=list)
    cards: list[ImportDraft] = field(default_factory=list)


def parse(lines: Iterable[str], source: str = "obsidian") -> ParsedBoard:
    """Read a board file; errors name the line."""
    board = ParsedBoard()
    lane: LaneSpec | None = None
    in_archive = in_settings = False
    front = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if number == 1 and line.strip() == "---":
            front = 1
            continue
        if front == 1:
            if line.strip() == "---":
                front = 2
            elif (
                line.strip()
                and line.split(":")[0].strip() == "kanban-plugin"
                and (line.split(":", 1)[1].strip() != "board")
            ):
                raise ServiceError(f"line {number}: not a kanban board ({excerpt(line)})")
            continue
        if line.startswith("%% kanban:settings"):
            in_settings = True
        if in_settings:
            continue
        if line.strip() == "***":
            in_archive, lane = True, None
            continue
        heading = _LANE.match(line)
        if heading:
            if in_archive and heading.group(1) == "Archive":
                continue
            wip = int(heading.group(2)) if heading.group(2) else None
            lane = LaneSpec(unescape(heading.group(1)).strip(), wip or None, False)
            board.lanes.append(lane)
            in_archive = False
            continue
        if line.strip() == "**Complete**" and lane is not None:
            lane = LaneSpec(lane.name, lane.wip_limit, True)
            board.lanes[-1] = lane
            continue
        card = _CARD.match(line)
        if card:
            if lane is None and not in_archive:
                raise ServiceError(f"line {number}: a card before the first lane")
            board.cards.append(_card(number, card, lane, in_archive, source))
        elif line.strip() and not line.startswith((" ", "\t")):
            raise ServiceError(f"line {number}: not a lane, card or setting: {excerpt(line)!r}")
    if front == 1:
        raise ServiceError("the front matter never ends (no closing ---)")
    return board


def _card(
    number: int, match: re.Match[str], lane: LaneSpec | None, archived: bool, source: str
) -> ImportDraft:
    head, *meta = _META.split(match.group(2))
    done = match.group(1) != " "
    due: date | None = None
    owner = priority = block = None
    tags: list[str] = []
    for token in (t.strip() for t in meta):
        if token.startswith("@{") and token.endswith("}"):
            try:
                due = date.fromisoformat(token[2:-1])
            except ValueError:
                raise ServiceError(f"line {number}: bad date {excerpt(token)!r}") from None
        elif token.startswith("@"):
            owner = token[1:]
        elif token.startswith("!"):
            priority = token[1:]
        elif token.startswith("#"):
            tags.append(token[1:])
        elif token.startswith("^"):
            block = token[1:]
    column = lane.name if lane is not None else None
    return ImportDraft(
        where=f"line {number}",
        title=unescape(head),
        source_id=f"{source}:{block}" if block else None,
        column=column,
        assignee=owner,
        due=due,
        priority=priority,
        tags=tuple(tags),
        done=done or (lane is not None and lane.is_done),
        archived=archived,
    )


def read(services: Services, lines: Iterable[str], project: str | None) -> ImportResult:
    board = parse(lines)
    return services.transfer.import_tasks(project, board.cards, board.lanes)
