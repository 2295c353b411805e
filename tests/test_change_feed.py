"""The change feed: a write anywhere reaches a subscriber, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from taskboard.services import ServiceError, Services
from taskboard.services.import_drafts import ImportDraft
from taskboard.store import Store, open_store
from taskboard.store.feed import APPLICATION_NAME

# Generous against a loaded machine; benchmarks/bench_feed.py measures the real figure.
DEADLINE_S = 2.0


def second_store(store: Store) -> Store:
    """The same store as another process opens it: its own engine and connections."""
    return open_store(store.url.render_as_string(hide_password=False))


def test_a_write_through_another_connection_reaches_a_subscriber(store: Store) -> None:
    other = second_store(store)
    try:
        since = store.feed.start()
        Services.open(other, "ben").projects.create("DEL", "Deliveries")
        assert store.feed.wait(since, DEADLINE_S) != since
        # And again: the feed keeps going after the first change.
        since = store.feed.revision
        Services.open(other, "ben").tasks.capture("Call the garage +DEL")
        assert store.feed.wait(since, DEADLINE_S) != since
    finally:
        other.close()


def test_an_import_and_a_restore_reach_a_subscriber(store: Store, tmp_path: Path) -> None:
    """Writes that do not go through a use case's change (bulk paths) are heard too."""
    other = second_store(store)
    try:
        services = Services.open(other, "ben")
        services.projects.create("DEL", "Deliveries")
        since = store.feed.start()
        services.transfer.import_tasks("DEL", [ImportDraft(where="line 1", title="Imported")])
        assert store.feed.wait(since, DEADLINE_S) != since
        dump = list(services.transfer.dump())
    finally:
        other.close()
    empty = open_store(str(tmp_path / "empty.db"))
    try:
        since = empty.feed.start()
        restorer = open_store(str(tmp_path / "empty.db"))
        Services.open(restorer, "ben").transfer.restore(dump)
        restorer.close()
        assert empty.feed.wait(since, DEADLINE_S) != since
    finally:
        empty.close()


def test_a_write_of_this_process_counts_too(services: Services) -> None:
    feed = services.changes
    since = feed.start()
    services.projects.create("DEL", "Deliveries")
    assert feed.wait(since, DEADLINE_S) != since


def test_a_refused_write_tells_nobody(store: Store) -> None:
    other = second_store(store)
    try:
        since = store.feed.start()
        with pytest.raises(ServiceError):
            Services.open(other, "ben").tasks.capture("A card for nowhere +NOPE")
        assert store.feed.wait(since, 0.5) == since
    finally:
        other.close()


def test_subscribers_without_a_watcher_still_hear_their_own_writes() -> None:
    store = open_store("sqlite://")  # in memory: one connection, nobody else to hear
    try:
        since = store.feed.start()
        Services.open(store, "tester").projects.create("DEL", "Deliveries")
        assert store.feed.wait(since, DEADLINE_S) != since
    finally:
        store.close()


def test_closing_wakes_a_waiting_subscriber(store: Store) -> None:
    since = store.feed.start()
    started = time.monotonic()
    store.close()
    assert store.feed.wait(since, 30) == since
    assert time.monotonic() - started < 10
    assert store.feed.closed


def test_the_listener_survives_a_dropped_connection(store: Store) -> None:
    if store.backend != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    other = second_store(store)
    try:
        feed = store.feed
        feed.start()
        with other.engine.connect() as conn:
            killed = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            ).scalar()
        assert killed == 1
        deadline = time.monotonic() + 10
        while feed.reconnects == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert feed.reconnects == 1
        since = feed.revision
        Services.open(other, "ben").projects.create("DEL", "Deliveries")
        assert feed.wait(since, DEADLINE_S) != since
    finally:
        other.close()


def test_without_a_listen_connection_the_feed_polls(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store.backend != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    feed = store.feed
    args, params = feed._connect_args()
    # The listener's own connection cannot be opened (a pooler that refuses LISTEN, say).
    monkeypatch.setattr(feed, "_connect_args", lambda: (args, {**params, "port": 1}))
    other = second_store(store)
    try:
        since = feed.start()
        Services.open(other, "ben").projects.create("DEL", "Deliveries")
        assert feed.wait(since, DEADLINE_S) != since
        assert feed.reconnects == 0
    finally:
        other.close()


def test_a_change_between_two_stand_in_polls_is_not_missed(store: Store) -> None:
    """Without LISTEN the feed polls in windows between attempts to connect again; a commit
    that lands between two windows counts (the next window compares with where the last
    one ended, not with a fresh read)."""
    if store.backend != "postgresql":
        pytest.skip("the stand-in poll is PostgreSQL's")
    feed = store.feed
    ended_on = feed._poll_revision(0.0)  # a window that ended just now
    other = second_store(store)
    try:
        Services.open(other, "ben").projects.create("DEL", "Deliveries")
        seen = feed.revision
        assert feed._poll_revision(0.5, ended_on) != ended_on
        assert feed.revision != seen
    finally:
        other.close()


def test_a_watcher_that_fails_is_started_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(str(tmp_path / "store.db"))
    other = open_store(str(tmp_path / "store.db"))
    feed = store.feed
    watch = feed._watch_sqlite
    failures = [RuntimeError("a driver's surprise")]

    def failing_once(path: Path) -> None:
        if failures:
            raise failures.pop()
        watch(path)

    monkeypatch.setattr(feed, "_watch_sqlite", failing_once)
    monkeypatch.setattr("taskboard.store.feed.RECONNECT_S", (0.01,))
    try:
        since = feed.start()
        assert feed.wait(since, DEADLINE_S) != since  # what it may have missed counts
        since = feed.revision
        Services.open(other, "ben").projects.create("DEL", "Deliveries")
        assert feed.wait(since, DEADLINE_S) != since
        assert "the watcher failed" in caplog.text
    finally:
        other.close()
        store.close()


def test_a_heartbeat_moves_the_presence_count_not_the_revision(store: Store) -> None:
    """A meeting screen's heartbeat (another process's) wakes only who follows presence;
    a change of the data moves the revision."""
    other = second_store(store)
    try:
        services = Services.open(other, "ben")
        meeting, _ = services.meetings.join_running(None, "screen-a")
        feed = store.feed
        feed.start()
        seen = feed.wait_seen(feed.seen, 0.3)  # the start of the meeting, heard or not yet
        services.meetings.join(meeting.id, "screen-a")  # a heartbeat
        now = feed.wait_seen(seen, DEADLINE_S)
        assert now.presence != seen.presence
        assert feed.wait(now.revision, 0.5) == seen.revision  # the data did not change
        services.meetings.leave(meeting.id, "screen-a")
        assert feed.wait_seen(now, DEADLINE_S).revision == seen.revision
        services.meetings.capture(meeting.id, "decision: the heartbeat stays quiet")
        assert feed.wait(seen.revision, DEADLINE_S) != seen.revision
    finally:
        other.close()


def test_a_heartbeat_of_this_process_counts_as_presence(services: Services) -> None:
    feed = services.changes
    meeting, _ = services.meetings.join_running(None, "screen-a")
    seen = feed.start()
    presence = feed.presence
    services.meetings.join(meeting.id, "screen-a")
    deadline = time.monotonic() + DEADLINE_S
    while feed.presence == presence and time.monotonic() < deadline:
        time.sleep(0.01)
    assert feed.presence != presence
    assert feed.wait(seen, 0.3) == seen


def test_a_change_the_fingerprint_cannot_place_counts_as_data() -> None:
    from taskboard.store.feed import DATA, PRESENCE, kinds_of

    assert kinds_of((5, 1, "t1"), (6, 1, "t1")) == {DATA}
    assert kinds_of((5, 1, "t1"), (5, 1, "t2")) == {PRESENCE}
    assert kinds_of((5, 1, "t1"), (6, 0, None)) == {DATA, PRESENCE}
    assert kinds_of((5, 1, "t1"), (5, 1, "t1")) == {DATA}  # a write without activity
    assert kinds_of(None, (5, 1, "t1")) == {DATA}
