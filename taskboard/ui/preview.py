"""What a capture line will become, shown while it is typed: the board's new card and the
meeting line. Typed names are resolved against the store's names, and bad tokens are marked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from textual.content import Content

from taskboard.domain import rules
from taskboard.domain.capture import (
    Capture,
    CaptureError,
    MeetingLine,
    parse_capture,
    parse_meeting_line,
    scan_tokens,
)
from taskboard.domain.errors import InvalidFieldError
from taskboard.domain.okr import confidence_text, implausible_check_in
from taskboard.domain.text import clean
from taskboard.services.errors import ServiceError
from taskboard.services.names import did_you_mean, match_name
from taskboard.ui.line_check import AGAIN, LinePreview

if TYPE_CHECKING:
    from taskboard.domain.okr_views import KeyResultView, ObjectiveView
    from taskboard.services import Services

MEETING_HINT = (
    "a task: title @who ^when #tag !prio +KEY >column ~KR   ·   d: decision   n: note   "
    "? question   a: topic   kr O1-KR2 = 42 conf 0.7"
)
TASK_HINT = "a title and any of: @who ^when #tag !prio +KEY >column ~KR every:week"
KIND_LABEL = {"checkin": "check-in", "agenda": "topic"}
ERROR = "$error bold underline"
WARNING = "$warning bold"
LONG_LINE = 160  # characters: a preview of a longer line says what is wrong first


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Known:
    """What the preview checks typed names against: the current project, every project's
    columns, the handles and the key results. `column` is where a task without `>column`
    goes (default: its project's first column)."""

    project: str | None
    columns: dict[str, tuple[str, ...]]
    handles: tuple[str, ...]
    key_results: dict[str, KeyResultView] = field(default_factory=dict)
    column: str | None = None


def known_names(
    services: Services, project: str | None, today: date, column: str | None = None
) -> Known:
    """The store's names a capture line may use, read once when the line is opened."""
    krs: dict[str, KeyResultView] = {}

    def walk(objectives: Iterable[ObjectiveView]) -> None:
        for o in objectives:
            krs.update((kr.key, kr) for kr in o.key_results)
            walk(o.children)

    for cycle in services.okr.cycles():
        walk(services.okr.tree(cycle.name, today))
    columns = {p.key: tuple(c.name for c in p.columns) for p in services.projects.all()}
    return Known(project, columns, tuple(services.people.handles()), krs, column)


def _marked(line: str, spans: Iterable[tuple[int, int]], message: str) -> Content:
    """The line with the bad spans in the error colour, then the message; the message first
    for a long line, which would push it out of a small dialog."""
    parts: list[str | tuple[str, str]] = []
    at = 0
    for start, end in sorted(spans):
        parts += [clean(line[at:start]), (clean(line[start:end]) or "␣", ERROR)]
        at = end
    parts.append(clean(line[at:]))
    said = (clean(message), "$error")
    if len(line) > LONG_LINE:
        return Content.assemble("✗ ", said, "\n", *parts)
    return Content.assemble("✗ ", *parts, "   ", said)


def resolve_handle(typed: str, handles: tuple[str, ...]) -> tuple[str, str | None]:
    """(what the assignee will be, an error message or None)."""
    if typed in handles:
        return f"@{typed}", None
    hits = [h for h in handles if h.startswith(typed)]
    if len(hits) == 1:
        return f"@{hits[0]}", None
    if hits:
        return "", f"ambiguous person '@{typed}': {', '.join('@' + h for h in hits)}"
    return new_person(typed, handles), None


def assignee_check(typed: str, handles: Sequence[str], empty: str) -> LinePreview:
    """Whom an assignee typed in a prompt names (`empty` says what no one means): a known
    handle or its unique prefix, a refusal of an ambiguous one, or a new person, which
    needs a second Enter."""
    handle = typed.strip().lstrip("@").casefold()
    if not handle:
        return LinePreview(Content(empty))
    who, problem = resolve_handle(handle, tuple(handles))
    if problem:
        return LinePreview(Content(clean(problem)), True)
    if who.startswith("new person"):
        return _warned([f"@{handle} (new)"], f"{who}: {AGAIN}")
    return LinePreview(Content("✓ " + clean(who)))


def new_person(typed: str, handles: tuple[str, ...]) -> str:
    """`new person @jonsa — did you mean @jonas?`: a typo must not pass for a new person."""
    return f"new person @{typed}{did_you_mean(typed, handles)}"


def _warned(parts: list[str], warning: str) -> LinePreview:
    return LinePreview(
        Content.assemble(
            ("⚠ ", WARNING), clean("   ".join(parts)), "   ", (clean(warning), WARNING)
        ),
        warning=warning,
    )


def task_check(line: str, cap: Capture, known: Known) -> LinePreview:
    """What the parsed task line `cap` will create, its bad names marked, or what needs a
    second Enter (a new person)."""
    tokens = {t.kind: t for t in cap.tokens}
    project = cap.project or known.project or "INBOX"
    problems: list[tuple[tuple[int, int], str]] = []
    # The store's own rules for what the line's words become: a ✓ here is stored there.
    for kind, check in (
        ("word", lambda: rules.title(cap.title)),
        ("tag", lambda: rules.tag_names(cap.tags)),
    ):
        try:
            check()
        except InvalidFieldError as exc:
            spans = [(t.start, t.end) for t in cap.tokens if t.kind == kind]
            problems += [(span, str(exc)) for span in spans or [(0, 0)]]
    columns = known.columns.get(project)
    if columns is None:
        where = tokens.get("project")
        problems.append(
            ((where.start, where.end) if where else (0, 0), f"unknown project '{project}'")
        )
        columns = ()
    column = known.column if project == known.project and known.column else None
    column = column or (columns[0] if columns else "?")
    if cap.column is not None and columns:
        try:
            column = columns[match_name(columns, cap.column, "column", tokens["column"].text)]
        except ServiceError as exc:
            problems.append(((tokens["column"].start, tokens["column"].end), str(exc)))
    if cap.key_result is not None and cap.key_result not in known.key_results:
        kr = tokens["key_result"]
        problems.append(((kr.start, kr.end), f"unknown key result '{kr.text}'"))
    who = ""
    warning = None
    if cap.assignee is not None:
        who, problem = resolve_handle(cap.assignee, known.handles)
        if problem:
            problems.append(((tokens["assignee"].start, tokens["assignee"].end), problem))
        elif who.startswith("new person"):
            warning, who = f"{who}: {AGAIN}", f"@{cap.assignee} (new)"
    if problems:
        return LinePreview(_marked(line, [span for span, _ in problems], problems[0][1]), True)
    parts = [f"task “{cap.title}”", f"{project} › {column}"]
    if who:
        parts.append(who)
    if cap.due is not None:
        parts.append(f"due {cap.due:%a %Y-%m-%d}")
    if cap.priority is not None:
        parts.append(f"!{cap.priority.value}")
    parts += [f"#{tag}" for tag in cap.tags]
    if cap.key_result is not None:
        parts.append(f"~{cap.key_result} {known.key_results[cap.key_result].title}")
    if cap.recurrence is not None:
        parts.append(f"repeats {cap.recurrence}")
    if warning is not None:
        return _warned(parts, warning)
    return LinePreview(Content("✓ " + clean("   ".join(parts))))


def _checkin_check(line: str, parsed: MeetingLine, known: Known) -> LinePreview:
    assert parsed.kr_key is not None and parsed.value is not None
    kr = known.key_results.get(parsed.kr_key)
    problem = None
    if kr is None:
        problem = f"unknown key result '{parsed.kr_key}'"
    elif kr.kind == "tasks":
        problem = f"{kr.key} counts its linked tasks: link tasks with ~{kr.key} instead"
    if kr is None or problem is not None:
        start = line.casefold().find(parsed.kr_key.casefold())
        return LinePreview(
            _marked(line, [(start, start + len(parsed.kr_key))], problem or ""), True
        )
    text = f"check-in {kr.key} {kr.title}: {_number(kr.current)} → {_number(parsed.value)}"
    text += f" {kr.unit}" if kr.unit else ""
    if parsed.confidence is not None:
        text += f", confidence {confidence_text(parsed.confidence)}"
    if parsed.note:
        text += f"   “{parsed.note}”"
    doubt = None
    if kr.kind != "boolean":
        doubt = implausible_check_in(kr.key, kr.start, kr.target, kr.current, parsed.value)
    if doubt is not None:
        return _warned([text], f"{doubt}: {AGAIN}")
    return LinePreview(Content("✓ " + clean(text)))


def meeting_check(line: str, today: date, known: Known) -> LinePreview:
    """What a meeting line will create, its bad tokens marked, or what needs a second Enter."""
    if not line.strip():
        return LinePreview(Content(MEETING_HINT))
    try:
        parsed = parse_meeting_line(line, today)
    except CaptureError as exc:
        return LinePreview(_refused(line, today, exc, every_token=parsed_as_task(line)), True)
    if parsed.capture is not None:
        return task_check(line, parsed.capture, known)
    if parsed.kind == "checkin":
        return _checkin_check(line, parsed, known)
    said = f"{KIND_LABEL.get(parsed.kind, parsed.kind)}: {parsed.text}"
    if parsed.owner is not None:
        return _owner_check(line, said, parsed.owner, known)
    return LinePreview(Content("✓ " + clean(said)))


def _owner_check(line: str, said: str, owner: str, known: Known) -> LinePreview:
    """A question given to `@owner`: the owner resolved like a task's assignee (a typo
    is a new person only after a second Enter)."""
    who, problem = resolve_handle(owner, known.handles)
    if problem:
        start = line.casefold().rfind("@" + owner)
        return LinePreview(_marked(line, [(start, start + len(owner) + 1)], problem), True)
    if who.startswith("new person"):
        return _warned([said, f"owner @{owner} (new)"], f"{who}: {AGAIN}")
    return LinePreview(Content("✓ " + clean(f"{said}   owner {who}")))


def parsed_as_task(line: str) -> bool:
    """True when the line has no meeting prefix, so every bad token of it can be marked."""
    head = line.lstrip()[:3].casefold()
    checkin = head.startswith("kr") and (len(head) == 2 or head[2].isspace())
    return not (head.startswith(("d:", "n:", "a:", "?")) or checkin)


def capture_check(line: str, today: date, known: Known) -> LinePreview:
    """What a task capture line (no meeting prefixes) will create, its bad tokens marked,
    or what needs a second Enter (a new person)."""
    if not line.strip():
        return LinePreview(Content(TASK_HINT))
    try:
        cap = parse_capture(line, today)
    except CaptureError as exc:
        return LinePreview(_refused(line, today, exc, every_token=True), True)
    return task_check(line, cap, known)


def _refused(line: str, today: date, exc: CaptureError, every_token: bool) -> Content:
    """The line with what the parser refused marked: every bad token of a task line (the
    parser stops at the first), or the one spot `exc` names."""
    spans = []
    if every_token:
        spans = [(e.start, e.end) for e in scan_tokens(line, today)[1] if e.token]
    return _marked(line, spans or [(exc.start, exc.end)], exc.message)
