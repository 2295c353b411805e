"""Which entries a search ranks: the newest `ranked` matches, found with bounded work.

A search ranks the newest matches only (at most `ranked`, by the entry's time, then its
id; archived cards, the project and the kind filtered first), so a word found in most
entries costs about as much as a rare one. Both backends find the same entries the
same way:

1. Walk `search_entry` newest first along its (at, id) index, or a project's entries
   along (project_id, at, id) when the search is narrowed to one (migration 0005), a
   chunk of entries at a time, and keep those of each chunk that match every word and
   pass the filters. A common word fills `ranked` within a chunk or two.
2. When the matches are too sparse for the walk to end soon (a rare word, or a filter
   few entries pass: projected from what the walk found so far), read the remaining
   matches from the full-text index instead, newest first: they are few.

Either way the answer is the same entries; only the work differs. Which of them hold
every word in their main text (a title, a comment, a decision), which ranks them first,
is asked of the index for these entries alone.

SQLite checks a chunk with FTS5 over the rowid range of each table's entries in it (an
entry's id is its row's id * 8 + a code for its table, so one table's newest rows are
one narrow range), and looks a word up as the whole terms it begins (`search_vocab`,
migration 0004): FTS5 then reads only the part of each term's list in the range, where a
prefix query would first merge every matching term's whole list. PostgreSQL checks a
chunk's tsvectors directly.

The statements run over the session's DB-API connection (`ReadConnection`): a walk
reads thousands of ids, which the ORM's row processing would make cost more than the
database's own work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from sqlmodel import Session

from taskboard.store.connect import ReadConnection

# The newest matches a search ranks (more when more hits are asked for).
RANKED = 500
# A walk that would read more than this many entries per match wanted reads the
# remaining matches from the index instead.
WALK_PER_MATCH = 32
# A chunk whose tables' rowid ranges span more than this many entries per entry in it
# (rows whose time does not follow their id, such as an import of old tasks) is checked
# with the index's full list instead.
SCATTER = 16
# Longer prefixes are looked up as the whole terms they begin, up to this many of them.
EXPAND = 32
PREFIX_INDEX = 3  # FTS5 keeps prefixes of up to this many characters (migration 0002)

Key = tuple[Any, int]  # (at, id) of the last entry walked

# An entry's card (none for meeting items and goals).
_CARD = " LEFT JOIN task AS a ON a.id = x.task_id"
_NOT_ARCHIVED = "(a.id IS NULL OR a.archived <> ?)"
# An entry's project is its own column (migration 0005): a walk narrowed to a project
# reads that project's entries along the index (project_id, at, id).
_IN_PROJECT = "x.project_id = ?"
_AFTER = "(x.at, x.id) < (?, ?)"
_WALK = "SELECT x.id, x.at FROM search_entry AS x {where} ORDER BY x.at DESC, x.id DESC LIMIT ?"
_POSTGRES_WALK = (
    "SELECT x.id, x.at, x.words @@ CAST(? AS tsquery) FROM search_entry AS x {where}"
    " ORDER BY x.at DESC, x.id DESC LIMIT ?"
)
_KEEP = "SELECT x.id FROM search_entry AS x{joins} WHERE {ids} AND {filters}"
_SQLITE_REST = """
SELECT x.id FROM search_entry AS x NOT INDEXED{joins}
WHERE x.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)
  AND {after}{filters}
ORDER BY x.at DESC, x.id DESC
LIMIT ?
"""
# The matches sorted before the filters join their cards (OFFSET 0 keeps the subquery
# and its order), so the joins stop at the LIMIT: archived cards are few.
_POSTGRES_REST = """
WITH m AS MATERIALIZED (
    SELECT id, kind, task_id, project_id, at FROM search_entry
    WHERE words @@ CAST(? AS tsquery)
)
SELECT x.id
FROM (SELECT * FROM m AS x WHERE {after}1 = 1 ORDER BY x.at DESC, x.id DESC OFFSET 0) AS x{joins}
WHERE {filters}
ORDER BY x.at DESC, x.id DESC
LIMIT ?
"""
_SQLITE_RANGE = "SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid BETWEEN ? AND ?"
_POSTGRES_AMONG = "SELECT id FROM search_entry WHERE id = ANY(?) AND {column} @@ CAST(? AS tsquery)"
# fts5vocab gives its rows in term order and seeks to the first one a lower bound allows
# (`term > x` would read every instance of x first).
_NEXT_TERM = "SELECT term FROM search_vocab WHERE term >= ? LIMIT 1"


@dataclass
class Filters:
    """Archived cards left out and the kinds a search is narrowed to, as SQL over
    `search_entry AS x` (the tables joined, the conditions and their parameters), and the
    project, which the walk applies as it reads and the index's reads as a condition."""

    joins: str = _CARD
    sql: str = _NOT_ARCHIVED
    params: list[Any] = field(default_factory=lambda: [True])
    project_id: int | None = None

    @classmethod
    def of(cls, project_id: int | None, kinds: Sequence[str] | None) -> Filters:
        filters = cls(project_id=project_id)
        if kinds is not None:
            filters.sql += f" AND x.kind IN ({', '.join('?' * len(kinds))})"
            filters.params.extend(kinds)
        return filters

    def keep(self, conn: ReadConnection, ids: list[int]) -> set[int]:
        """Those of `ids` (entries of the project, when there is one) that pass."""
        if not ids:
            return set()
        among, params = ids_among(conn.backend, "x.id", ids)
        sql = _KEEP.format(joins=self.joins, ids=among, filters=self.sql)
        return {row[0] for row in conn.rows(sql, [*params, *self.params])}

    def newest(
        self, conn: ReadConnection, sql: str, query: str, key: Key | None, size: int
    ) -> list[int]:
        """The ids `sql` gives for the entries older than `key`: a query over `x` with a
        full-text `query` first, then {joins}, {after} and {filters}, then a LIMIT."""
        after = _AFTER + " AND " if key is not None else ""
        filters, params = self.sql, [query, *(key or ()), *self.params]
        if self.project_id is not None:
            filters += " AND " + _IN_PROJECT
            params.append(self.project_id)
        text = sql.format(joins=self.joins, after=after, filters=filters)
        params.append(size)
        return [row[0] for row in conn.rows(text, params)]


class Chunk(NamedTuple):
    """Entries of a walk, (id, at) newest first, and the ids of those that match (None:
    not told)."""

    rows: list[Any]
    hits: set[int] | None


class Matcher(Protocol):
    """How one backend tells which entries match a query's words."""

    def walk(
        self, conn: ReadConnection, project_id: int | None, key: Key | None, size: int
    ) -> Chunk:
        """The `size` entries after `key` (of the project, when one is given), newest
        first, and which of them match every word (None when that cannot be told cheaply:
        the caller reads the rest from the index)."""

    def in_title(self, conn: ReadConnection, ids: list[int]) -> set[int]:
        """Those of `ids` (matches) whose main text holds every word."""

    def rest(self, conn: ReadConnection, filters: Filters, key: Key | None, size: int) -> list[int]:
        """The newest `size` matches older than `key` (the last entry walked) that pass
        `filters`, read from the full-text index."""


class SqliteMatcher:
    def __init__(self, conn: ReadConnection, terms: list[str]) -> None:
        words = [_sqlite_word(conn, t) for t in terms]
        self.empty = None in words  # a word no indexed term begins: nothing matches
        every = " AND ".join(w for w in words if w is not None)
        self.every, self.title = every, f"title : ({every})"

    def walk(
        self, conn: ReadConnection, project_id: int | None, key: Key | None, size: int
    ) -> Chunk:
        where, params = _walked(project_id, key)
        rows = conn.rows(_WALK.format(where=where), [*params, size])
        ids = [row[0] for row in rows]
        ranges = _ranges(ids)
        if sum((hi - lo) // 8 + 1 for lo, hi in ranges) > SCATTER * len(ids):
            return Chunk(rows, None)
        return Chunk(rows, self._among(conn, self.every, ids, ranges))

    def in_title(self, conn: ReadConnection, ids: list[int]) -> set[int]:
        return self._among(conn, self.title, ids, _ranges(ids))

    def _among(
        self, conn: ReadConnection, query: str, ids: list[int], ranges: list[tuple[int, int]]
    ) -> set[int]:
        found = conn.batch([(_SQLITE_RANGE, (query, lo, hi)) for lo, hi in ranges])
        return {row[0] for rows in found for row in rows}.intersection(ids)

    def rest(self, conn: ReadConnection, filters: Filters, key: Key | None, size: int) -> list[int]:
        return filters.newest(conn, _SQLITE_REST, self.every, key, size)


class PostgresMatcher:
    def __init__(self, terms: list[str]) -> None:
        self.every = " & ".join(f"'{t}':*" for t in terms)

    def walk(
        self, conn: ReadConnection, project_id: int | None, key: Key | None, size: int
    ) -> Chunk:
        where, params = _walked(project_id, key)
        rows = conn.rows(_POSTGRES_WALK.format(where=where), [self.every, *params, size])
        return Chunk([row[:2] for row in rows], {row[0] for row in rows if row[2]})

    def in_title(self, conn: ReadConnection, ids: list[int]) -> set[int]:
        return self._among(conn, "title_words", ids)

    def _among(self, conn: ReadConnection, column: str, ids: list[int]) -> set[int]:
        sql = _POSTGRES_AMONG.format(column=column)
        return {row[0] for row in conn.rows(sql, [ids, self.every])}

    def rest(self, conn: ReadConnection, filters: Filters, key: Key | None, size: int) -> list[int]:
        return filters.newest(conn, _POSTGRES_REST, self.every, key, size)


def ids_among(backend: str, column: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    """SQL for `column` among `ids`, and its parameters. PostgreSQL gets one array
    parameter (`= ANY(?)`): one statement text for any number of ids, parsed and planned
    alike, and no list of a thousand literals to send. SQLite has no arrays: the ids are
    written out (integers only, never text a person typed)."""
    if backend == "postgresql":
        return f"{column} = ANY(?)", [list(ids)]
    return f"{column} IN ({', '.join(str(int(i)) for i in ids)})", []


def connection(s: Session) -> ReadConnection:
    """The session's own DB-API connection, inside its transaction."""
    return ReadConnection(s.connection().connection.dbapi_connection, s.get_bind().dialect.name)


def matcher(conn: ReadConnection, terms: list[str]) -> Matcher | None:
    """The matcher of this connection's backend; None when the words can match nothing."""
    if conn.backend == "postgresql":
        return PostgresMatcher(terms)
    found = SqliteMatcher(conn, terms)
    return None if found.empty else found


def newest_matches(
    conn: ReadConnection, m: Matcher, filters: Filters, ranked: int = RANKED
) -> list[int]:
    """The ids of the newest `ranked` matches that pass `filters` (time, then id,
    descending), newest first."""
    found: list[int] = []
    key: Key | None = None
    walked = 0
    size = 2 * ranked
    while True:
        chunk, hits = m.walk(conn, filters.project_id, key, size)
        if not chunk:
            return found
        if hits is None:
            break
        kept = filters.keep(conn, [row[0] for row in chunk if row[0] in hits])
        found += [row[0] for row in chunk if row[0] in kept][: ranked - len(found)]
        walked += len(chunk)
        key = (chunk[-1][1], chunk[-1][0])
        wanted = ranked - len(found)
        if wanted == 0 or len(chunk) < size:
            return found
        # The entries still to read at the density seen so far, with some to spare.
        more = wanted * walked // max(len(found), 1) * 5 // 4 + 1
        if walked + more > WALK_PER_MATCH * ranked:
            break
        size = max(more, ranked)
    return found + m.rest(conn, filters, key, ranked - len(found))


def _walked(project_id: int | None, key: Key | None) -> tuple[str, list[Any]]:
    """The WHERE clause of a walk's chunk, and its parameters."""
    conditions = ([_IN_PROJECT] if project_id is not None else []) + ([_AFTER] if key else [])
    params = ([project_id] if project_id is not None else []) + list(key or ())
    return ("WHERE " + " AND ".join(conditions) if conditions else ""), params


def _ranges(ids: list[int]) -> list[tuple[int, int]]:
    """The rowid range of each table's entries among `ids`."""
    low: dict[int, int] = {}
    high: dict[int, int] = {}
    for i in sorted(ids):
        code = i & 7
        high[code] = i
        low.setdefault(code, i)
    return sorted((low[code], high[code]) for code in low)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _sqlite_word(conn: ReadConnection, word: str) -> str | None:
    """A query word as an FTS5 expression that matches every term it begins: a short
    prefix as a prefix (FTS5 indexes those), a longer one as the terms themselves, read
    from `search_vocab` one at a time; None when no term begins with it."""
    if len(word) <= PREFIX_INDEX:
        return _quoted(word) + "*"
    terms: list[str] = []
    after = word
    while len(terms) <= EXPAND:
        found = conn.one(_NEXT_TERM, [after])
        if found is None or not found[0].startswith(word):
            break
        terms.append(found[0])
        # The least text after this term that it does not begin: no term holds a
        # character below "0" (every one of them separates words).
        after = found[0] + "\x01"
    if not terms:
        return None
    if len(terms) > EXPAND:
        return _quoted(word) + "*"
    return "(" + " OR ".join(map(_quoted, terms)) + ")"
