"""Which drafts of an import are already in the store, and under which source id.

A draft with an id of its own (`obsidian:abc123`, `taskwarrior:<uuid>`, `csv:1201`) is known
by it. One without gets its natural identity (see `import_drafts.natural_id`), stored as its
source id when it is created. A draft is already there when a task has its source id, or an
older id of the same record, or — for the task keys our own exports write — that key in the
project it goes to with the same title, or — for a natural identity not stored yet — is the
n-th task titled alike in that lane of that project.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace

from taskboard.domain.rules import INBOX
from taskboard.domain.text import clean, excerpt
from taskboard.services.errors import ServiceError
from taskboard.services.import_drafts import NATURAL, ImportDraft, loose, loose_id
from taskboard.services.ops.find import marks
from taskboard.store.writer import Writer


def chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    """`items` in lists short enough for an SQL `IN (…)`."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def identity_project(r: ImportDraft, target: str | None) -> str:
    """The project key a draft's identity names: where it goes, as typed."""
    if target is not None:
        return target
    return clean(r.project or INBOX).strip().upper()[:20]


def identified(records: Sequence[ImportDraft], target: str | None) -> list[ImportDraft]:
    """Every draft with a source id (its own, or its natural identity), its parent named
    by source id."""
    occurrences: dict[tuple[str, str, str], int] = defaultdict(int)
    sources: list[str] = []
    for r in records:
        if r.source_id is None:
            project = identity_project(r, target)
            same = (project, loose(r.column or ""), loose(r.title))
            occurrences[same] += 1
            sources.append(loose_id(*same, occurrences[same]))
        else:
            sources.append(r.source_id)
    result = []
    for i, (r, source) in enumerate(zip(records, sources, strict=True)):
        for ref in (source, *r.aliases, *r.depends_on, r.parent or ""):
            # An id is looked up as it is: control characters would reach the SQL driver.
            if len(ref) > 200 or not ref.isprintable():
                raise ServiceError(f"{r.where}: bad id {excerpt(ref)!r}")
        parent = r.parent
        if r.parent_index is not None:
            if not 0 <= r.parent_index < len(records) or r.parent_index == i:
                raise ServiceError(f"{r.where}: its parent task is not in the file")
            parent = sources[r.parent_index]
        if source == r.source_id and parent == r.parent and r.parent_index is None:
            result.append(r)  # as it was: no copy
        else:
            result.append(replace(r, source_id=source, parent=parent, parent_index=None))
    return result


def already_there(
    w: Writer, records: list[ImportDraft], target: str | None
) -> dict[str, tuple[int, int, int]]:
    """(id, project id, column id) of the tasks already in the store, by source id: found
    by source id, by an older source id of the record, or by the task key our own exports
    write when that task is where the record goes and has its title."""
    sources = {r.source_id or "": r.source_id or "" for r in records}
    sources.update({a: r.source_id or "" for r in records for a in r.aliases})
    found: dict[str, tuple[int, int, int]] = {}
    for chunk in chunks(list(sources)):
        stmt = (
            "SELECT source_id, id, project_id, column_id FROM task"
            f" WHERE source_id IN ({marks(chunk)})"
        )
        for source, *rest in w.rows(stmt, chunk):
            found.setdefault(sources[source], (rest[0], rest[1], rest[2]))
    keyed = {clean(r.key).strip().upper(): r for r in records if r.key and r.source_id not in found}
    for chunk in chunks(list(keyed)):
        by_key = (
            "SELECT t.key, t.title, p.key, t.id, t.project_id, t.column_id"
            " FROM task t JOIN project p ON p.id = t.project_id"
            f" WHERE t.key IN ({marks(chunk)})"
        )
        for key, title, project, *rest in w.rows(by_key, chunk):
            r = keyed[key]
            if project == identity_project(r, target) and loose(title) == loose(r.title):
                found[r.source_id or ""] = (rest[0], rest[1], rest[2])
    unmatched = [
        r
        for r in records
        if (r.source_id or "").startswith(f"{NATURAL}:") and r.source_id not in found
    ]
    if unmatched:
        _alike_in_store(w, unmatched, target, found)
    return found


def _alike_in_store(
    w: Writer,
    records: list[ImportDraft],
    target: str | None,
    found: dict[str, tuple[int, int, int]],
) -> None:
    """Id-less records whose identity a task has without having been imported with it
    (a card typed on the board, a board imported from this file's export): the n-th
    record titled alike in a lane of a project is the n-th such task there."""
    wanted: dict[tuple[str, str | None, str], list[ImportDraft]] = defaultdict(list)
    for r in records:
        lane = loose(r.column) if r.column else None  # no lane: any column
        wanted[(identity_project(r, target), lane, loose(r.title))].append(r)
    titles = {title for _p, _l, title in wanted}
    taken = {ids[0] for ids in found.values()}
    alike: dict[tuple[str, str | None, str], list[tuple[int, int, int]]] = defaultdict(list)
    projects = sorted({p for p, _l, _t in wanted})
    stmt = (
        "SELECT p.key, c.name, t.title, t.id, t.project_id, t.column_id FROM task t"
        " JOIN project p ON p.id = t.project_id JOIN board_column c ON c.id = t.column_id"
        f" WHERE p.key IN ({marks(projects)}) ORDER BY c.position, t.rank, t.id"
    )
    for project, column, title, *ids in w.rows(stmt, projects):
        same = loose(title)
        if same in titles and ids[0] not in taken:
            alike[(project, loose(column), same)].append((ids[0], ids[1], ids[2]))
            alike[(project, None, same)].append((ids[0], ids[1], ids[2]))
    for identity, group in wanted.items():
        pool = (ids for ids in alike.get(identity, ()) if ids[0] not in taken)
        for r, match in zip(group, pool, strict=False):
            found[r.source_id or ""] = match
            taken.add(match[0])
