"""One card line of an Obsidian Kanban board, read and written as the plugin does.

`- [ ] title @{2026-12-01} @@{10:30} @owner !high #tag ^block-id` — the plugin reads a date
(`@{…}` or `@[[…]]`), a time (`@@{…}`), `#tags` and `[[wikilinks]]` anywhere in the card's
first line and a block id at its end (see mgmeyers/obsidian-kanban src/parsers). taskboard
adds an owner (`@handle`) and a priority (`!high`) in the run of tokens at the end. Text is
backslash-escaped except inside wikilinks, so a title never turns into tokens; the first
line of an older plugin version may hold `<br>` line breaks, which become the card's notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from taskboard.domain.enums import Priority
from taskboard.domain.text import clean
from taskboard.exchange.escape import literal, unescape

DATE_FORMAT = "YYYY-MM-DD"
TIME_FORMAT = "HH:mm"
_EXTRA = "@!^{}"
_BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)")
_OWNER = re.compile(r"@([\w.-]+)")
_NOT_OWNER = re.compile(r"[^\w.-]+")
# A tag ends where the plugin ends it: at white space or punctuation other than - _ /.
_TAG_END = "\u2000-\u206f\u2e00-\u2e7f'!\"#$%&()*+,.:;<=>?@^`{|}~\\[\\]\\\\\\s"
_TAG = re.compile(f"#([^{_TAG_END}]+)")
_NOT_TAG = re.compile(f"[{_TAG_END}]+")
_WIKILINK = re.compile(r"!?\[\[.*?\]\]")
_BREAK = re.compile(r"(?<!\\)<br\s*/?>", re.IGNORECASE)
_TOKENS = re.compile(
    r"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|dd|d|HH|H|hh|h|mm|m|ss|s|A|a|.", re.S
)
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "mär": 3, "apr": 4, "may": 5, "mai": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12,
}  # fmt: skip


class CardError(ValueError):
    """A token of the card that cannot be read; the message names it."""


@dataclass(frozen=True, slots=True)
class Formats:
    """The board's settings that shape its tokens (its `%% kanban:settings` block)."""

    date_trigger: str = "@"
    time_trigger: str = "@@"
    date_format: str = DATE_FORMAT
    time_format: str = TIME_FORMAT


@dataclass
class CardText:
    title: str
    more_lines: list[str] = field(default_factory=list)  # after `<br>` in the first line
    due: date | None = None
    time: str | None = None  # HH:MM
    owner: str | None = None
    priority: str | None = None
    tags: list[str] = field(default_factory=list)
    block: str | None = None


def _pattern(fmt: str) -> re.Pattern[str]:
    parts = []
    for token in _TOKENS.findall(fmt):
        part = {
            "YYYY": r"(?P<year>\d{4})", "YY": r"(?P<yy>\d{2})",
            "MMMM": r"(?P<month_name>[^\W\d_]+)", "MMM": r"(?P<month_name>[^\W\d_]+)\.?",
            "MM": r"(?P<month>\d{2})", "M": r"(?P<month>\d{1,2})",
            "Do": r"(?P<day>\d{1,2})(?:st|nd|rd|th|\.)", "DD": r"(?P<day>\d{2})",
            "D": r"(?P<day>\d{1,2})", "dddd": r"[^\W\d_]+", "ddd": r"[^\W\d_]+\.?",
            "dd": r"[^\W\d_]+", "d": r"\d", "HH": r"(?P<hour>\d{2})", "H": r"(?P<hour>\d{1,2})",
            "hh": r"(?P<hour12>\d{2})", "h": r"(?P<hour12>\d{1,2})",
            "mm": r"(?P<minute>\d{2})", "m": r"(?P<minute>\d{1,2})",
            "ss": r"\d{2}", "s": r"\d{1,2}", "A": r"(?P<ampm>[AaPp][Mm])",
            "a": r"(?P<ampm>[AaPp][Mm])",
        }.get(token)  # fmt: skip
        if part is None:
            part = re.escape(token[1:-1] if token.startswith("[") else token)
        parts.append(part)
    return re.compile("".join(parts), re.IGNORECASE)


def _fields(value: str, fmt: str, default: str) -> dict[str, str]:
    try:
        match = _pattern(fmt).fullmatch(value.strip())
    except re.error:  # a token twice: read the plugin's default format instead
        match = _pattern(default).fullmatch(value.strip())
    if match is None:
        raise CardError(f"not in the board's format {fmt}")
    return {k: v for k, v in match.groupdict().items() if v is not None}


def parse_date(value: str, fmt: str = DATE_FORMAT) -> date:
    """A date token's text in the board's `date-format` (moment.js tokens)."""
    found = _fields(value, fmt, DATE_FORMAT)
    try:
        year = int(found["year"]) if "year" in found else 2000 + int(found["yy"])
        if "month_name" in found:
            month = _MONTHS[found["month_name"][:3].lower()]
        else:
            month = int(found["month"])
        return date(year, month, int(found["day"]))
    except (KeyError, ValueError):
        raise CardError(f"not a date in the board's format {fmt}") from None


def parse_time(value: str, fmt: str = TIME_FORMAT) -> str:
    """A time token's text in the board's `time-format`, as HH:MM."""
    found = _fields(value, fmt, TIME_FORMAT)
    hour = int(found.get("hour", found.get("hour12", "0")))
    if "hour12" in found:
        if not 1 <= hour <= 12:
            raise CardError(f"not a time in the board's format {fmt}")
        hour = hour % 12 + (12 if found.get("ampm", "am").lower() == "pm" else 0)
    minute = int(found.get("minute", "0"))
    if hour > 23 or minute > 59:
        raise CardError(f"not a time in the board's format {fmt}")
    return f"{hour:02d}:{minute:02d}"


def _spans(text: str, formats: Formats) -> list[tuple[int, int]]:
    """The words of `text`: split at spaces, but never inside a `\\x` escape, a wikilink or a
    date or time token (`@@{10:30 am}` is one word)."""
    openers = sorted(
        {
            (formats.time_trigger + "{", "}"),
            (formats.date_trigger + "{", "}"),
            (formats.date_trigger + "[[", "]]"),
            ("![[", "]]"),
            ("[[", "]]"),
        },
        key=lambda pair: -len(pair[0]),
    )
    words: list[tuple[int, int]] = []
    start: int | None = None
    i = 0
    while i < len(text):
        if text[i] in " \t":
            if start is not None:
                words.append((start, i))
                start = None
            i += 1
            continue
        if start is None:
            start = i
        if text[i] == "\\":
            i += 2
            continue
        for opener, closer in openers:
            end = text.find(closer, i + len(opener)) if text.startswith(opener, i) else -1
            if end != -1:
                i = end + len(closer)
                break
        else:
            i += 1
    if start is not None:
        words.append((start, min(i, len(text))))
    return words


def _kind(word: str, formats: Formats) -> str | None:
    dt, tt = formats.date_trigger, formats.time_trigger
    if word.startswith(tt + "{") and word.endswith("}"):
        return "time"
    if (word.startswith(dt + "{") and word.endswith("}")) or (
        word.startswith(dt + "[[") and word.endswith("]]")
    ):
        return "date"
    if _TAG.fullmatch(word):
        return "tag"
    if _OWNER.fullmatch(word):
        return "owner"
    if word.startswith("!"):
        try:
            Priority.parse(word[1:])
            return "priority"
        except ValueError:
            return None
    return None


def _plain(raw: str) -> str:
    """Card text without its escapes; wikilinks are kept exactly as written."""
    parts, last = [], 0
    for link in _WIKILINK.finditer(raw):
        parts += [unescape(raw[last : link.start()]), link.group()]
        last = link.end()
    return "".join([*parts, unescape(raw[last:])])


def read_card(text: str, formats: Formats = Formats()) -> CardText:
    """The parts of a card's first line (after `- [ ] `); CardError names a bad token."""
    words = _spans(text, formats)
    card = CardText(title="")
    if words and _BLOCK_ID.fullmatch(text[slice(*words[-1])]):
        card.block = text[words[-1][0] + 1 : words[-1][1]]
        words = words[:-1]
    end = len(words)
    while end and _kind(text[slice(*words[end - 1])], formats) is not None:
        end -= 1
    cuts = []
    for i, (a, b) in enumerate(words):
        word = text[a:b]
        kind = _kind(word, formats)
        if kind in ("date", "time"):
            cuts.append((a, b))
            inner = word[len(formats.time_trigger if kind == "time" else formats.date_trigger) :]
            inner = inner[2:-2] if inner.startswith("[[") else inner[1:-1]
            try:
                if kind == "date":
                    card.due = parse_date(inner, formats.date_format)
                else:
                    card.time = parse_time(inner, formats.time_format)
            except CardError as exc:
                raise CardError(f"bad {kind} {word!r}: {exc}") from None
        elif kind == "tag":
            card.tags.append(word[1:])  # a tag inside the title stays text as well
        elif i >= end and kind == "owner":
            card.owner = word[1:]
        elif i >= end and kind == "priority":
            card.priority = word[1:]
    stop = words[end - 1][1] if end else 0
    raw = text[:stop]
    for a, b in reversed([c for c in cuts if c[1] <= stop]):
        raw = (raw[:a].rstrip(" ") + " " + raw[b:].lstrip(" ")).strip(" ")
    if not raw.strip() and words:  # nothing but tokens: they are the title too
        raw = text[: words[-1][1]]
    first, *more = _BREAK.split(raw)
    card.title = _plain(first).strip()
    card.more_lines = [_plain(line).strip() for line in more]
    return card


def _title(text: str) -> str:
    parts, last = [], 0
    for link in _WIKILINK.finditer(text):
        parts += [literal(text[last : link.start()], _EXTRA), link.group()]
        last = link.end()
    return "".join([*parts, literal(text[last:], _EXTRA)])


def tag_text(tag: str) -> str:
    """A tag as the plugin reads it: characters that would end it become `-`."""
    return _NOT_TAG.sub("-", clean(tag)).strip("-") or "-"


def write_card(
    title: str,
    *,
    due: date | None = None,
    time: str | None = None,
    owner: str | None = None,
    priority: str | None = None,
    tags: tuple[str, ...] = (),
    block: str | None = None,
) -> str:
    """A card's first line (after `- [ ] `) in the default formats; `read_card` reads it back."""
    parts = [_title(title)]
    if due:
        parts.append(f"@{{{due.isoformat()}}}")
    if time:
        parts.append(f"@@{{{time}}}")
    if owner:
        parts.append(f"@{_NOT_OWNER.sub('-', clean(owner))}")
    if priority and priority != "normal":
        parts.append(f"!{priority}")
    parts += [f"#{tag_text(t)}" for t in tags]
    if block:
        parts.append(f"^{block}")
    return " ".join(parts)
