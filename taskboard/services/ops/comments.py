"""Comments on tasks: who said what, when; every comment is also in the activity log."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from taskboard.domain import rules
from taskboard.domain.models import Comment, Person, utcnow
from taskboard.services.activity import ChangeLog, HasTask


def add_comment(
    s: Session,
    log: ChangeLog,
    task: HasTask,
    author: Person,
    body: str,
    created: datetime | None = None,
) -> Comment:
    """A new comment by `author` on `task` (the body is checked: not empty, not too long);
    its id is there once the session is flushed."""
    text = rules.COMMENT.check(body)
    comment = Comment(
        task_id=task.id or 0, author_id=author.id, body=text, created=created or utcnow()
    )
    s.add(comment)
    log.task("comment", task, "comment", new=text[:200])
    return comment
