"""The text of the goals tree: progress bars with a pace marker, and each goal's two lines."""

from __future__ import annotations

from textual.content import Content

from taskboard.domain.okr import KrKind, Status, confidence_text, percent
from taskboard.domain.okr_views import KeyResultView, ObjectiveView
from taskboard.domain.text import clean

BAR_WIDTH = 16
STATUS_STYLE = {"on_track": "$success", "at_risk": "$warning", "off_track": "$error"}


def progress_bar(progress: float, expected: float, style: str, width: int = BAR_WIDTH) -> Content:
    """`███████│░░░`: the filled share is the progress, `│` sits where the pace says it should."""
    filled = round(min(max(progress, 0.0), 1.0) * width)
    marker = min(width - 1, round(min(max(expected, 0.0), 1.0) * width))
    cells = ["█"] * filled + ["░"] * (width - filled)
    cells[marker] = "│"
    bar = Content("".join(cells))
    if filled:
        bar = bar.stylize(style, 0, filled)
    return bar.stylize("$text-muted", filled, width).stylize("bold $accent", marker, marker + 1)


def number(value: float) -> str:
    return f"{value:,g}" if abs(value) < 1e15 else f"{value:.3g}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _short(text: str, width: int) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _facts(
    indent: str,
    progress: float,
    expected: float,
    status: str,
    conf: float | None,
    owner: str | None,
    overridden: bool = False,
) -> Content:
    style = STATUS_STYLE.get(status, "$text")
    label = Status(status).label if status in STATUS_STYLE else status
    confidence = f"conf {confidence_text(conf):<4}"
    who = f"@{clean(owner)}" if owner else "nobody"
    return Content.assemble(
        indent + "  ",
        progress_bar(progress, expected, style),
        f" {percent(progress):>4}  ",
        (f"{label + ('*' if overridden else ''):<10}", style),
        f" {confidence}  ",
        (who, "$text-muted"),
    )


def objective_prompt(o: ObjectiveView, depth: int, width: int) -> Content:
    """Two lines: key and title, then bar with pace marker, percent, status, confidence, owner."""
    indent = "  " * depth
    head = Content.assemble(
        indent,
        (f"{o.key:<4}", "bold $accent"),
        " ",
        (_short(o.title, width - len(indent) - 5), "bold"),
    )
    facts = _facts(
        indent, o.progress, o.expected, o.status, o.confidence, o.owner, o.status_overridden
    )
    return Content("\n").join([head, facts])


def kr_values(kr: KeyResultView) -> str:
    if kr.kind == KrKind.TASKS:
        return f"{kr.tasks_done}/{kr.tasks_total} tasks"
    unit = f" {clean(kr.unit)}" if kr.unit else ""
    return f"{number(kr.start)} → {number(kr.current)} → {number(kr.target)}{unit}"


def kr_prompt(kr: KeyResultView, depth: int, width: int) -> Content:
    indent = "  " * depth + "  "
    title = _short(kr.title, width - len(indent) - 9)
    head = Content.assemble(indent, (f"{kr.key:<8}", "$accent"), " ", title)
    facts = _facts(indent, kr.progress, kr.expected, kr.status, kr.confidence, kr.owner)
    return Content("\n").join([head, facts])
