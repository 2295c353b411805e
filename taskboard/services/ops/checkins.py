"""Check-ins on key results: the newest is the current value, and each is in the log."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from taskboard.domain.models import CheckIn, KeyResult, Objective, Person, utcnow
from taskboard.domain.okr import KrKind, implausible_check_in
from taskboard.services import lookup
from taskboard.services.activity import ChangeLog
from taskboard.services.errors import ImplausibleValueError, InvalidFieldError, StateError


def record_check_in(
    s: Session,
    log: ChangeLog,
    kr_key: str,
    value: float,
    confidence: float | None,
    note: str,
    created: datetime | None = None,
    *,
    force: bool = False,
) -> tuple[CheckIn, KeyResult, Person]:
    """Check in on a key result inside the caller's transaction: the rules, the row, the activity.

    Values come checked and cleaned; the check-in is written as the log's actor. A value that
    looks like a typo (`okr.implausible_check_in`) is refused unless `force`.
    """
    kr = lookup.key_result_by_key(s, kr_key)
    objective = s.get_one(Objective, kr.objective_id)
    if objective.status == "closed":
        raise StateError(f"{objective.key} is closed: no more check-ins for {kr.key}")
    if kr.kind == KrKind.TASKS:
        raise StateError(f"{kr.key} counts its linked tasks: link tasks with ~{kr.key} instead")
    if kr.kind == KrKind.BOOLEAN and value not in (kr.start_value, kr.target_value):
        raise InvalidFieldError(
            "value", f"{kr.key} is yes/no: check in {kr.start_value:g} or {kr.target_value:g}"
        )
    if not force and kr.kind != KrKind.BOOLEAN:
        doubt = implausible_check_in(
            kr.key, kr.start_value, kr.target_value, kr.current_value, value
        )
        if doubt is not None:
            raise ImplausibleValueError(doubt)
    author, _ = lookup.resolve_person(s, log.actor)
    check = CheckIn(
        key_result_id=kr.id or 0,
        value=value,
        previous_value=kr.current_value,
        confidence=confidence,
        note=note,
        author_id=author.id,
        created=created or utcnow(),
    )
    s.add(check)
    s.flush()
    changes: list[tuple[str, float | None, float]] = [("current_value", kr.current_value, value)]
    if confidence is not None and confidence != kr.confidence:
        changes.append(("confidence", kr.confidence, confidence))
        kr.confidence = confidence
    for field, old, new in changes:
        log.about("checkin", "key_result", kr.id, field, old=old, new=new)
    kr.current_value = value
    return check, kr, author
