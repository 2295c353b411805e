"""Tests for fractional ranks."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from taskboard.domain.ordering import DIGITS, initial_ranks, rank_between

RANKS = st.text(DIGITS, min_size=1, max_size=8)
# An upper bound ending in "0" can leave no room ("a" < "a0"); the ranks we hand out never do.
UPPER_RANKS = RANKS.filter(lambda r: not r.endswith("0"))


def _is_valid(rank: str) -> bool:
    return bool(rank) and all(c in DIGITS for c in rank) and not rank.endswith("0")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, None, "i"),
        ("", "", "i"),
        ("a", "c", "b"),
        ("a", "b", "ai"),
        ("a", "a1", "a0i"),
        ("a", "a01", "a00i"),
        ("az", "b", "azi"),
        ("a", "b1", "b"),
        ("zz", None, "zz1"),
        ("y", None, "y01"),
        ("i", None, "i01"),
        (None, "1", "0i"),
        (None, "01", "00i"),
        ("a0", "b", "ai"),
    ],
)
def test_rank_between(before: str | None, after: str | None, expected: str) -> None:
    result = rank_between(before, after)
    assert result == expected
    assert (before or "") < result
    assert after is None or after == "" or result < after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("b", "a"),
        ("a", "a"),
        ("a", "a0"),
        (None, "0"),
        (None, "000"),
        ("A", None),
        (None, "b-"),
        ("é", "z"),
    ],
)
def test_rank_between_rejects(before: str | None, after: str | None) -> None:
    with pytest.raises(ValueError):
        rank_between(before, after)


@settings(max_examples=200)
@given(RANKS, UPPER_RANKS)
def test_result_is_strictly_between(a: str, b: str) -> None:
    assume(a != b)
    before, after = min(a, b), max(a, b)
    assume(not after.endswith("0"))
    result = rank_between(before, after)
    assert before < result < after
    assert _is_valid(result)


@settings(max_examples=200)
@given(RANKS)
def test_open_ends(rank: str) -> None:
    above = rank_between(rank, None)
    assert rank < above and _is_valid(above)
    if not rank.endswith("0") and rank.strip("0"):
        below = rank_between(None, rank)
        assert below < rank and _is_valid(below)


@pytest.mark.parametrize("where", ["after_first", "front", "back", "alternating"])
def test_repeated_insertion_at_one_spot_stays_ordered(where: str) -> None:
    ranks = initial_ranks(2)
    for i in range(1000):
        if where == "after_first":
            index = 1
        elif where == "front":
            index = 0
        elif where == "back":
            index = len(ranks)
        else:
            index = len(ranks) // 2 + i % 2
        before = ranks[index - 1] if index > 0 else None
        after = ranks[index] if index < len(ranks) else None
        ranks.insert(index, rank_between(before, after))
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)
    assert all(_is_valid(r) for r in ranks)
    # log2(36) ≈ 5.2 halvings per character: 1000 inserts cost about 200 characters.
    assert max(len(r) for r in ranks) <= 250


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 17, 18, 36, 100, 647, 648, 1000, 23_327, 23_328])
def test_initial_ranks(n: int) -> None:
    ranks = initial_ranks(n)
    assert len(ranks) == n
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == n
    assert all(_is_valid(r) for r in ranks)
    width = 1 if n <= 17 else 2 if n <= 647 else 3 if n <= 23_327 else 4
    assert all(len(r) <= width for r in ranks)
    # Room is left before the first, after the last and between neighbours.
    bounds: list[str | None] = [None, *ranks, None]
    for before, after in pairwise(bounds):
        rank_between(before, after)


def test_initial_ranks_are_evenly_spread() -> None:
    assert initial_ranks(1) == ["i"]
    assert initial_ranks(3) == ["9", "i", "r"]


def test_initial_ranks_rejects_negative() -> None:
    with pytest.raises(ValueError):
        initial_ranks(-1)


def test_appending_keeps_ranks_short() -> None:
    """The board appends new cards at the bottom: 20,000 appends stay at four characters."""
    rank = "i"
    seen = [rank]
    for _ in range(20_000):
        rank = rank_between(rank, None)
        seen.append(rank)
    assert seen == sorted(seen)
    assert len(set(seen)) == len(seen)
    assert max(len(r) for r in seen) <= 4
