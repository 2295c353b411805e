"""Quick-capture grammar: one typed line becomes a task (or a meeting item) with its fields."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

from taskboard.domain.dates import DateParseError, parse_recurrence, parse_when
from taskboard.domain.enums import Priority
from taskboard.domain.text import clean, excerpt

__all__ = [
    "Capture",
    "CaptureError",
    "MeetingKind",
    "MeetingLine",
    "Token",
    "TokenKind",
    "parse_capture",
    "parse_meeting_line",
    "scan_tokens",
]

TokenKind = Literal[
    "word", "assignee", "tag", "priority", "due", "project", "column", "key_result", "recurrence"
]
MeetingKind = Literal["task", "decision", "note", "question", "agenda", "checkin"]


class CaptureError(ValueError):
    """A line that cannot be captured; `token` is the offending text, `line[start:end]`."""

    def __init__(self, message: str, token: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.token = token
        self.start = start
        self.end = end

    def __reduce__(self) -> tuple[type[CaptureError], tuple[str, str, int, int]]:
        return type(self), (self.message, self.token, self.start, self.end)


class Token(NamedTuple):
    """One whitespace-separated word of a capture line, classified.

    `text` is the word as typed, `value` its normalised meaning: lower-case handle or tag,
    priority name, ISO due date, upper-case project or key-result key, column name, RRULE,
    or for a plain word the cleaned text that goes into the title. A named tuple, not a
    frozen dataclass: a line makes one per word, and a tuple is made five times faster.
    """

    kind: TokenKind
    text: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Capture:
    """Everything one capture line asked for."""

    title: str
    assignee: str | None
    tags: tuple[str, ...]
    priority: Priority | None
    due: date | None
    project: str | None
    column: str | None
    key_result: str | None
    recurrence: str | None
    tokens: tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class MeetingLine:
    """One line typed in meeting mode.

    `text` is the item's text (the task title for a task, the whole line for a check-in);
    `capture` is set for tasks, `kr_key`, `value`, `confidence` and `note` for check-ins,
    `owner` (a handle, lower case) for a question that names one with `@handle`.
    """

    kind: MeetingKind
    text: str
    capture: Capture | None
    kr_key: str | None
    value: float | None
    confidence: float | None
    note: str | None
    owner: str | None = None


_new_tuple = tuple.__new__
# First characters of words that may be more than a plain word.
_TOKEN_START = frozenset("@#!^+>~\\dDeE")
_ASCII_DIGITS = frozenset("0123456789")
_PRIORITY_BY_VALUE = {p.value: p for p in Priority}
_HANDLE = re.compile(r"[a-z0-9._-]+", re.ASCII | re.IGNORECASE)
_TAG = re.compile(r"[\w-]+")
_PROJECT = re.compile(r"[a-z]{2,6}", re.ASCII | re.IGNORECASE)
_KEY_RESULT = re.compile(r"o\d{1,6}-kr\d{1,6}", re.ASCII | re.IGNORECASE)

# Kinds that may appear once per line; the value is how messages name them.
_SINGLE: dict[str, str] = {
    "assignee": "assignee",
    "priority": "priority",
    "due": "due date",
    "project": "project",
    "column": "column",
    "key_result": "key result",
    "recurrence": "recurrence",
}


def _bad(what: str, word: str) -> tuple[None, str]:
    return None, f"bad {what} '{excerpt(word)}'"


def _classify(word: str, today: date) -> tuple[TokenKind | None, str]:
    """Return (kind, value) for one word, or (None, message) when it is a bad token."""
    first = word[0]
    rest = word[1:]
    if not rest:
        return "word", word  # a lone `#`, `@`, `+`, `>`…: "Fix # of seats", "1 + 1"
    if first == "@":
        if _HANDLE.fullmatch(rest):
            return "assignee", rest.lower()
        return _bad("assignee", word)
    if first == "#":
        if not rest.isascii():
            rest = unicodedata.normalize("NFC", rest)
        if _TAG.fullmatch(rest):
            return "tag", rest.lower()
        return _bad("tag", word)
    if first == "!":
        try:
            return "priority", Priority.parse(rest).value
        except ValueError:
            return _bad("priority", word)
    if first == "^":
        return _due(word, rest, today)
    if first == "+":
        if rest[:1] in _ASCII_DIGITS:
            return "word", clean(word)  # `+3d`, `+1`: text, not a project
        if _PROJECT.fullmatch(rest):
            return "project", rest.upper()
        return _bad("project", word)
    if first == ">":
        name = " ".join(clean(rest).replace("_", " ").split())
        if name:
            return "column", name
        return _bad("column", word)
    if first == "~":
        if _KEY_RESULT.fullmatch(rest):
            return "key_result", rest.upper()
        return _bad("key result", word)
    if first == "\\":
        # A leading backslash makes the rest of the word plain text: `\#1` is "#1".
        return "word", clean(rest) if rest else word
    if first in "dD" and word[:4].lower() == "due:":
        return _due(word, word[4:], today)
    if first in "eE" and word[:6].lower() == "every:":
        try:
            return "recurrence", parse_recurrence(word[6:])
        except DateParseError:
            return _bad("recurrence", word)
    return "word", clean(word)


def _due(word: str, when: str, today: date) -> tuple[TokenKind | None, str]:
    try:
        return "due", parse_when(when, today).isoformat()
    except DateParseError:
        return _bad("date", word)


# One classified word: (kind, text, value); kind None when `value` is the error message.
_Entry = tuple[TokenKind | None, str, str]
# Words classified for one `today`: the words people type repeat (`@carl`, `^fri`, `the`), and
# a dict lookup is a fraction of classifying a word again. Bounded: cleared when full.
_CACHE_LIMIT = 4096
_CACHE_WORD_LENGTH = 64
_entries_by_day: dict[date, dict[str, _Entry]] = {}


def _entries_for(today: date) -> dict[str, _Entry]:
    entries = _entries_by_day.get(today)
    if entries is None:
        _entries_by_day.clear()
        entries = _entries_by_day[today] = {}
    return entries


def _learn(word: str, today: date, entries: dict[str, _Entry]) -> _Entry:
    """Classify a word not in `entries`, and keep its entry there unless the word is long."""
    if word[0] not in _TOKEN_START:
        entry: _Entry = ("word", word, clean(word))
    else:
        kind, value = _classify(word, today)
        entry = (kind, word, value)
    if len(word) <= _CACHE_WORD_LENGTH:
        if len(entries) >= _CACHE_LIMIT:
            entries.clear()
        entries[word] = entry
    return entry


def _scan(
    line: str, today: date
) -> tuple[list[Token], list[CaptureError], list[str], list[_Entry]]:
    """Classify every word; return the tokens, the errors, the title words and the entries
    of the tokens that are more than a word, all in line order."""
    tokens: list[Token] = []
    errors: list[CaptureError] = []
    title_words: list[str] = []
    specials: list[_Entry] = []
    seen: set[str] = set()
    cached = _entries_by_day.get(today) or _entries_for(today)
    get = cached.get
    find = line.find
    add_token = tokens.append
    add_word = title_words.append
    # str.split and str.find beat re.finditer by a wide margin; both split on str.isspace.
    words = line.split()
    # Words one separator apart (most lines) start where the words before them say; else
    # each is looked for after the one before.
    spaced = len(line) != sum(map(len, words)) + len(words) - 1
    end = -1
    for word in words:
        start = find(word, end + 1) if spaced else end + 1
        end = start + len(word)
        entry = get(word) or _learn(word, today, cached)
        kind, _, value = entry
        if kind == "word":
            if value:
                add_word(value)
        elif kind is None:
            errors.append(CaptureError(value, word, start, end))
            continue
        else:
            if kind in _SINGLE:
                if kind in seen:
                    message = f"duplicate {_SINGLE[kind]} '{excerpt(word)}'"
                    errors.append(CaptureError(message, word, start, end))
                    continue
                seen.add(kind)
            specials.append(entry)
        # Token(...) without its generated __new__: a line makes one per word.
        add_token(_new_tuple(Token, (kind, word, value, start, end)))
    if not title_words:
        errors.append(CaptureError("title is empty", "", len(line), len(line)))
    return tokens, errors, title_words, specials


def scan_tokens(line: str, today: date) -> tuple[list[Token], list[CaptureError]]:
    """Every token of `line` and every error in it, in line order; never raises.

    Meant for live previews: highlight the tokens, underline the errors.
    """
    tokens, errors, _, _ = _scan(line, today)
    return tokens, errors


def parse_capture(line: str, today: date) -> Capture:
    """Parse one quick-capture line; raises CaptureError (the first problem) and nothing else."""
    tokens, errors, title_words, specials = _scan(line, today)
    if errors:
        raise errors[0]
    title = " ".join(title_words)
    if not specials:
        return Capture(title, None, (), None, None, None, None, None, None, tuple(tokens))
    # `_scan` let each kind but tags through once, so a dict holds all the fields.
    fields = {kind: value for kind, _text, value in specials}
    get = fields.get
    tags: tuple[str, ...] = ()
    if "tag" in fields:  # in line order, each once
        tags = tuple(dict.fromkeys([value for kind, _text, value in specials if kind == "tag"]))
    priority, due = get("priority"), get("due")
    return Capture(
        title,
        get("assignee"),
        tags,
        _PRIORITY_BY_VALUE[priority] if priority is not None else None,
        date.fromisoformat(due) if due is not None else None,
        get("project"),
        get("column"),
        get("key_result"),
        get("recurrence"),
        tuple(tokens),
    )


# --- meeting mode -------------------------------------------------------------------------

_PREFIX = re.compile(r"\s*(?:([dna]):(?=\s|\Z)|\?:?)", re.IGNORECASE)
_PREFIX_KINDS: dict[str, MeetingKind] = {"d": "decision", "n": "note", "a": "agenda"}
_CHECKIN = re.compile(r"\s*kr(?=\s|\Z)", re.IGNORECASE)
_CHECKIN_BODY = re.compile(r"\s*(?P<key>[^\s=]*)\s*(?P<eq>=?)\s*(?P<value>\S*)\s*", re.DOTALL)
_CONFIDENCE = re.compile(r"conf(?:idence)?(?:\s*[:=]\s*|\s+)(?P<conf>\S+)\s*", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


def parse_meeting_line(line: str, today: date) -> MeetingLine:
    """Parse one meeting-mode line: `d:` decision, `n:` note, `?` question, `a:` agenda topic,
    `kr O1-KR2 = 4200 [conf 0.7] [note]` check-in, anything else a task.

    Raises CaptureError and nothing else. Start a task with `\\` to keep a prefix as text.
    """
    if match := _PREFIX.match(line):
        kind = _PREFIX_KINDS[match[1].lower()] if match[1] else "question"
        text = " ".join(clean(line[match.end() :]).split())
        if not text:
            start, end = match.span()
            raise CaptureError(f"{kind} is empty", line[start:end], start, end)
        if kind == "question":
            text, owner = _question_owner(text)
            return MeetingLine(kind, text, None, None, None, None, None, owner)
        return MeetingLine(kind, text, None, None, None, None, None)
    if match := _CHECKIN.match(line):
        return _parse_checkin(line, match.end())
    capture = parse_capture(line, today)
    return MeetingLine("task", capture.title, capture, None, None, None, None)


def _question_owner(text: str) -> tuple[str, str | None]:
    """`who books the transporter @jonas` → (`who books the transporter`, `jonas`): the last
    `@handle` of a question is its owner and leaves the text (a question of nothing but the
    handle keeps it as its text)."""
    words = text.split(" ")
    for at in range(len(words) - 1, -1, -1):
        word = words[at]
        if word.startswith("@") and _HANDLE.fullmatch(word[1:]):
            rest = words[:at] + words[at + 1 :]
            if not rest:
                break
            return " ".join(rest), word[1:].lower()
    return text, None


def _parse_checkin(line: str, position: int) -> MeetingLine:
    body = _CHECKIN_BODY.match(line, position)
    assert body is not None  # every part of the pattern may be empty
    key, value_text = body["key"], body["value"]
    if not key or not body["eq"] or not value_text:
        start, end = len(line) - len(line.lstrip()), len(line.rstrip())
        raise CaptureError(
            "a check-in reads 'kr O1-KR2 = VALUE [conf 0.7] [note]'", line[start:end], start, end
        )
    if not _KEY_RESULT.fullmatch(key):
        start, end = body.span("key")
        raise CaptureError(f"bad key result '{excerpt(key)}'", key, start, end)
    value = _number(value_text)
    if value is None:
        start, end = body.span("value")
        raise CaptureError(f"bad value '{excerpt(value_text)}'", value_text, start, end)

    position = body.end()
    confidence: float | None = None
    if conf := _CONFIDENCE.match(line, position):
        conf_text = conf["conf"]
        confidence = _number(conf_text)
        if confidence is None or not 0.0 <= confidence <= 1.0:
            start, end = conf.span("conf")
            message = f"bad confidence '{excerpt(conf_text)}' (between 0 and 1)"
            raise CaptureError(message, conf_text, start, end)
        position = conf.end()
    note = " ".join(clean(line[position:]).split()) or None
    text = " ".join(clean(line).split())
    return MeetingLine("checkin", text, None, key.upper(), value, confidence, note)


def _number(text: str) -> float | None:
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None
