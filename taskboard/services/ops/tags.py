"""A task's tags: read as names, set as names (tags are made on first use)."""

from __future__ import annotations

from collections.abc import Iterable

from taskboard.services.ops import find
from taskboard.store.writer import Writer


def task_tags(w: Writer, task_id: int) -> tuple[str, ...]:
    """The task's tag names, sorted."""
    found = w.rows(
        "SELECT tag.name FROM tag JOIN task_tag tt ON tt.tag_id = tag.id WHERE tt.task_id = ?",
        (task_id,),
    )
    return tuple(sorted(name for (name,) in found))


def set_tags(w: Writer, task_id: int, names: Iterable[str]) -> tuple[str, ...]:
    """Give the task exactly these tags; returns them as stored."""
    ids = find.tag_ids(w, names)
    w.execute("DELETE FROM task_tag WHERE task_id = ?", (task_id,))
    w.executemany(
        "INSERT INTO task_tag (task_id, tag_id) VALUES (?, ?)", [(task_id, i) for i in ids.values()]
    )
    return tuple(sorted(ids))
