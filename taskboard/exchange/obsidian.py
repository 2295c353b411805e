"""The Obsidian Kanban plugin's board file: lanes as headings, cards as task-list lines.

Read as the plugin reads it (mgmeyers/obsidian-kanban, src/parsers): a lane title ending in
`(N)` carries the WIP limit N (a column named `Plan (5)` is written `Plan (5\\)`, which the
plugin shows as "Plan (5)" without a limit); `**Complete**` under a lane marks it done; cards
after `***` and `## Archive` are archived; the `%% kanban:settings` block at the end holds the
board's date and time formats. A card's indented lines are its notes, and indented task-list
lines under it are its subtasks, nested as deep as they go. A due time (`@@{10:30}`) has no
field in taskboard: it is kept as the first line of the notes, `Due time: 10:30`, and written
back as `@@{10:30}`. Export → import → export gives the same file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from taskboard.domain.text import clean, clean_multiline, excerpt
from taskboard.domain.views import TaskRow
from taskboard.exchange.escape import heading, unescape
from taskboard.exchange.obsidian_card import CardError, Formats, read_card, write_card
from taskboard.exchange.records import BadRecordError, Check, label, load_json
from taskboard.services import Services
from taskboard.services.import_drafts import ImportDraft, ImportResult, LaneSpec

SETTINGS = (
    "%% kanban:settings\n```\n"
    '{"kanban-plugin":"board","list-collapse":[],"date-format":"YYYY-MM-DD",'
    '"time-format":"HH:mm","date-trigger":"@","time-trigger":"@@"}'
    "\n```\n%%\n"
)
MAX_WIP = 9999
INDENT = "    "  # the plugin indents a card's further lines by four spaces (or a tab)
_BOARD_KINDS = {"board", "basic", "table", "list"}
# The plugin writes these words in the user's language (src/lang/locale).
_COMPLETE = {
    "Complete", "Fertiggestellt", "Completato", "完了", "완료됨", "Concluído", "Выполнено", "完成",
}  # fmt: skip
_ARCHIVE = {
    "Archive",
    "Archiv",
    "Archivio",
    "アーカイブ",
    "보관됨",
    "Arquivado",
    "Архивировать",
    "归档",
}
_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t]*$")
_LANE_LIMIT = re.compile(r"^(.*?)\s*\((\d+)\)$")  # the plugin's parseLaneTitle
_ITEM = re.compile(r"^([-*+])[ \t]+(?:\[(.)\](?:[ \t]+|$))?(.*)$")
_BREAK = re.compile(r"^(?:\*[ \t]*){3,}$|^(?:-[ \t]*){3,}$|^(?:_[ \t]*){3,}$")
_OWN_KEY = re.compile(r"^[a-z]{2,6}-[0-9]{1,9}$")
_DUE_TIME = re.compile(r"^Due time: ([0-2][0-9]:[0-5][0-9])$")
# A line of notes that would read as a card (`- [ ] x`) gets one more leading backslash.
_CARD_LIKE = re.compile(r"^(\\*)([-*+][ \t]+\[.\])")
_ESCAPED_CARD = re.compile(r"^\\(\\*[-*+][ \t]+\[.\])")


# The board's own settings (the JSON of its `%% kanban:settings` block) that matter here:
# name → (default, longest). Checked in this order (`_settings`).
BOARD_SETTINGS = {
    "date-format": ("YYYY-MM-DD", 60),
    "time-format": ("HH:mm", 60),
    "date-trigger": ("@", 10),
    "time-trigger": ("@@", 10),
}
MAX_LANE_NAME = 60


# ---- writing ------------------------------------------------------------------------------


def _lane_heading(name: str, wip: int | None) -> str:
    text = heading(name)
    # A name ending in "(5)" would read back as a WIP limit: escape its closing parenthesis.
    text = re.sub(r"\((\d+)\)$", r"(\1\\)", text)
    return f"## {text}{f' ({wip})' if wip else ''}"


def _notes_lines(card: TaskRow) -> tuple[str | None, list[str]]:
    """(the due time, the notes as lines to indent) of a card."""
    lines = clean_multiline(card.notes).rstrip().split("\n") if card.notes.strip() else []
    time = None
    if lines and (match := _DUE_TIME.match(lines[0])):
        time, lines = match.group(1), lines[1:]
    return time, [_CARD_LIKE.sub(r"\\\1\2", line) if line.strip() else "" for line in (lines or [])]


class _Writer:
    def __init__(self, cards: list[TaskRow]) -> None:
        self.by_id = {c.id: c for c in cards}
        self.children: dict[int, list[TaskRow]] = defaultdict(list)
        for c in cards:
            if self.nested(c):
                self.children[c.parent_id or 0].append(c)
        self.used: set[str] = set()

    def nested(self, card: TaskRow) -> bool:
        parent = self.by_id.get(card.parent_id or 0)
        return parent is not None and parent.archived == card.archived

    def block(self, card: TaskRow) -> str:
        # A card that came from a board keeps that board's block id.
        source = card.source_id or ""
        own = source.removeprefix("obsidian:") if source.startswith("obsidian:") else ""
        block = own if re.fullmatch(r"[A-Za-z0-9-]+", own) and own not in self.used else ""
        block = block or card.key.lower()
        self.used.add(block)
        return block

    def lines(self, card: TaskRow, depth: int = 0) -> list[str]:
        indent = INDENT * depth
        time, notes = _notes_lines(card)
        head = write_card(
            card.title,
            due=card.due,
            time=time,
            owner=card.assignee,
            priority=card.priority,
            tags=card.tags,
            block=self.block(card),
        )
        out = [f"{indent}- [{'x' if card.done else ' '}] {head}"]
        out += [f"{indent}{INDENT}{line}" if line else "" for line in notes]
        for child in self.children.get(card.id, ()):
            out += self.lines(child, depth + 1)
        return out


def write(services: Services, out: TextIO, project: str) -> int:
    """Write one project's board; returns the number of cards (archived ones and subtasks
    included)."""
    board = services.transfer.boards(project)[0]
    cards = list(services.transfer.rows(board.key))
    writer = _Writer(cards)
    out.write(f"---\n\nkanban-plugin: board\ntaskboard-project: {board.key}\n\n---\n\n")
    roots: dict[str, list[TaskRow]] = defaultdict(list)
    archived: list[TaskRow] = []
    for card in cards:
        if not writer.nested(card):
            (archived if card.archived else roots[card.column]).append(card)
    for lane in board.lanes:
        out.write(_lane_heading(lane.name, lane.wip_limit) + "\n\n")
        if lane.is_done:
            out.write("**Complete**\n")
        for card in roots[lane.name]:
            out.write("\n".join(writer.lines(card)) + "\n")
        out.write("\n\n")
    if archived:
        out.write("***\n\n## Archive\n\n")
        for card in archived:
            out.write("\n".join(writer.lines(card)) + "\n")
        out.write("\n")
    out.write("\n" + SETTINGS)
    return len(cards)


# ---- reading ------------------------------------------------------------------------------


@dataclass
class ParsedBoard:
    lanes: list[LaneSpec] = field(default_factory=list)
    cards: list[ImportDraft] = field(default_factory=list)
    project: str | None = None  # the `taskboard-project` of our own exports


@dataclass
class _Open:
    """A card being read: where its lines go until a line outdents past it."""

    index: int
    indent: int
    content: int | None = None  # the indent of its further lines, once one is seen
    notes: list[str] = field(default_factory=list)
    blanks: int = 0


def _indent(line: str) -> tuple[int, str]:
    stripped = line.lstrip(" \t")
    return len(line[: len(line) - len(stripped)].expandtabs(4)), stripped


def _settings(lines: list[str], name: str) -> tuple[Formats, int]:
    """The board's formats and the line where its settings block starts (or len(lines))."""
    start = next((i for i, line in enumerate(lines) if line.startswith("%% kanban:settings")), -1)
    if start < 0:
        return Formats(), len(lines)
    body = [line for line in lines[start + 1 :] if line.strip() not in ("```", "%%", "")]
    where = f"{name}line {start + 1}"
    data: Any = load_json("\n".join(body), f"{where}: ") if body else {}
    if not isinstance(data, dict):
        raise BadRecordError(f"{where}: the board's settings are not an object")
    check = Check(where)
    s = {
        key: check.text(data.get(key, default), (key,), min_length=1, max_length=longest)
        for key, (default, longest) in BOARD_SETTINGS.items()
    }
    formats = (s["date-trigger"], s["time-trigger"], s["date-format"], s["time-format"])
    return Formats(*formats), start


def _front_matter(lines: list[str], name: str) -> tuple[dict[str, str], int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    values: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            kind = values.get("kanban-plugin")
            if kind is not None and kind not in _BOARD_KINDS:
                raise BadRecordError(f"{name}line 1: not a kanban board ({excerpt(kind)})")
            return values, number
        key, _, value = line.partition(":")
        values[key.strip()] = value.strip()
    raise BadRecordError(f"{name}the front matter never ends (no closing ---)")


class _Reader:
    def __init__(self, name: str, formats: Formats, project: str | None) -> None:
        self.name = name
        self.formats = formats
        self.project = project
        self.board = ParsedBoard(project=project)
        self.lane: LaneSpec | None = None
        self.archive = False
        self.after_break = False
        self.open: list[_Open] = []

    def close(self, indent: int = -1) -> None:
        """Finish the open cards whose indent is at least `indent` (all by default)."""
        while self.open and self.open[-1].indent >= indent:
            card = self.open.pop()
            draft = self.board.cards[card.index]
            notes = "\n".join([*draft.notes.split("\n"), *card.notes]).strip("\n")
            self.board.cards[card.index] = replace(draft, notes=notes)

    def heading(self, number: int, text: str) -> None:
        self.close()
        if self.after_break and text in _ARCHIVE:
            self.archive, self.lane = True, None
            return
        match = _LANE_LIMIT.match(text)
        title, digits = (match.group(1), match.group(2)) if match else (text, None)
        wip: Any = None
        if digits is not None:  # a number too long to convert is refused by the model as text
            wip = int(digits) if len(digits) < 4000 else digits
        check = Check(f"{self.name}line {number}")
        lane = check.text(clean(unescape(title)).strip(), ("lane name",), max_length=MAX_LANE_NAME)
        if wip is not None:
            wip = check.whole(wip, ("WIP limit",), ge=0, le=MAX_WIP)
        if not lane.strip():
            raise BadRecordError(f"{self.name}line {number}: a lane without a name")
        self.lane = LaneSpec(lane.strip(), wip or None, False)
        self.board.lanes.append(self.lane)
        self.archive = False

    def card(self, number: int, indent: int, box: str | None, text: str) -> None:
        where = f"{self.name}line {number}"
        self.close(indent)
        parent = self.open[-1] if self.open else None
        if parent is None and self.lane is None and not self.archive:
            raise BadRecordError(f"{where}: a card before the first lane")
        try:
            parts = read_card(text, self.formats)
        except CardError as exc:
            raise BadRecordError(f"{where}: {exc}") from None
        checked = box is not None and box not in " "
        lane = self.lane.name if self.lane is not None and not self.archive else None
        notes = [f"Due time: {parts.time}"] if parts.time else []
        block = parts.block
        self.board.cards.append(
            ImportDraft(
                where=where,
                title=parts.title,
                source_id=f"obsidian:{block}" if block else None,
                key=block.upper() if block and _OWN_KEY.match(block) else None,
                project=self.project,
                column=lane,
                assignee=parts.owner,
                due=parts.due,
                priority=parts.priority,
                tags=tuple(parts.tags),
                notes="\n".join([*notes, *parts.more_lines]),
                parent_index=parent.index if parent else None,
                # A subtask is done by its own box; a card in a complete lane is done.
                done=checked or (parent is None and self.lane is not None and self.lane.is_done),
                archived=self.archive,
            )
        )
        self.open.append(_Open(len(self.board.cards) - 1, indent))

    def further(self, number: int, indent: int, line: str) -> None:
        """An indented line that is not a card: a line of the innermost card it is under."""
        self.close(indent)
        if not self.open:
            raise BadRecordError(f"{self.name}line {number}: indented text outside a card")
        card = self.open[-1]
        if card.content is None:
            card.content = min(indent, card.indent + len(INDENT))
        if card.notes:
            card.notes += [""] * card.blanks
        card.blanks = 0
        kept = line.expandtabs(4)[card.content :] if indent >= card.content else line.lstrip()
        card.notes.append(_ESCAPED_CARD.sub(r"\1", kept))

    def line(self, number: int, raw: str) -> None:
        line = raw.rstrip("\r\n")
        indent, text = _indent(line)
        if not text:
            for card in self.open:
                card.blanks += 1
            return
        item = _ITEM.match(text)
        if not indent and _BREAK.match(line):  # before items: "- - -" is a rule, not a card
            self.close()
            self.after_break = True
            return
        if indent and item and item.group(2) is not None:
            self.card(number, indent, item.group(2), item.group(3))
        elif indent and self.open:
            self.further(number, indent, line)
        elif item and (not indent or not self.open):
            self.card(number, indent, item.group(2), item.group(3))
        elif heading := _HEADING.match(line):
            self.heading(number, heading.group(1))
            self.after_break = False
            return
        elif line.strip("* ") in _COMPLETE and self.lane is not None:
            self.close()
            self.lane = LaneSpec(self.lane.name, self.lane.wip_limit, True)
            self.board.lanes[-1] = self.lane
        elif line.startswith("%%"):
            self.close()
        else:
            raise BadRecordError(
                f"{self.name}line {number}: not a lane, card or setting: {excerpt(line)!r}"
            )
        self.after_break = False


def parse(lines: Iterable[str], name: str = "") -> ParsedBoard:
    """Read a board file; errors name the line (and the file, as `name`: "board.md: ")."""
    text = [line.rstrip("\r\n") for line in lines]
    front, start = _front_matter(text, name)
    formats, end = _settings(text, name)
    project = front.get("taskboard-project") or None
    reader = _Reader(name, formats, clean(project).strip().upper() if project else None)
    for number in range(start, end):
        reader.line(number + 1, text[number])
    reader.close()
    return reader.board


def read(services: Services, lines: Iterable[str], project: str | None) -> ImportResult:
    board = parse(lines, label(lines))
    return services.transfer.import_tasks(project, board.cards, board.lanes)
