"""Search for common words: what lets a search walk the index's entries newest first.

A search ranks only the newest matches (`taskboard.services.search`): it reads the
entries newest first and keeps those that match, which for a word in most entries ends
after a few thousand of them, however large the store.

SQLite: `search_vocab`, an fts5vocab table over `search_fts` (kind `instance`, which
reads lazily): the index's terms in order, so a query word is looked up as the few
whole terms it begins (read one at a time) rather than as a prefix, which FTS5 answers by
merging every matching term's list of entries before it returns the first. It stores
nothing; `search_entry (at, id)` is indexed since 0002.

PostgreSQL: an index on `search_entry (at, id)` to walk. The full-text queries that read
every match put theirs in a materialized CTE, so the planner never walks this index for
a rare word (the reason 0002 left it out).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_search_entry_at ON search_entry (at, id)")
    else:
        op.execute("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'instance')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entry_at")
    else:
        op.execute("DROP TABLE IF EXISTS search_vocab")
