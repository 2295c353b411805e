"""The Markdown goal report of a cycle: progress bars, status, KRs, last check-ins, alignment."""

from __future__ import annotations

from collections.abc import Sequence

from taskboard.domain.okr import confidence_text, percent
from taskboard.domain.okr_views import CycleView, KeyResultView, ObjectiveView
from taskboard.exchange.escape import heading, inline, paragraph

BAR_CELLS = 10


def progress_bar(progress: float, cells: int = BAR_CELLS) -> str:
    """`[███████░░░] 70%`: filled cells rounded half up, the percentage rounded down."""
    share = min(1.0, max(0.0, progress))
    filled = int(share * cells + 0.5)
    return f"[{'█' * filled}{'░' * (cells - filled)}] {percent(share)}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0")


def _status(status: str) -> str:
    return status.replace("_", " ")


def _confidence(confidence: float | None) -> str:
    return f"confidence {confidence_text(confidence)}"


def _key_result_line(kr: KeyResultView) -> list[str]:
    if kr.kind == "tasks":
        measure = f"{kr.tasks_done} of {kr.tasks_total} linked tasks done"
    elif kr.kind == "boolean":
        measure = "done" if kr.progress >= 1 else "not done"
    else:
        unit = f" {inline(kr.unit)}" if kr.unit else ""
        measure = f"{_number(kr.start)} → {_number(kr.current)} → {_number(kr.target)}{unit}"
    owner = f" · @{inline(kr.owner)}" if kr.owner else ""
    lines = [
        f"- **{kr.key}** {inline(kr.title)}: {measure} · `{progress_bar(kr.progress)}`"
        f" · {_status(kr.status)} · {_confidence(kr.confidence)}{owner}"
    ]
    if kr.last_note:
        lines.append(f"  - last check-in: {inline(kr.last_note)}")
    return lines


def _objective_section(objective: ObjectiveView) -> list[str]:
    lines = [f"## {objective.key} {heading(objective.title)}", ""]
    facts = [
        f"`{progress_bar(objective.progress)}`",
        _status(objective.status) + (" (set by the owner)" if objective.status_overridden else ""),
        _confidence(objective.confidence),
        f"expected {percent(objective.expected)}",
        f"score {objective.score:.1f}",
    ]
    if objective.owner:
        facts.append(f"owner @{inline(objective.owner)}")
    if objective.parent:
        facts.append(f"aligned to {objective.parent}")
    lines += [" · ".join(facts), ""]
    if objective.state == "closed":
        outcome = f"Closed: {objective.outcome}"
        if objective.outcome_comment:
            outcome += f". {inline(objective.outcome_comment)}"
        lines += [outcome, ""]
    if objective.description:
        lines += [paragraph(objective.description), ""]
    for kr in objective.key_results:
        lines += _key_result_line(kr)
    if not objective.key_results:
        lines.append("No key results yet.")
    lines.append("")
    return lines


def render_okr_report(cycle: CycleView, objectives: Sequence[ObjectiveView]) -> str:
    """The report for `cycle`; `objectives` are its roots with their aligned children."""
    lines = [
        f"# Goals {heading(cycle.name)}",
        "",
        f"{cycle.start.isoformat()} to {cycle.end.isoformat()}",
        "",
    ]
    walked = [pair for root in objectives for pair in root.walk()]
    if not walked:
        lines += ["No objectives in this cycle.", ""]
        return "\n".join(lines)
    for _depth, objective in walked:
        lines += _objective_section(objective)
    lines += ["## Alignment", ""]
    for depth, objective in walked:
        lines.append(
            f"{'  ' * depth}- **{objective.key}** {inline(objective.title)}"
            f" · {percent(objective.progress)} · {_status(objective.status)}"
        )
    lines.append("")
    return "\n".join(lines)
