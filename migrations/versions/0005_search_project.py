"""Search narrowed to a project: each search entry carries its project.

A search narrowed to a project walks the entries newest first (`search_walk`); without
the project on the entry, each match needed its card (and a comment's card) looked up to
be kept or dropped: about 2,500 lookups for a common word in one of five projects. With
`search_entry.project_id` and an index on (project_id, at, id) the walk reads that
project's entries only.

The column is set when an entry is written, by one trigger on `search_entry` itself (the
card's project for tasks and comments, the meeting's for meeting items, none for goals),
so the triggers of 0002, which write the entries, stay as they are. A card that moves to
another project takes its entry and its comments' entries along (a trigger on
`task.project_id`); a meeting's items follow their meeting likewise. No table is rebuilt
(SQLite adds the column in place).

Unlike 0002's, these triggers read other tables. A later batch migration that rebuilds
`task` or `meeting` must create `search_project_<table>` again, as it must 0002's; the
rebuild itself works because migrations run with SQLite's legacy rename (migrations/env.py),
which leaves the trigger on `search_entry` naming the table as written.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The project of the entry `r`: its card's, else its meeting's (goals have none).
_PROJECT_OF = (
    "coalesce((SELECT project_id FROM task WHERE id = {r}.task_id),"
    " (SELECT project_id FROM meeting WHERE id = {r}.meeting_id))"
)
# The entries that follow a card or a meeting to its new project.
_CARD_ENTRIES = "id = NEW.id * 8 + 1 OR id IN (SELECT id * 8 + 2 FROM comment WHERE task_id = NEW.id)"
_MEETING_ENTRIES = "id IN (SELECT id * 8 + 3 FROM meeting_item WHERE meeting_id = NEW.id)"


def upgrade() -> None:
    op.execute("ALTER TABLE search_entry ADD COLUMN project_id integer")
    op.execute(f"UPDATE search_entry SET project_id = {_PROJECT_OF.format(r='search_entry')}")
    op.execute("CREATE INDEX ix_search_entry_project ON search_entry (project_id, at, id)")
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        # The planner learns the new column's values now, not at the next autovacuum: until
        # then it misjudges the walk of a project and reads ten times the entries.
        op.execute("ANALYZE search_entry")
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("search_entry", "task", "meeting"):
            op.execute(f"DROP TRIGGER IF EXISTS search_project_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS taskboard_search_project_{table}()")
    else:
        for table in ("search_entry", "task", "meeting"):
            op.execute(f"DROP TRIGGER IF EXISTS search_project_{table}")
    op.execute("DROP INDEX IF EXISTS ix_search_entry_project")
    # SQLite drops a column in place since 3.35 (no index or trigger names it any more).
    op.execute("ALTER TABLE search_entry DROP COLUMN project_id")


def _upgrade_sqlite() -> None:
    op.execute(
        "CREATE TRIGGER search_project_search_entry AFTER INSERT ON search_entry BEGIN "
        f"UPDATE search_entry SET project_id = {_PROJECT_OF.format(r='NEW')} WHERE id = NEW.id; END"
    )
    op.execute(
        "CREATE TRIGGER search_project_task AFTER UPDATE OF project_id ON task BEGIN "
        f"UPDATE search_entry SET project_id = NEW.project_id WHERE {_CARD_ENTRIES}; END"
    )
    op.execute(
        "CREATE TRIGGER search_project_meeting AFTER UPDATE OF project_id ON meeting BEGIN "
        f"UPDATE search_entry SET project_id = NEW.project_id WHERE {_MEETING_ENTRIES}; END"
    )


def _upgrade_postgresql() -> None:
    functions = {
        "search_entry": f"NEW.project_id := {_PROJECT_OF.format(r='NEW')}; RETURN NEW;",
        "task": f"UPDATE search_entry SET project_id = NEW.project_id WHERE {_CARD_ENTRIES}; RETURN NULL;",
        "meeting": (
            f"UPDATE search_entry SET project_id = NEW.project_id WHERE {_MEETING_ENTRIES};"
            " RETURN NULL;"
        ),
    }
    for table, body in functions.items():
        op.execute(
            f"CREATE FUNCTION taskboard_search_project_{table}() RETURNS trigger"
            f" LANGUAGE plpgsql AS $fn$ BEGIN {body} END $fn$"
        )
    op.execute(
        "CREATE TRIGGER search_project_search_entry BEFORE INSERT ON search_entry"
        " FOR EACH ROW EXECUTE FUNCTION taskboard_search_project_search_entry()"
    )
    for table in ("task", "meeting"):
        op.execute(
            f"CREATE TRIGGER search_project_{table} AFTER UPDATE OF project_id ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION taskboard_search_project_{table}()"
        )
