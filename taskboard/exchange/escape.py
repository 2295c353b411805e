"""Markdown escaping shared by the Markdown and Obsidian writers: user text stays plain text."""

from __future__ import annotations

import re

from taskboard.domain.text import clean

__all__ = ["cell", "inline", "one_line", "paragraph", "unescape"]

# Characters that open emphasis, links, code, HTML, entities, tables, headings or strikethrough.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")
_BLOCK_START = re.compile(r"^(?:[-+=]|\d{1,9}(?=[.)]))")
_ESCAPED = re.compile(r"\\(.)")


def inline(text: str, extra: str = "") -> str:
    """`text` as one line of literal Markdown: line breaks (also U+2028) become spaces and
    every character that could start markup is backslash-escaped; `extra` adds characters."""
    text = clean(text)
    escaped = _SPECIAL.sub(r"\\\1", text)
    if extra:
        escaped = re.sub(f"([{re.escape(extra)}])", r"\\\1", escaped)
    return escaped


def paragraph(text: str) -> str:
    """`text` as a line of its own: also no list item, thematic break or setext underline."""
    escaped = inline(text).strip()
    match = _BLOCK_START.match(escaped)
    if match is None:
        return escaped
    if match.group(0)[0].isdigit():
        end = match.end()
        return escaped[:end] + "\\" + escaped[end:]
    return "\\" + escaped


def one_line(text: str) -> str:
    """`text` as a line of its own (see `paragraph`), each run of white space as one space."""
    return paragraph(" ".join(clean(text).split()))


def cell(text: str) -> str:
    """`text` as a table cell (see `one_line`), never empty so that the row keeps its columns."""
    return one_line(text) or " "


def unescape(text: str) -> str:
    """The inverse of `inline` (with any `extra`)."""
    return _ESCAPED.sub(r"\1", text)
