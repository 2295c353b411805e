"""Markdown for people: escaped text renders back to exactly the text, with as few backslashes
as CommonMark needs, in every position the writers put it (heading, list item, paragraph, cell)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from taskboard.domain.text import clean
from taskboard.exchange import escape

# GFM as wikis render it: CommonMark plus tables and strikethrough.
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# Every character that means something somewhere, some letters, digits and non-ASCII text.
ALPHABET = [*"#*_`[]()<>!&|~\\-+=.:;/?'\"1234567890 \tabcxyzäé€·", "&amp;", "http://"]
TEXTS = st.lists(st.sampled_from(ALPHABET), max_size=24).map("".join) | st.text(max_size=30)
PLAIN = {"text", "text_special", "softbreak"}


def _plain(token: Token) -> str:
    """The text an inline token renders to; fails on any markup (emphasis, code, link, HTML)."""
    children = token.children or []
    kinds = {c.type for c in children}
    assert kinds <= PLAIN, kinds
    return "".join(c.content for c in children)


def _one_block(source: str, block: str) -> list[Token]:
    tokens = MD.parse(source)
    opened = [t.type for t in tokens if t.nesting == 1]
    assert opened[0] == block, (source, opened)
    return tokens


def _words(text: str) -> str:
    return " ".join(clean(text).split())


@settings(max_examples=150)
@given(TEXTS)
def test_a_heading_renders_to_its_text(text: str) -> None:
    source = "## " + escape.heading(text)
    tokens = _one_block(source, "heading_open")
    assert len(tokens) == 3
    assert _plain(tokens[1]) == clean(text).strip()


@settings(max_examples=150)
@given(TEXTS)
def test_text_inside_a_list_item_renders_to_itself(text: str) -> None:
    source = "- [ ] **DEL-1** " + escape.inline(text)
    tokens = _one_block(source, "bullet_list_open")
    inline = next(t for t in tokens if t.type == "inline")
    children = inline.children or []
    assert [c.type for c in children[:4]] == ["text", "strong_open", "text", "strong_close"]
    rest = Token("inline", "", 0, children=children[4:])
    assert _plain(rest) == (" " + clean(text)).rstrip()


@settings(max_examples=150)
@given(TEXTS)
def test_a_paragraph_and_a_list_item_render_to_their_words(text: str) -> None:
    for source, block in ((escape.one_line(text), "paragraph_open"),):
        if not _words(text):
            assert source == ""
            continue
        tokens = _one_block(source, block)
        assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
        assert _plain(tokens[1]) == _words(text)
    if _words(text):
        tokens = _one_block("- " + escape.one_line(text), "bullet_list_open")
        inlines = [t for t in tokens if t.type == "inline"]
        assert len(inlines) == 1 and _plain(inlines[0]) == _words(text)


@settings(max_examples=150)
@given(TEXTS)
def test_a_table_cell_renders_to_its_words(text: str) -> None:
    source = f"| Key | Title |\n| --- | --- |\n| DEL-1 | {escape.cell(text)} |\n"
    tokens = _one_block(source, "table_open")
    cells = [t for t in tokens if t.type == "inline"]
    assert len(cells) == 4
    assert _plain(cells[3]) == _words(text)


@pytest.mark.parametrize(
    ("escaper", "text", "written"),
    [
        (escape.heading, "Papers & payment", "Papers & payment"),
        (escape.heading, "Issue #", "Issue \\#"),
        (escape.heading, "C# and F#", "C# and F#"),
        (escape.inline, "snake_case_name", "snake_case_name"),
        (escape.inline, "5 * 3 = 15", "5 * 3 = 15"),
        (escape.inline, "*bold*", "\\*bold\\*"),
        (escape.inline, "see [notes] (p. 2)", "see \\[notes\\] (p. 2)"),
        (escape.inline, "a [ lone bracket", "a [ lone bracket"),
        (escape.inline, "R&D &amp; more", "R&D \\&amp; more"),
        (escape.inline, "a < b > c", "a < b > c"),
        (escape.inline, "<b>bold</b>", "\\<b>bold\\</b>"),
        (escape.inline, "C:\\Users\\me", "C:\\Users\\me"),
        (escape.inline, "ends with \\", "ends with \\\\"),
        (escape.one_line, "# not a heading", "\\# not a heading"),
        (escape.one_line, "#1 priority", "#1 priority"),
        (escape.one_line, "- not an item", "\\- not an item"),
        (escape.one_line, "-5 degrees", "-5 degrees"),
        (escape.one_line, "2026. A year", "2026\\. A year"),
        (escape.one_line, "> quoted", "\\> quoted"),
        (escape.one_line, "---", "\\---"),
        (escape.cell, "a | b", "a \\| b"),
        (escape.cell, "", " "),
    ],
)
def test_only_what_commonmark_needs_is_escaped(
    escaper: Callable[[str], str], text: str, written: str
) -> None:
    assert escaper(text) == written


def test_escape_sequences_never_reach_the_markdown() -> None:
    for escaper in (escape.inline, escape.heading, escape.one_line, escape.cell, escape.literal):
        written = escaper("red \x1b[31mtext\x1b]8;;http://x\x07 \x9b1mbold")
        assert written.strip() == "red text bold"


@given(TEXTS)
def test_literal_and_unescape_are_inverse(text: str) -> None:
    assert escape.unescape(escape.literal(text, "@!^{}")) == clean(text)
