"""Holiday handover and agenda on both backends: windows, comments, and the Markdown note."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from markdown_it import MarkdownIt
from sqlalchemy import select

from taskboard.domain.agenda import agenda_group
from taskboard.domain.fields import TaskChanges
from taskboard.domain.models import Activity, Comment
from taskboard.exchange import escape
from taskboard.exchange.handover_note import handover_note
from taskboard.services import Services
from taskboard.services.errors import ConflictError, InvalidFieldError, NotFoundError
from taskboard.store import Store

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.fixture
def team(services: Services) -> Services:
    for handle in ("anna", "ben"):
        services.people.add(handle, handle.title())
    lines = [
        "Overdue thing @anna ^2026-11-20",
        "Due today @anna ^2026-11-25",
        "In the absence @anna ^2026-12-03",
        "After the absence @anna ^2026-12-20",
        "No date at all @anna",
        "Ben's own @ben ^2026-12-03",
        "Done already @anna ^2026-12-02",
    ]
    for line in lines:
        services.tasks.capture(line)
    services.tasks.complete("INBOX-7")
    return services


def test_agenda_groups(team: Services) -> None:
    view = team.people_views.agenda("anna", TODAY)
    assert [(name, [r.key for r in rows]) for name, rows in view.groups] == [
        ("overdue", ["INBOX-1"]),
        ("today", ["INBOX-2"]),
        ("this week", []),
        ("later", ["INBOX-3", "INBOX-4"]),
        ("no date", ["INBOX-5"]),
    ]
    assert agenda_group(date(2026, 11, 29), TODAY) == "this week"
    assert agenda_group(date(2026, 11, 30), TODAY) == "later"


def test_handover_with_window(team: Services, store: Store) -> None:
    result = team.people_views.handover("anna", "ben", date(2026, 12, 1), date(2026, 12, 14))
    assert [t.key for t in result.tasks] == ["INBOX-3"]
    assert team.tasks.row("INBOX-3").assignee == "ben"
    assert team.tasks.row("INBOX-4").assignee == "anna"
    with store.read() as s:
        bodies = list(s.scalars(select(Comment.body)))
        actions = set(
            s.execute(select(Activity.action, Activity.field).where(Activity.task_id == 3))
        )
    assert bodies == ["Handed over from @anna to @ben for the absence 2026-12-01..2026-12-14"]
    assert ("update", "assignee") in actions and ("comment", "comment") in actions


def test_handover_all_open_tasks(team: Services, store: Store) -> None:
    result = team.people_views.handover("anna", "ben")
    assert sorted(t.key for t in result.tasks) == [
        "INBOX-1",
        "INBOX-2",
        "INBOX-3",
        "INBOX-4",
        "INBOX-5",
    ]
    assert team.tasks.row("INBOX-7").assignee == "anna"  # done work stays
    assert all(
        c.body == "Handed over from @anna to @ben" for c in team.tasks.detail("INBOX-5").comments
    )
    with store.read() as s:
        assert len(list(s.scalars(select(Comment.id)))) == 5


def test_handover_refuses_bad_input_and_writes_nothing(team: Services, store: Store) -> None:
    with pytest.raises(InvalidFieldError):
        team.people_views.handover("anna", "anna")
    with pytest.raises(NotFoundError):
        team.people_views.handover("anna", "nobody")
    with pytest.raises(InvalidFieldError):
        team.people_views.handover("anna", "ben", date(2026, 12, 2), date(2026, 12, 1))
    with store.read() as s:
        assert list(s.scalars(select(Comment.id))) == []


def test_handover_note_markdown(team: Services) -> None:
    team.tasks.edit(
        "INBOX-1", TaskChanges(title="Fix *bold* | pipe <b>x</b> [link](http://x)\x1b[31m")
    )
    result = team.people_views.handover("anna", "ben")
    note = handover_note(result)
    tokens = MarkdownIt("commonmark").enable("table").parse(note)
    kinds = [t.type for t in tokens]
    assert kinds[0] == "heading_open" and "table_open" in kinds
    inline = [t for t in tokens if t.type == "inline"]
    assert inline[0].content == "Handover from @anna to @ben"
    html = MarkdownIt("commonmark").enable("table").render(note)
    assert "<strong>" not in html and "<em>" not in html and "<a " not in html and "<b>" not in html
    assert "\x1b" not in note
    assert html.count("<tr>") == 1 + len(result.tasks)
    assert "Fix *bold* | pipe &lt;b&gt;x&lt;/b&gt; [link](http://x)" in html
    assert "INBOX-1" in html and "2026-11-20" in html and "INBOX" in html
    assert escape.inline("a_b") == "a_b"  # inside a word `_` is no emphasis: no backslash


def test_my_agenda_before_anything_was_assigned_to_me(services: Services) -> None:
    """A new user is not a person in the store yet: their agenda is empty, not an error."""
    agenda = services.people_views.agenda()
    assert agenda.handle == "tester" and all(not rows for _, rows in agenda.groups)
    with pytest.raises(NotFoundError):
        services.people_views.agenda("nobody")


def test_a_handover_saves_each_task_as_a_new_version(team: Services) -> None:
    """A board that read a task before the handover is refused, not allowed to overwrite
    the new assignee (the version the one write of a task gives; the ORM's own version
    counter is gone with the ORM write it served)."""
    before = team.tasks.row("INBOX-3").version
    team.people_views.handover("anna", "ben")
    assert team.tasks.row("INBOX-3").version == before + 1
    with pytest.raises(ConflictError):
        team.tasks.edit("INBOX-3", TaskChanges(assignee="anna"), expected_version=before)
    assert team.tasks.row("INBOX-3").assignee == "ben"


def test_a_task_changed_while_it_is_handed_over_refuses_the_whole_handover(
    team: Services, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saved INBOX-3 after the handover read it: refused with the one-line conflict,
    and nothing of the handover is stored."""
    from taskboard.services import people_views

    read = people_views.tasks_by_id

    def read_before_someone_saved(w: Any, ids: Any) -> Any:
        records = read(w, ids)
        for record in records.values():
            if record.key == "INBOX-3":
                record.version -= 1  # as read, before someone saved the next one
                record.saved["version"] = record.version
        return records

    monkeypatch.setattr(people_views, "tasks_by_id", read_before_someone_saved)
    with pytest.raises(ConflictError, match="INBOX-3"):
        team.people_views.handover("anna", "ben")
    assert {r.assignee for r in team.tasks.rows() if r.key != "INBOX-6"} == {"anna"}
    with store.read() as s:
        assert s.scalars(select(Comment)).all() == []
