"""Meeting room: who has a running meeting open (heartbeats), and a question's owner.

`meeting_presence` holds one row per open meeting screen: its session (a random id of that
screen), who it is (the acting user), and when it last said it is still there. A screen
whose process died stops writing; readers count a row only while it is fresh.

`meeting_item.owner_id` is the person a question (`?: who books the transporter @jonas`)
was given to: a nullable column with its foreign key. PostgreSQL adds both in place;
SQLite needs a batch rebuild of `meeting_item` for the foreign key, which would drop the
table's search triggers (revision 0002): they are read before and made again after.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 13:20:00
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_presence",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("session", sa.String(length=32), nullable=False),
        sa.Column("who", sa.String(length=40), nullable=False),
        sa.Column("seen", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_presence_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "session", name=op.f("pk_meeting_presence")),
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a foreign key only by rebuilding the table: keep its triggers (the
        # search index's, revision 0002) across the rebuild.
        with _triggers_kept("meeting_item"), op.batch_alter_table(
            "meeting_item", recreate="always"
        ) as batch:
            batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                "fk_meeting_item_owner_id_person",
                "person",
                ["owner_id"],
                ["id"],
                ondelete="SET NULL",
            )
    else:
        op.add_column("meeting_item", sa.Column("owner_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_meeting_item_owner_id_person"),
            "meeting_item",
            "person",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with _triggers_kept("meeting_item"), op.batch_alter_table(
            "meeting_item", recreate="always"
        ) as batch:
            batch.drop_constraint("fk_meeting_item_owner_id_person", type_="foreignkey")
            batch.drop_column("owner_id")
    else:
        op.drop_column("meeting_item", "owner_id")
    op.drop_table("meeting_presence")


@contextmanager
def _triggers_kept(table: str) -> Iterator[None]:
    """SQLite: make `table`'s triggers again after a batch rebuild dropped them with the old
    copy (taskboard's migrations run with foreign_keys OFF and check references after)."""
    triggers = [
        row[0]
        for row in op.get_bind().exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?"
            " ORDER BY name",
            (table,),
        )
    ]
    yield
    for sql in triggers:
        op.execute(sql)
