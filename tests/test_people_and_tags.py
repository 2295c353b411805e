"""People and tags by what people type, on both backends: a handle or its prefix in one
statement, and two writers making the same tag or person at once, on two connections.

The second writer asks while the first has made the name but not committed. Reading first
and inserting after, the second found nothing, then waited on the unique index and failed
with an IntegrityError once the first committed (PostgreSQL). `INSERT … ON CONFLICT DO
NOTHING` then a read gives it the first one's row. On SQLite the second waits for the
first's commit before it reads (writes begin IMMEDIATE): the same answers.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from taskboard.services import Services, lookup
from taskboard.services.errors import AmbiguousError, DuplicateError, UnknownPersonError
from taskboard.services.ops import find
from taskboard.store import Store
from taskboard.store.writer import Writer, writing


def race(target: str, first: Callable[[Writer], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """`first` in a write transaction held open until `second`, in a thread on a connection
    of its own, waits for it; then the first commits. Both answers; the second's error is
    raised here."""
    answer: dict[str, Any] = {}
    with writing(target) as w:
        mine = first(w)

        def run() -> None:
            try:
                answer["value"] = second()
            except Exception as exc:  # raised in the test's thread below
                answer["error"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        _wait_until_blocked(w, thread)
    thread.join(30)
    assert not thread.is_alive()
    if "error" in answer:
        raise answer["error"]
    return mine, answer["value"]


def _wait_until_blocked(w: Writer, thread: threading.Thread) -> None:
    """Until the other connection waits for this one's lock (PostgreSQL: it asked while this
    transaction is open). SQLite's second writer waits in BEGIN IMMEDIATE, before it asks;
    the answer does not hang on when this one commits, so a moment is enough."""
    if w.backend != "postgresql":
        time.sleep(0.2)
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and thread.is_alive():
        waiting = w.one(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()"
            " AND (database IS NULL OR database = (SELECT oid FROM pg_database"
            " WHERE datname = current_database()))"
        )
        if waiting and waiting[0]:
            return
        time.sleep(0.02)
    raise AssertionError("the second writer never waited for the first")


def test_two_writers_make_one_tag(store: Store, store_target: str) -> None:
    def second() -> dict[str, int]:
        with writing(store_target) as w:
            return find.tag_ids(w, ["#Hub", "papers"])

    mine, theirs = race(store_target, lambda w: find.tag_ids(w, ["hub"]), second)
    assert theirs["hub"] == mine["hub"] and set(theirs) == {"hub", "papers"}
    with writing(store_target) as w:
        assert w.rows("SELECT name FROM tag ORDER BY name") == [("hub",), ("papers",)]


def test_two_writers_make_one_person_from_a_handle(store: Store, store_target: str) -> None:
    def second() -> tuple[int, str, bool]:
        with writing(store_target) as w:
            return find.resolve_person(w, "@newbie")

    mine, theirs = race(store_target, lambda w: find.resolve_person(w, "newbie"), second)
    assert mine[2] and theirs == (mine[0], "newbie", False)


def test_adding_a_person_someone_adds_at_once_is_refused_as_a_duplicate(
    store: Store, store_target: str, services: Services
) -> None:
    def first(w: Writer) -> tuple[int, bool]:
        return find.add_person(w, "newbie", "New Bie")

    with pytest.raises(DuplicateError, match="@newbie already exists"):
        race(store_target, first, lambda: services.people.add("newbie", "Another Newbie"))
    assert [(p.handle, p.name) for p in services.people.all() if p.handle == "newbie"] == [
        ("newbie", "New Bie")
    ]


@contextmanager
def statements(s: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The statements sent in the block, by the ORM and by the session's writer."""
    sent: list[str] = []
    s.execute(text("SELECT 1"))  # the transaction begun before counting
    connection = s.connection()

    def orm(*args: Any) -> None:
        sent.append(args[2])

    plain = Writer._execute

    def counted(self: Writer, sql: str, params: Any) -> Any:
        sent.append(sql)
        return plain(self, sql, params)

    event.listen(connection, "before_cursor_execute", orm)
    with monkeypatch.context() as m:
        m.setattr(Writer, "_execute", counted)
        yield sent
    event.remove(connection, "before_cursor_execute", orm)


def test_a_handle_or_its_prefix_is_found_in_one_statement(
    services: Services, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for handle in ("jonas", "jonas.k", "joanna", "mia"):
        services.people.add(handle, handle.title())
    with store.read() as s:
        w = Writer.of_session(s)
        for typed, found in [
            ("jonas", "jonas"),
            ("@JONAS", "jonas"),
            ("mi", "mia"),
            ("joa", "joanna"),
        ]:
            with statements(s, monkeypatch) as sent:
                assert lookup.resolve_person(s, typed, create=False)[0].handle == found
            assert len(sent) == 1, sent
            with statements(s, monkeypatch) as sent:
                assert find.resolve_person(w, typed, create=False)[1:] == (found, False)
            assert len(sent) == 1, sent
        with pytest.raises(AmbiguousError, match=re.escape("'@jo': @jonas, @jonas.k, @joanna")):
            lookup.resolve_person(s, "jo")
        with pytest.raises(UnknownPersonError):
            lookup.resolve_person(s, "jx", create=False)
        assert find.resolve_person(w, "jonas.k", create=False)[1] == "jonas.k"
        assert lookup.resolve_person(s, "jonas.")[0].handle == "jonas.k"  # a prefix of one
