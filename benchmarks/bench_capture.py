"""Micro-benchmark: lines per second of `parse_capture` (`python -m benchmarks.bench_capture`)."""

from __future__ import annotations

import random
import time
from datetime import date

from taskboard.domain.capture import CaptureError, parse_capture

TODAY = date(2026, 11, 27)

TITLES = [
    "Papers to registration agent",
    "Confirm payment so registration can start",
    "Book handover appointment",
    "Order wall box for customer",
    "Call Mrs. Schäfer about the delivery slot",
    "Prepare service point opening checklist",
    "Onboarding laptop for new hire",
    "Review Q4 numbers",
    "Fix typo in contract template",
    "Send minutes to the team",
]
EXTRAS = [
    ["@carl", "@anna", "@j.doe", "@mika-s"],
    ["^fri", "^tomorrow", "^+3d", "^2w", "^eow", "^2026-12-01", "^1.12.", "due:mon", "^01.12.2026"],
    ["#delivery", "#handover", "#q4", "#störung"],
    ["!high", "!urgent", "!1", "!low", "!n"],
    ["+DEL", "+OPS", "+hr"],
    [">doing", ">to_do", ">done"],
    ["~O1-KR2", "~o2-kr1"],
    ["every:weekly", "every:2w", "every:weekdays"],
]


def make_corpus(size: int, seed: int = 7) -> list[str]:
    """Lines like people type them: a title plus zero to five tokens in random places."""
    rng = random.Random(seed)
    lines = []
    for _ in range(size):
        words = rng.choice(TITLES).split()
        for group in rng.sample(EXTRAS, rng.randint(0, 5)):
            words.insert(rng.randint(0, len(words)), rng.choice(group))
        if rng.random() < 0.05:
            words.append("^notadate")  # a few bad lines, as in real life
        lines.append(" ".join(words))
    return lines


def lines_per_second(lines: list[str], rounds: int = 5) -> tuple[float, int]:
    """Best rate over `rounds` passes, and how many lines were rejected."""
    best = float("inf")
    errors = 0
    for _ in range(rounds):
        errors = 0
        started = time.perf_counter()
        for line in lines:
            try:
                parse_capture(line, TODAY)
            except CaptureError:
                errors += 1
        best = min(best, time.perf_counter() - started)
    return len(lines) / best, errors


def main() -> None:
    lines = make_corpus(20_000)
    rate, errors = lines_per_second(lines)
    print(f"{len(lines)} lines ({errors} with errors), best of 5: {rate:,.0f} lines/s")


if __name__ == "__main__":
    main()
