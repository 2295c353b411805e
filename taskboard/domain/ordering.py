"""Fractional ranks: short base-36 strings whose lexicographic order is the order of cards."""

from __future__ import annotations

__all__ = ["DIGITS", "initial_ranks", "rank_after", "rank_between"]

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_BASE = len(DIGITS)
_VALUE = {c: i for i, c in enumerate(DIGITS)}


def _check(rank: str, name: str) -> None:
    if not rank or any(c not in _VALUE for c in rank):
        raise ValueError(f"{name} rank {rank[:40]!r} is not a non-empty string of 0-9a-z")


def rank_between(before: str | None, after: str | None) -> str:
    """Return a rank strictly between `before` and `after` (None: open end).

    Ranks are read as base-36 fractions (`"i"` is one half), and the result is the shortest
    string found by halving the gap digit by digit, so repeated inserts at one spot grow the
    length by about one character per five inserts. Results never end in `0`; an `after`
    that does (like `"a0"` right after `"a"`) may leave no room, which raises ValueError, as
    does `before >= after` or a character outside 0-9a-z.
    """
    before = before or None
    after = after or None
    if before is not None:
        _check(before, "before")
    if after is not None:
        _check(after, "after")
        if before is not None and before >= after:
            raise ValueError(f"before {before[:40]!r} is not less than after {after[:40]!r}")

    if after is None and before is not None:
        return rank_after(before)
    low = before or ""
    result: list[str] = []
    # Walk down the digits; `high` is None while the upper bound is the open end (1.0).
    high = after
    position = 0
    while True:
        low_digit = _VALUE[low[position]] if position < len(low) else 0
        if high is None:
            high_digit = _BASE
        elif position < len(high):
            high_digit = _VALUE[high[position]]
        else:
            # `high` is a prefix of `low` padded with zeros: nothing fits in between.
            raise ValueError(f"no rank fits between {before!r} and {after!r}")
        if high_digit - low_digit > 1:
            result.append(DIGITS[(low_digit + high_digit) // 2])
            return "".join(result)
        if high_digit == low_digit:
            result.append(DIGITS[low_digit])
        elif high is not None and position + 1 < len(high):
            # high_digit == low_digit + 1 and `high` goes on: its prefix up to here is below it
            # (a proper prefix) and above `low` (a bigger digit at this position).
            result.append(DIGITS[high_digit])
            return "".join(result)
        else:
            # Take low's digit and continue with an open upper end.
            result.append(DIGITS[low_digit])
            high = None
        position += 1


def initial_ranks(n: int) -> list[str]:
    """`n` increasing ranks spread evenly over the whole space, as short as possible."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return []
    width = 1
    # Leave at least one free slot between neighbours and at both ends.
    while _BASE**width < 2 * (n + 1):
        width += 1
    space = _BASE**width
    ranks = []
    for i in range(1, n + 1):
        value = i * space // (n + 1)
        digits = []
        for _ in range(width):
            value, digit = divmod(value, _BASE)
            digits.append(DIGITS[digit])
        ranks.append("".join(reversed(digits)).rstrip("0"))
    return ranks


# Appends step by a fixed gap at a fixed width instead of halving the rest of the space:
# a column can take tens of thousands of new cards at the bottom before ranks get longer.
_APPEND_WIDTH = 4
_APPEND_GAP = _BASE


def _value(rank: str, width: int) -> int:
    value = 0
    for i in range(width):
        value = value * _BASE + (_VALUE[rank[i]] if i < len(rank) else 0)
    return value


def _digits(value: int, width: int) -> str:
    out = []
    for _ in range(width):
        value, digit = divmod(value, _BASE)
        out.append(DIGITS[digit])
    return "".join(reversed(out)).rstrip("0")


def rank_after(before: str) -> str:
    """A rank after `before` with room left between them, growing slowly under repeated appends."""
    _check(before, "before")
    width = max(len(before), _APPEND_WIDTH)
    while True:
        # Truncating `before` to `width` digits and adding a gap of at least one unit at
        # that width gives a string whose first differing digit is larger: strictly after.
        value = _value(before, width)
        if _BASE**width - 1 - value > 2 * _APPEND_GAP:
            return _digits(value + _APPEND_GAP, width)
        width += _APPEND_WIDTH
