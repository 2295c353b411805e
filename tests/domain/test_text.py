"""Tests for the sanitising of user text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskboard.domain.text import clean, clean_multiline, excerpt

ANY_TEXT = st.text(st.characters(blacklist_categories=()))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain title", "plain title"),
        ("héllo 日本 😀", "héllo 日本 😀"),
        ("a\tb", "a b"),
        ("a\nb", "a b"),
        ("a\r\nb", "a b"),
        ("a\rb", "ab"),
        ("a\x00b\x07c\x7fd", "abcd"),
        ("a\x85b", "a b"),
        ("a\u2028b", "a b"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[1;31;40mbold", "bold"),
        ("\x1b]0;evil title\x07after", "after"),
        ("\x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x9b31mred", "red"),
        ("\x1bcreset", "reset"),
        ("x\x1b", "x"),
        ("a\ud800b", "ab"),
        ("\udfff", ""),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("line one\nline two", "line one\nline two"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\tb", "a b"),
        ("\x1b[2Jcleared\x00\n", "cleared\n"),
        ("x\ud83dy", "xy"),
    ],
)
def test_clean_multiline(raw: str, expected: str) -> None:
    assert clean_multiline(raw) == expected


def test_excerpt_shortens_and_cleans() -> None:
    assert excerpt("a\x1b[31mb") == "ab"
    assert excerpt("x" * 100) == "x" * 39 + "…"
    assert len(excerpt("y" * 100, limit=10)) == 10


def _bad_categories(text: str, allowed: str = "") -> set[str]:
    return {
        unicodedata.category(c)
        for c in text
        if c not in allowed and unicodedata.category(c) in ("Cc", "Cs")
    }


@settings(max_examples=200)
@given(ANY_TEXT)
def test_clean_leaves_no_controls_or_surrogates(raw: str) -> None:
    cleaned = clean(raw)
    assert not _bad_categories(cleaned)
    cleaned.encode("utf-8")  # would raise on a lone surrogate
    assert clean(cleaned) == cleaned


@settings(max_examples=200)
@given(ANY_TEXT)
def test_clean_multiline_keeps_only_newlines(raw: str) -> None:
    cleaned = clean_multiline(raw)
    assert not _bad_categories(cleaned, allowed="\n")
    assert clean_multiline(cleaned) == cleaned
    assert clean(cleaned) == clean(cleaned.replace("\n", " "))
