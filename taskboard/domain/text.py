"""Sanitising of user text on its way in: no control characters, no lone surrogates."""

from __future__ import annotations

import re

__all__ = ["clean", "clean_multiline", "excerpt"]

# Whole escape sequences go, not just the ESC byte, so "\x1b[31mred" becomes "red" and not
# "[31mred". CSI and OSC also exist as single C1 characters (0x9b, 0x9d).
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?            # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])    # OSC, DCS, SOS, PM, APC ...
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?      # ... up to BEL or ST
    | \x1b[ -/]*[0-~]?                           # any other two-byte escape
    """,
    re.VERBOSE,
)
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Tabs and line breaks separate words, so they become spaces instead of vanishing.
_SPACE_SINGLE_LINE = re.compile(r"\r\n|[\t\n\x0b\x0c\x85\u2028\u2029]")
_SPACE_MULTILINE = re.compile(r"[\t\x0b\x0c]")
_NEWLINE = re.compile(r"\r\n?|[\x85\u2028\u2029]")


def clean(text: str) -> str:
    """Return `text` fit for a single-line field: tabs and newlines become spaces,
    every other C0/C1 control character, escape sequence and lone surrogate is removed."""
    # Fast path: most titles are plain printable text (this also rules out surrogates).
    if text.isprintable():
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _SPACE_SINGLE_LINE.sub(" ", text)
    return _CONTROL_SINGLE_LINE.sub("", text)


def clean_multiline(text: str) -> str:
    """Return `text` fit for notes and comments: like `clean`, but line breaks are kept
    (normalised to `\\n`)."""
    if text.isprintable():
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _NEWLINE.sub("\n", text)
    text = _SPACE_MULTILINE.sub(" ", text)
    return _CONTROL_MULTILINE.sub("", text)


def excerpt(text: str, limit: int = 40) -> str:
    """`text` cleaned and cut to `limit` characters, for quoting user input in a message."""
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
