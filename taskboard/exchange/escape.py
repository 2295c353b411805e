"""Markdown escaping for every writer: user text stays plain text, with a backslash only where
CommonMark (and GFM's tables and strikethrough) would otherwise read it as markup.

`inline` is for text inside a line (after a list marker and key, inside a heading before more
text); `heading` for the last text of a heading; `paragraph`/`one_line` for text that starts a
block (a paragraph, a list item's first words); `cell` for a GFM table cell. `literal` escapes
every markup character: the Obsidian board needs that, because the plugin reads its own tokens
(`@{date}`, `#tag`, `^id`) out of card text.
"""

from __future__ import annotations

import re
import string

from taskboard.domain.text import clean

__all__ = ["cell", "heading", "inline", "literal", "one_line", "paragraph", "unescape"]

_ASCII_PUNCTUATION = frozenset(string.punctuation)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
# What makes a line something else than a paragraph: a heading, a quote, a list item, a rule
# (two dashes suffice: after a list's "- " they make "- --", a thematic break).
_BLOCK_START = re.compile(
    r"#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|(?:-[ \t]*){2,}$|(?P<number>\d{1,9})[.)](?=[ \t]|$)"
)
# An ATX heading's closing sequence: `#`s at the end after a space (or alone).
_CLOSING_HASHES = re.compile(r"(?:^|(?<=[ \t]))#+[ \t]*$")
# The characters `_needs_escape` may escape (and `|` in table cells).
_SPECIAL = re.compile(r"[\\`*~_\[\]<&]")
_PIPE_SPECIAL = re.compile(r"[\\`*~_\[\]<&|]")
_LITERAL = re.compile(r"([\\`*_\[\]<>|#~&])")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _needs_escape(text: str, i: int, first_open: int, last_close: int) -> bool:
    ch = text[i]
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch == "\\":
        return after in _ASCII_PUNCTUATION or i + 1 == len(text)
    if ch == "`":
        return True
    if ch in "*~":
        # A delimiter with white space on both sides can neither open nor close emphasis.
        return not (before.isspace() and after.isspace())
    if ch == "_":
        # Inside a word (snake_case) `_` never opens or closes emphasis.
        return not (before.isspace() and after.isspace()) and not (
            before.isalnum() and after.isalnum()
        )
    if ch == "[":
        return last_close > i  # without a `]` later there is no link
    if ch == "]":
        return 0 <= first_open < i
    if ch == "<":
        return after.isascii() and (after.isalpha() or after in "/!?")  # HTML or an autolink
    if ch == "&":
        return _ENTITY.match(text, i) is not None
    return False


def _escaped(text: str, forced: frozenset[int] = frozenset(), pipes: bool = False) -> str:
    # Only the characters that can be markup are looked at: most text passes untouched.
    special = _PIPE_SPECIAL if pipes else _SPECIAL
    if not forced and special.search(text) is None:
        return text
    spots = sorted({m.start() for m in special.finditer(text)})
    if forced:
        spots = sorted(set(spots) | forced)
    if not spots:
        return text
    first_open, last_close = text.find("["), text.rfind("]")
    out, last = [], 0
    for i in spots:
        if i in forced or text[i] == "|" or _needs_escape(text, i, first_open, last_close):
            out += [text[last:i], "\\"]
            last = i
    out.append(text[last:])
    return "".join(out)


def inline(text: str) -> str:
    """`text` as literal Markdown inside a line: line breaks (also U+2028) become spaces and a
    character gets a backslash only where it would start emphasis, code, a link, HTML, an
    entity or strikethrough."""
    return _escaped(clean(text))


def heading(text: str) -> str:
    """`text` as the end of an ATX heading: also no closing `#` sequence."""
    text = clean(text).strip()
    match = _CLOSING_HASHES.search(text)
    return _escaped(text, frozenset({match.start()}) if match else frozenset())


def paragraph(text: str) -> str:
    """`text` at the start of a block: also no heading, quote, list item or thematic break."""
    text = clean(text).strip()
    match = _BLOCK_START.match(text)
    if match is None:
        return _escaped(text)
    # Escaping the marker (or an ordered list's `.`/`)`) is enough to keep it a paragraph.
    at = match.end("number") if match.group("number") else 0
    return _escaped(text, frozenset({at}))


def one_line(text: str) -> str:
    """`text` as a line of its own (see `paragraph`), each run of white space as one space."""
    return paragraph(" ".join(clean(text).split()))


def cell(text: str) -> str:
    """`text` as a GFM table cell, each run of white space as one space, `|` escaped; never
    empty, so that the row keeps its columns. (A cell holds inline text only: no block starts.)"""
    return _escaped(" ".join(clean(text).split()), pipes=True) or " "


def literal(text: str, extra: str = "") -> str:
    """`text` with every character that could start markup backslash-escaped, as one line;
    `extra` adds characters (the Obsidian board's own token characters)."""
    escaped = _LITERAL.sub(r"\\\1", clean(text))
    if extra:
        escaped = re.sub(f"([{re.escape(extra)}])", r"\\\1", escaped)
    return escaped


def unescape(text: str) -> str:
    """The inverse of `literal` (with any `extra`): a backslash before ASCII punctuation goes,
    as in CommonMark; any other backslash (`C:\\Users`) is text."""
    return _ESCAPED.sub(r"\1", text)
