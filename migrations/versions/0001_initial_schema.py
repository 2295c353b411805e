"""Initial schema: every table of the design, and the INBOX project that always exists.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 11:36:02.072606
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('change_id', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=True),
    sa.Column('old', sa.String(), nullable=True),
    sa.Column('new', sa.String(), nullable=True),
    sa.Column('undone', sa.Boolean(), nullable=False),
    sa.Column('reverts', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_change_id'), ['change_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_task_id'), ['task_id'], unique=False)

    op.create_table('cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cycle')),
    sa.UniqueConstraint('name', name=op.f('uq_cycle_name'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handle', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('handle', name=op.f('uq_person_handle'))
    )
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('key', name=op.f('uq_project_key'))
    )
    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag')),
    sa.UniqueConstraint('name', name=op.f('uq_tag_name'))
    )
    op.create_table('template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template')),
    sa.UniqueConstraint('name', name=op.f('uq_template_name'))
    )
    op.create_table('board_column',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('wip_limit', sa.Integer(), nullable=True),
    sa.Column('is_done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_board_column_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_column')),
    sa.UniqueConstraint('project_id', 'name', name=op.f('uq_board_column_project_id_name'))
    )
    with op.batch_alter_table('board_column', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_column_project_id'), ['project_id'], unique=False)

    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('started', sa.DateTime(), nullable=False),
    sa.Column('ended', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_meeting_project_id_project'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_project_id'), ['project_id'], unique=False)

    op.create_table('objective',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('status_override', sa.String(length=20), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_comment', sa.String(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('closed', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_objective_cycle_id_cycle'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_objective_owner_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['objective.id'], name=op.f('fk_objective_parent_id_objective'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objective')),
    sa.UniqueConstraint('key', name=op.f('uq_objective_key')),
    sa.UniqueConstraint('number', name=op.f('uq_objective_number'))
    )
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objective_parent_id'), ['parent_id'], unique=False)

    op.create_table('template_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('column_name', sa.String(length=60), nullable=True),
    sa.Column('tags', sa.String(), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['person.id'], name=op.f('fk_template_step_assignee_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['template.id'], name=op.f('fk_template_step_template_id_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_step'))
    )
    with op.batch_alter_table('template_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_template_step_template_id'), ['template_id'], unique=False)

    op.create_table('key_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('start_value', sa.Float(), nullable=False),
    sa.Column('target_value', sa.Float(), nullable=False),
    sa.Column('current_value', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], name=op.f('fk_key_result_objective_id_objective'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_key_result_owner_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_result')),
    sa.UniqueConstraint('key', name=op.f('uq_key_result_key')),
    sa.UniqueConstraint('objective_id', 'number', name=op.f('uq_key_result_objective_id_number'))
    )
    with op.batch_alter_table('key_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_result_objective_id'), ['objective_id'], unique=False)

    op.create_table('meeting_attendee',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_attendee_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_meeting_attendee_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'person_id', name=op.f('pk_meeting_attendee'))
    )
    op.create_table('check_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_result_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('previous_value', sa.Float(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_check_in_author_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['key_result_id'], ['key_result.id'], name=op.f('fk_check_in_key_result_id_key_result'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in'))
    )
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_in_key_result_id'), ['key_result_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('column_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('rank', sa.String(length=64), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.Column('updated', sa.DateTime(), nullable=False),
    sa.Column('completed', sa.DateTime(), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('recurrence', sa.String(length=200), nullable=True),
    sa.Column('key_result_id', sa.Integer(), nullable=True),
    sa.Column('source_id', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['person.id'], name=op.f('fk_task_assignee_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['column_id'], ['board_column.id'], name=op.f('fk_task_column_id_board_column'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['key_result_id'], ['key_result.id'], name=op.f('fk_task_key_result_id_key_result'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['task.id'], name=op.f('fk_task_parent_id_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_task_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
    sa.UniqueConstraint('key', name=op.f('uq_task_key')),
    sa.UniqueConstraint('project_id', 'number', name=op.f('uq_task_project_id_number')),
    sa.UniqueConstraint('source_id', name=op.f('uq_task_source_id'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_column_id'), ['column_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_due'), ['due'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_key_result_id'), ['key_result_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_project_id'), ['project_id'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('started', sa.DateTime(), nullable=True),
    sa.Column('discussed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_agenda_item_task_id_task'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.String(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_comment_author_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_comment_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_task_id'), ['task_id'], unique=False)

    op.create_table('dependency',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('blocked_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['blocked_by_id'], ['task.id'], name=op.f('fk_dependency_blocked_by_id_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_dependency_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'blocked_by_id', name=op.f('pk_dependency'))
    )
    with op.batch_alter_table('dependency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dependency_blocked_by_id'), ['blocked_by_id'], unique=False)

    op.create_table('task_tag',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_task_tag_tag_id_tag'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_tag_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'tag_id', name=op.f('pk_task_tag'))
    )
    with op.batch_alter_table('task_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_tag_tag_id'), ['tag_id'], unique=False)

    op.create_table('meeting_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('check_in_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_meeting_item_agenda_item_id_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['check_in_id'], ['check_in.id'], name=op.f('fk_meeting_item_check_in_id_check_in'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_meeting_item_task_id_task'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_item'))
    )
    with op.batch_alter_table('meeting_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_item_meeting_id'), ['meeting_id'], unique=False)
    _seed_inbox()


def _seed_inbox() -> None:
    """INBOX is where captured tasks without `+KEY` land; it exists from the start."""
    now = datetime.now(UTC).replace(tzinfo=None)
    project = sa.table(
        "project",
        sa.column("id", sa.Integer), sa.column("key", sa.String), sa.column("name", sa.String),
        sa.column("description", sa.String), sa.column("archived", sa.Boolean),
        sa.column("last_number", sa.Integer), sa.column("created", sa.DateTime),
    )
    column = sa.table(
        "board_column",
        sa.column("project_id", sa.Integer), sa.column("name", sa.String),
        sa.column("position", sa.Integer), sa.column("is_done", sa.Boolean),
    )
    op.bulk_insert(project, [{
        "id": 1, "key": "INBOX", "name": "Inbox",
        "description": "Captured tasks that have no project yet.",
        "archived": False, "last_number": 0, "created": now,
    }])
    op.bulk_insert(column, [
        {"project_id": 1, "name": name, "position": i, "is_done": name == "Done"}
        for i, name in enumerate(["Backlog", "To do", "Doing", "Done"])
    ])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('project', 'id'), 1)")


def downgrade() -> None:
    with op.batch_alter_table('meeting_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_item_meeting_id'))

    op.drop_table('meeting_item')
    with op.batch_alter_table('task_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_tag_tag_id'))

    op.drop_table('task_tag')
    with op.batch_alter_table('dependency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dependency_blocked_by_id'))

    op.drop_table('dependency')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_task_id'))

    op.drop_table('comment')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_project_id'))
        batch_op.drop_index(batch_op.f('ix_task_parent_id'))
        batch_op.drop_index(batch_op.f('ix_task_key_result_id'))
        batch_op.drop_index(batch_op.f('ix_task_due'))
        batch_op.drop_index(batch_op.f('ix_task_column_id'))
        batch_op.drop_index(batch_op.f('ix_task_assignee_id'))

    op.drop_table('task')
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_in_key_result_id'))

    op.drop_table('check_in')
    op.drop_table('meeting_attendee')
    with op.batch_alter_table('key_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_result_objective_id'))

    op.drop_table('key_result')
    with op.batch_alter_table('template_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_template_step_template_id'))

    op.drop_table('template_step')
    with op.batch_alter_table('objective', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objective_parent_id'))
        batch_op.drop_index(batch_op.f('ix_objective_cycle_id'))

    op.drop_table('objective')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_project_id'))

    op.drop_table('meeting')
    with op.batch_alter_table('board_column', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_column_project_id'))

    op.drop_table('board_column')
    op.drop_table('template')
    op.drop_table('tag')
    op.drop_table('project')
    op.drop_table('person')
    op.drop_table('cycle')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_task_id'))
        batch_op.drop_index(batch_op.f('ix_activity_project_id'))
        batch_op.drop_index(batch_op.f('ix_activity_change_id'))
        batch_op.drop_index(batch_op.f('ix_activity_at'))

    op.drop_table('activity')
