"""One board column drawn with Textual's line API: only the visible cards cost anything."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from taskboard.domain.dates import format_relative
from taskboard.domain.text import clean
from taskboard.domain.views import TaskRow

CARD_HEIGHT = 5  # key line, two title lines, meta line, gap
COMPACT_HEIGHT = 1  # key, title, assignee and due on one line
DRAWN_SCREENS = 4  # how many screens of card lines a column keeps drawn (memory: a 100k board)
PRIORITY_MARK = {"urgent": "‼", "high": "!", "normal": "", "low": "↓"}


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells, with an ellipsis when something was cut."""
    if cell_len(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def wrap_two(text: str, width: int) -> tuple[str, str]:
    """The title on at most two lines, broken at a space where possible."""
    if cell_len(text) <= width:
        return text, ""
    cut = 0
    used = 0
    for i, ch in enumerate(text):
        used += cell_len(ch)
        if used > width:
            break
        cut = i + 1
    space = text.rfind(" ", 0, cut + 1)
    if space > width // 3:
        first, rest = text[:space], text[space + 1 :]
    else:
        first, rest = text[:cut], text[cut:]
    return first, fit(rest, width)


# The parts that are a background: the cursor's, and the lanes' headings.
BACKGROUNDS = {"selected", "cursor", "lane"}


@dataclass(frozen=True)
class CardPalette:
    """How the parts of a card look. The board screen reads it from its component classes
    (`card--key`, …, in board.tcss) for all its columns: component classes on each column
    would be matched against the stylesheet again on every class change of the column."""

    selected: Style
    cursor: Style
    key: Style
    meta: Style
    overdue: Style
    today: Style
    tag: Style
    urgent: Style
    high: Style
    blocked: Style
    done: Style
    marked: Style
    lane: Style

    @classmethod
    def from_styles(cls, style_of: Callable[[str], Style]) -> CardPalette:
        """Each part's style from the component class `card--PART`. The text parts keep no
        background of their own: they are drawn on the card's (the cursor's shows through)."""
        styles = {f.name: style_of(f"card--{f.name}") for f in fields(cls)}
        for name, style in styles.items():
            if name not in BACKGROUNDS:
                styles[name] = Style(
                    color=style.color,
                    bold=style.bold,
                    dim=style.dim,
                    italic=style.italic,
                    underline=style.underline,
                )
        return cls(**styles)


@dataclass(frozen=True)
class CardStyles:
    """The palette on this column's background: what the lines are drawn with."""

    base: Style
    selected: Style
    cursor: Style
    palette: CardPalette


@dataclass(frozen=True)
class Band:
    """A swimlane as one column draws it: a heading line, then `slots` card places, the
    first `here` of them this column's cards of the lane."""

    label: str
    here: int
    total: int
    slots: int


class Layout:
    """Where a column's lines are: cards one after another, or lane by lane (the bands line
    up across the board because every column gives a lane the same number of places)."""

    def __init__(self, count: int, height: int, bands: Sequence[Band] = ()) -> None:
        self.count, self.height, self.bands = count, height, tuple(bands)
        self.starts: list[int] = []  # each band's first line
        self.firsts: list[int] = []  # each band's first card
        line = card = 0
        for band in self.bands:
            self.starts.append(line)
            self.firsts.append(card)
            line += 1 + band.slots * height
            card += band.here
        self.lines = line if self.bands else count * height

    def locate(self, line: int) -> tuple[int | None, int, Band | None]:
        """The card drawn on `line` and which of its lines, or the lane whose heading it is."""
        if not self.bands:
            index, part = divmod(line, self.height)
            return (index if index < self.count else None), part, None
        at = bisect.bisect_right(self.starts, line) - 1
        if at < 0:
            return None, 0, None
        band, offset = self.bands[at], line - self.starts[at]
        if offset == 0:
            return None, 0, band
        slot, part = divmod(offset - 1, self.height)
        return (self.firsts[at] + slot if slot < band.here else None), part, None

    def top(self, index: int) -> int:
        """The first line of card `index`."""
        if not self.bands:
            return index * self.height
        for start, first, band in zip(self.starts, self.firsts, self.bands, strict=True):
            if index < first + band.here:
                return start + 1 + (index - first) * self.height
        return self.lines


class ColumnView(ScrollView, can_focus=False):
    """The cards of one column; the board screen owns the cursor and tells it what to show."""

    DEFAULT_CSS = """
    ColumnView { height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; }
    """

    class Clicked(Message):
        """A card (`index`) or the column around the cards (None) was clicked; the screen
        makes the column the active one, with its cursor on the card."""

        def __init__(self, column: ColumnView, index: int | None) -> None:
            super().__init__()
            self.column = column
            self.index = index

        @property
        def control(self) -> ColumnView:
            return self.column

    class Scrolled(Message):
        """The column scrolled (a key, the wheel, the scrollbar): lanes keep in line."""

        def __init__(self, column: ColumnView) -> None:
            super().__init__()
            self.column = column

        @property
        def control(self) -> ColumnView:
            return self.column

    def __init__(
        self, index: int, palette: Callable[[], CardPalette], *, id: str | None = None
    ) -> None:
        """`palette` gives the card styles of the current theme, asked once per style update."""
        super().__init__(id=id)
        self.index = index
        self.palette = palette
        self.cards: list[TaskRow] = []
        self.marks: frozenset[str] = frozenset()
        self.cursor: int | None = None
        self.active = False
        self.today = date.today()
        self.heading = ""
        self.name_length = 0
        self.aside = ("", "")  # how many more columns lie left and right, when some do
        self.compact = False
        self.places = Layout(0, CARD_HEIGHT)
        self._styles: CardStyles | None = None
        # The lines drawn lately, by card, part and look, and what they were drawn for.
        self._drawn: dict[tuple[int, int, int, bool], tuple[TaskRow, Strip]] = {}
        self._drawn_for: tuple[object, ...] = ()

    def set_heading(self, heading: str, over_limit: bool, name: int = 0) -> None:
        """The column's name and counts, shown in its top border; red when over the WIP limit.
        Its first `name` characters are the name: cut short before the counts are."""
        self.name_length = name
        if heading != self.heading:
            self.heading = heading
            self._fit_heading()
        self.set_class(over_limit, "over-limit")

    def set_aside(self, left: int, right: int) -> None:
        """Say how many more columns lie to the left and right: in the bottom border, or
        in the heading of a compact column, which has no other border."""
        said = (f"◂ {left} more" if left else "", f"{right} more ▸" if right else "")
        self.border_subtitle = "  ".join(part for part in said if part)
        self.styles.border_subtitle_align = (
            "center" if left and right else "right" if right else "left"
        )
        if said != self.aside:
            self.aside = said
            self._fit_heading()

    def _fit_heading(self) -> None:
        text = clean(self.heading)
        left, right = self.aside if self.compact else ("", "")
        head = (left, "dim") if left else ""
        tail = (right, "dim") if right else ""
        room = self.outer_size.width - 6  # the corners, the rules and spaces around it
        room -= cell_len(left) + cell_len(right) + 2 * (bool(left) + bool(right))
        name, counts = text[: self.name_length], text[self.name_length :]
        if self.outer_size.width and cell_len(text) > room and name:
            text = fit(name, max(room - cell_len(counts), 4)) + counts
        between = ("  " if left else "", "  " if right else "")
        # User text is never markup: the name goes in as Content.
        self.border_title = Content.assemble(head, between[0], Content(text), between[1], tail)

    def show(
        self,
        cards: list[TaskRow],
        cursor: int | None,
        active: bool,
        today: date,
        marks: frozenset[str] = frozenset(),
        *,
        compact: bool = False,
        bands: Sequence[Band] = (),
    ) -> None:
        """Draw `cards` (lane by lane when there are `bands`; one line each when `compact`);
        those whose keys are in `marks` carry the mark in their left edge. Only the lines
        on screen that now draw something else are painted again."""
        same = (active, today, compact) == (self.active, self.today, self.compact)
        before = self._looks() if same else None
        self.cards = cards
        self.marks = marks
        self.cursor = cursor
        self.active = active
        self.set_class(active, "active")
        self.set_class(compact, "compact")
        if compact != self.compact:
            self.compact = compact
            self._fit_heading()
        self.today = today
        self.places = Layout(len(cards), COMPACT_HEIGHT if compact else CARD_HEIGHT, bands)
        self._set_lines(self.places.lines)
        self._repaint(before)

    def set_cursor(self, cursor: int | None, active: bool) -> None:
        changed = (cursor, active) != (self.cursor, self.active)
        before = self._looks() if changed and active == self.active else None
        self.cursor = cursor
        self.active = active
        self.set_class(active, "active")
        if cursor is not None and active:
            self._scroll_to_cursor()
            # A column that has just outgrown its height can scroll only after the next
            # layout: a card moved to its end would stay out of sight without this.
            self.call_after_refresh(self._scroll_to_cursor)
        if changed:
            self._repaint(before)

    def _set_lines(self, lines: int) -> None:
        """Make the column `lines` long. While its scrollbar stays (or stays away), nothing
        else on the screen moves: the scrollbar learns the length without a layout of the
        screen, which would paint the whole column again and visit every widget."""
        size = Size(self.size.width, lines)
        if size == self.virtual_size:
            return
        room = self.scrollable_content_region.height
        scrollbar = self.show_vertical_scrollbar
        if not self.is_mounted or not room or scrollbar != (lines > room):
            self.virtual_size = size
            return
        self.set_reactive(ColumnView.virtual_size, size)
        if scrollbar:
            self.vertical_scrollbar.window_virtual_size = lines
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def _looks(self) -> tuple[int, list[tuple[object, ...]]]:
        """The first line on screen, and what each line on screen draws."""
        top = round(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        return top, [self._look(line) for line in range(top, top + height)]

    def _look(self, line: int) -> tuple[object, ...]:
        """What `line` draws: a lane's heading, a part of a card (and whether the cursor is
        on it or it is marked), or nothing."""
        index, part, band = self.places.locate(line)
        if band is not None:
            return (band,)
        if index is None or index >= len(self.cards) or part == CARD_HEIGHT - 1:
            return ()
        card = self.cards[index]
        return card, part, index == self.cursor, card.key in self.marks

    def _repaint(self, before: tuple[int, list[tuple[object, ...]]] | None) -> None:
        """Paint again the lines whose look changed since `before` (all of them without it,
        when the column scrolled meanwhile, or when it was not on screen: a hidden column
        keeps the lines it drew, to show them when it comes back)."""
        if before is None or not before[1]:
            self.refresh()
            return
        top, after = self._looks()
        if top != before[0] or len(after) != len(before[1]):
            self.refresh()
            return
        start = None
        for y, (old, new) in enumerate([*zip(before[1], after, strict=True), ((), ())]):
            if old != new and start is None:
                start = y
            elif old == new and start is not None:
                self.refresh_lines(top + start, y - start)
                start = None

    def _scroll_to_cursor(self) -> None:
        if self.cursor is not None and self.active:
            top, height = self.places.top(self.cursor), self.places.height
            if self.places.bands and top > 0:  # the lane's heading too, when it is just above
                top, height = top - 1, height + 1
            self.scroll_to_region(Region(0, top, 1, height), animate=False, immediate=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _card_styles(self) -> CardStyles:
        if self._styles is None:
            base = self.rich_style
            palette = self.palette()
            self._styles = CardStyles(
                base=base,
                selected=base + palette.selected,
                cursor=base + palette.cursor,
                palette=palette,
            )
        return self._styles

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value) and self.places.bands:
            self.post_message(self.Scrolled(self))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.places.lines)
        self._fit_heading()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        index = None
        if offset is not None:  # not the border or the scrollbar
            index = self.places.locate(offset.y + self.scroll_offset.y)[0]
        self.post_message(self.Clicked(self, index))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index, part, band = self.places.locate(y + self.scroll_offset.y)
        styles = self._card_styles()
        if band is not None:
            text = fit(f" {clean(band.label)}  {band.here}/{band.total}", width)
            line = styles.base + styles.palette.lane
            return Strip([Segment(text + " " * (width - cell_len(text)), line)], width)
        if index is None or index >= len(self.cards) or part == CARD_HEIGHT - 1:
            return Strip.blank(width, styles.base)
        card = self.cards[index]
        # A card's lines are drawn again and again (a move shifts the cards below it, a
        # scroll shows them again): each is made once for the way it looks now.
        drawn_for = (width, self.today, styles, self.places.height)
        if drawn_for != self._drawn_for or len(self._drawn) > DRAWN_SCREENS * self.size.height:
            self._drawn_for = drawn_for
            self._drawn = {}
        state = (index == self.cursor) + (index == self.cursor and self.active)
        marked = card.key in self.marks
        slot = (id(card), part, state, marked)
        drawn = self._drawn.get(slot)
        if drawn is not None and drawn[0] is card:
            return drawn[1]
        back = (styles.base, styles.cursor, styles.selected)[state]
        edge = Segment("▌", styles.palette.marked) if marked else Segment(" ")
        if self.places.height == COMPACT_HEIGHT:
            body = self._compact_line(card, width - 2, styles.palette)
        else:
            body = self._card_line(card, part, width - 2, styles.palette)
        segments = [edge, *body]
        used = sum(cell_len(seg.text) for seg in segments)
        if used < width:
            segments.append(Segment(" " * (width - used)))
        # One strip per line, the background applied as it is made.
        strip = Strip(Segment.apply_style(segments, back), width)
        self._drawn[slot] = (card, strip)
        return strip

    def _compact_line(self, card: TaskRow, width: int, st: CardPalette) -> list[Segment]:
        """Key, title, and at the right the assignee and due date; a narrow column drops the
        assignee, then the due date, before the title gets shorter than eight cells."""
        key = Segment(card.key + " ", st.done if card.done else st.key)
        meta = [s for s in self._meta(card, st)[:2] if s.text.startswith(("@", "^"))]
        while True:
            tail = [Segment(s.text.rstrip(), s.style) if s is meta[-1] else s for s in meta]
            room = width - cell_len(key.text) - sum(cell_len(s.text) for s in tail) - 1
            if room >= 8 or not meta:
                break
            meta = meta[1:]
        if not meta:
            return _fit_segments([key, Segment(clean(card.title))], width)
        title = fit(clean(card.title), room)
        return [key, Segment(title + " " * (room - cell_len(title) + 1)), *tail]

    def _card_line(self, card: TaskRow, part: int, width: int, st: CardPalette) -> list[Segment]:
        if part == 0:
            segs = [Segment(card.key, st.key)]
            mark = PRIORITY_MARK.get(card.priority, "")
            if mark:
                style = st.urgent if card.priority == "urgent" else st.high
                segs.append(Segment(f" {mark}{card.priority}", style))
            if card.done:
                segs.append(Segment(" ✓", st.done))
            if card.blocked_by:
                segs.append(Segment(f" ⊘{card.blocked_by[0]}", st.blocked))
            if card.subtasks_total:
                segs.append(Segment(f" ☑{card.subtasks_done}/{card.subtasks_total}", st.meta))
            if card.key_result:
                segs.append(Segment(f" ◎{card.key_result}", st.tag))
            return _fit_segments(segs, width)
        first, second = wrap_two(clean(card.title), width)
        if part == 1:
            return [Segment(first)]
        if part == 2:
            return [Segment(second)]
        return _fit_segments(self._meta(card, st), width)

    def _meta(self, card: TaskRow, st: CardPalette) -> list[Segment]:
        """The assignee, the due date and the tags, each with a space after it."""
        segs = []
        if card.assignee:
            segs.append(Segment(f"@{card.assignee} ", st.meta))
        if card.due is not None:
            if card.done:
                due_style = st.meta
            elif card.due < self.today:
                due_style = st.overdue
            elif card.due == self.today:
                due_style = st.today
            else:
                due_style = st.meta
            segs.append(Segment(f"^{format_relative(card.due, self.today)} ", due_style))
        for tag in card.tags:
            segs.append(Segment(f"#{clean(tag)} ", st.tag))
        return segs


def _fit_segments(segments: list[Segment], width: int) -> list[Segment]:
    out: list[Segment] = []
    used = 0
    for seg in segments:
        length = cell_len(seg.text)
        if used + length > width:
            rest = width - used
            if rest > 0:
                out.append(Segment(fit(seg.text, rest), seg.style))
            break
        out.append(seg)
        used += length
    return out
