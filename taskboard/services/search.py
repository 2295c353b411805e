"""Search everything: one query over the index that migration 0002 keeps by triggers.

Every word of the query must match the start of a word (case and accents folded the
way the index folds them, `taskboard.store.search_fold`). The words reach the database
as quoted FTS5 strings (SQLite) or quoted tsquery lexemes (PostgreSQL), never as query
syntax.

Order, the same on both backends: a search ranks the newest matches only — the newest
`RANKED` (500, or as many as the hits asked for when that is more) by the entry's time,
then its id, archived cards and the project and kind filters applied first
(`search_walk`). Among those, hits whose main text (a task's
or a goal's title, a comment, a decision) holds every word come first, then the others;
each newest first. A word found in fewer than `RANKED` entries has all of them ranked;
for a very common word, an older entry that holds it in its title loses to the newer
entries that hold it anywhere. The bound keeps such a search as cheap as a rare word's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlmodel import Session

from taskboard.domain.errors import InvalidFieldError
from taskboard.domain.search_views import KINDS, SearchHit
from taskboard.domain.text import clean
from taskboard.services.context import ServiceContext
from taskboard.services.lookup import project_by_key
from taskboard.services.search_walk import (
    RANKED,
    Filters,
    connection,
    ids_among,
    matcher,
    newest_matches,
)
from taskboard.store.search_fold import fold, words

# The kinds an index entry has, for each kind a search is narrowed to.
_ENTRY_KINDS = {
    "task": ("task",),
    "comment": ("comment",),
    "decision": ("decision",),
    "question": ("question",),
    "note": ("note",),
    "goal": ("objective", "key_result"),
}
_GOALS = ("objective", "key_result")
MAX_LIMIT = 1000
SNIPPET_WIDTH = 90

# Texts and names are read for the hits kept only.
_SQLITE_TEXT = "JOIN search_fts AS f ON f.rowid = e.id"
_SELECT = """
SELECT e.id, e.kind, e.ref_id, e.meeting_id, {texts}, e.at,
       t.key AS task_key, t.title AS task_title, m.title AS meeting_title,
       o.key AS objective_key, kr.key AS kr_key, p.key AS project
FROM search_entry AS e
{text}
LEFT JOIN task AS t ON t.id = e.task_id
LEFT JOIN meeting AS m ON m.id = e.meeting_id
LEFT JOIN project AS p ON p.id = coalesce(t.project_id, m.project_id)
LEFT JOIN objective AS o ON e.kind = 'objective' AND o.id = e.ref_id
LEFT JOIN key_result AS kr ON e.kind = 'key_result' AND kr.id = e.ref_id
WHERE {ids}
"""


class _Found(NamedTuple):
    """A hit's row as `_SELECT` reads it."""

    id: int
    kind: str
    ref_id: int | None
    meeting_id: int | None
    title: str
    body: str
    at: datetime | str
    task_key: str | None
    task_title: str | None
    meeting_title: str | None
    objective_key: str | None
    kr_key: str | None
    project: str | None


class SearchService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def search(
        self,
        query: str,
        project: str | None = None,
        kind: str | None = None,
        limit: int = 50,
        ranked: int | None = None,
    ) -> list[SearchHit]:
        """The best `limit` hits for `query` (archived cards and their comments left out)
        among its newest `ranked` matches (RANKED, or `limit` when that is more).

        An unknown kind or project is refused; a query without a letter or digit finds
        nothing."""
        if kind is not None and kind not in KINDS:
            raise InvalidFieldError("kind", f"unknown kind '{clean(kind)}': use {', '.join(KINDS)}")
        limit = max(1, min(limit, MAX_LIMIT))
        ranked = max(RANKED, limit) if ranked is None else max(1, ranked)
        with self.ctx.store.read() as s:
            project_id = project_by_key(s, project).id if project is not None else None
            terms = words(query)
            if not terms:
                return []
            rows = self._rows(s, terms, project_id, kind, limit, ranked)
        return [_hit(row, terms, in_title) for in_title, row in rows]

    def _rows(
        self,
        s: Session,
        terms: list[str],
        project_id: int | None,
        kind: str | None,
        limit: int,
        ranked: int,
    ) -> list[tuple[bool, Any]]:
        """(in the main text, row) for the best `limit` hits, best first."""
        conn = connection(s)
        m = matcher(conn, terms)
        if m is None:
            return []
        filters = Filters.of(project_id, _ENTRY_KINDS[kind] if kind is not None else None)
        newest = newest_matches(conn, m, filters, ranked)
        if not newest:
            return []
        in_title = m.in_title(conn, newest)
        ids = [i for i in newest if i in in_title] + [i for i in newest if i not in in_title]
        ids = ids[:limit]
        postgres = conn.backend == "postgresql"
        among, params = ids_among(conn.backend, "e.id", ids)
        sql = _SELECT.format(
            texts="e.title, e.body" if postgres else "f.title, f.body",
            text="" if postgres else _SQLITE_TEXT,
            ids=among,
        )
        found = {row[0]: _Found(*row) for row in conn.rows(sql, params)}
        return [(i in in_title, found[i]) for i in ids]


def _when(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _hit(row: Any, terms: list[str], in_title: bool) -> SearchHit:
    kind = row.kind
    text_first = [row.title, row.body]
    if kind in ("task", "comment"):
        key, title = row.task_key, row.task_title
        if kind == "task":
            text_first.reverse()  # the title is shown already; the notes say more
    elif kind in _GOALS:
        key, title = (row.objective_key if kind == "objective" else row.kr_key), row.title
        text_first.reverse()
        kind = "goal"
    else:
        key, title = str(row.meeting_id), row.meeting_title
    return SearchHit(
        kind=kind,
        key=key,
        project=row.project,
        title=clean(title),
        snippet=snippet(text_first, terms),
        when=_when(row.at),
        in_title=in_title,
    )


def snippet(texts: list[str], terms: list[str], width: int = SNIPPET_WIDTH) -> str:
    """About `width` characters of the first text that holds a query word, around it;
    one line, control characters removed, cuts marked with "…"."""
    for candidate in texts:
        start = _first_match(candidate, terms)
        if start is not None:
            return _window(candidate, start, width)
    return ""


def _first_match(text: str, terms: list[str]) -> int | None:
    """Where in `text` the first word starting with one of `terms` begins."""
    for word, position in _word_starts(text):
        if any(word.startswith(t) for t in terms):
            return position
    return None


def _word_starts(text: str) -> list[tuple[str, int]]:
    folded = fold(text)
    if len(folded) == len(text):  # nothing dropped: positions are the same in both
        found, at = [], 0
        for word in folded.split(" "):
            if word:
                found.append((word, at))
            at += len(word) + 1
        return found
    # Fold character by character so positions in the folded text map back to `text`.
    found = []
    current: list[str] = []
    start = 0
    for index, char in enumerate(text):
        folded = fold(char)
        if folded == " ":
            if current:
                found.append(("".join(current), start))
                current = []
            continue
        if not current:
            start = index
        current.append(folded)
    if current:
        found.append(("".join(current), start))
    return found


def _window(text: str, start: int, width: int) -> str:
    begin = max(0, start - width // 4)
    end = min(len(text), begin + width)
    begin = max(0, min(begin, end - width))
    part = " ".join(clean(text[begin:end]).split())
    return ("…" if begin > 0 else "") + part + ("…" if end < len(text) else "")
