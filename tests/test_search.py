"""Search: what it finds (prefix, accents, every kind), its order, and that every write path
keeps the index in step, on each backend."""

from __future__ import annotations

import re
from typing import Any

import pytest

from taskboard.domain.errors import InvalidFieldError, NotFoundError
from taskboard.domain.fields import TaskChanges
from taskboard.domain.search_views import SearchHit
from taskboard.services import Services
from taskboard.services.import_drafts import ImportDraft
from taskboard.services.search import snippet


def found(services: Services, query: str, **kw: Any) -> list[tuple[str, str]]:
    return [(h.kind, h.key) for h in services.search.search(query, **kw)]


def keys(services: Services, query: str) -> set[str]:
    return {h.key for h in services.search.search(query)}


@pytest.fixture
def board(services: Services) -> Services:
    services.projects.create("FLT", "Fleet")
    services.tasks.capture("Übergabe für Flottenkunden +FLT")  # FLT-1
    services.tasks.capture("Winter tyres for the Hamburg hub +FLT")  # FLT-2
    services.tasks.capture("Order paper +FLT")  # FLT-3
    services.tasks.edit("FLT-3", TaskChanges(notes="ask Müller about WINTER stock"))
    services.tasks.comment("FLT-1", "Flotten handover moved to Tuesday")
    return services


def test_every_word_matches_as_a_prefix_without_case_or_accents(board: Services) -> None:
    assert found(board, "ubergabe flotten") == [("task", "FLT-1")]
    assert keys(board, "ÜBERG") == {"FLT-1"}
    assert keys(board, "muller") == {"FLT-3"}
    assert keys(board, "MÜLL") == {"FLT-3"}
    assert keys(board, "fur") == {"FLT-1"}
    assert keys(board, "flott") == {"FLT-1"}  # the task and its comment
    assert len(board.search.search("flott")) == 2
    assert keys(board, "tyres hamb") == {"FLT-2"}
    assert keys(board, "tyres paper") == set()  # every word must match
    assert keys(board, "yres") == set()  # a prefix, not any part of a word


def test_main_text_ranks_first_then_newest(board: Services) -> None:
    hits = board.search.search("winter")
    # FLT-2 has "winter" in its title; FLT-3 only in its notes, though it is newer.
    assert [(h.key, h.in_title) for h in hits] == [("FLT-2", True), ("FLT-3", False)]
    board.tasks.capture("Winter plan +FLT")  # FLT-4, newer: first of the title hits
    assert [h.key for h in board.search.search("winter")] == ["FLT-4", "FLT-2", "FLT-3"]


def test_query_text_is_never_query_syntax(board: Services) -> None:
    for query in (
        '"',
        "winter OR paper",
        "NEAR(winter paper)",
        "title: winter",
        "a*b",
        "-x",
        "winter & !paper",
        "'':*",
        "\\",
        "(",
        "{title}:x",
        "^winter",
    ):
        board.search.search(query)  # refuses nothing, raises nothing
    assert keys(board, "winter NOT paper") == set()  # NOT is a word here, and matches nothing
    assert keys(board, "winter OR paper") == {"FLT-3"}  # "or" is the start of "Order"
    assert keys(board, "title: winter") == set()
    assert keys(board, "winter's") == {"FLT-3"}  # "winter" and "s" (for "stock")
    assert keys(board, "(winter)") == {"FLT-2", "FLT-3"}
    assert board.search.search("   !!! ") == []


def test_kind_and_project_narrow_and_bad_ones_are_refused(board: Services) -> None:
    assert found(board, "flotten", kind="comment") == [("comment", "FLT-1")]
    assert found(board, "flotten", kind="task") == [("task", "FLT-1")]
    assert found(board, "flotten", project="flt") != []
    assert found(board, "flotten", project="INBOX") == []
    with pytest.raises(InvalidFieldError, match="unknown kind 'card'"):
        board.search.search("x", kind="card")
    with pytest.raises(NotFoundError, match="unknown project 'NOPE'"):
        board.search.search("x", project="NOPE")


def test_hits_carry_what_the_json_needs(board: Services) -> None:
    comment = next(h for h in board.search.search("tuesday"))
    assert comment.as_json() == {
        "kind": "comment",
        "key": "FLT-1",
        "project": "FLT",
        "title": "Übergabe für Flottenkunden",
        "snippet": "Flotten handover moved to Tuesday",
        "when": comment.when.isoformat(),
    }
    assert comment.when.tzinfo is not None


def test_decisions_questions_notes_and_goals_are_found(services: Services, key_result: str) -> None:
    services.projects.create("FLT", "Fleet")
    meeting = services.meetings.start("Fleet weekly", project="FLT")
    services.meetings.capture(meeting.id, "d: Winter tyres from Continental this year")
    services.meetings.capture(meeting.id, "? who pays the winter storage")
    services.meetings.capture(meeting.id, "n: winter storage is full in Hamburg")
    services.okr.add_objective("Winter ready fleet", "2026-Q4", description="all cars shod")
    hits = {(h.kind, h.key, h.project, h.title) for h in services.search.search("winter")}
    assert hits == {
        ("decision", str(meeting.id), "FLT", "Fleet weekly"),
        ("question", str(meeting.id), "FLT", "Fleet weekly"),
        ("note", str(meeting.id), "FLT", "Fleet weekly"),
        ("goal", "O2", None, "Winter ready fleet"),
    }
    assert found(services, "continental", kind="decision") == [("decision", str(meeting.id))]
    assert found(services, "shod") == [("goal", "O2")]
    assert found(services, "cars deliv", kind="goal") == [("goal", key_result), ("goal", "O1")]


def test_every_write_path_keeps_the_index_in_step(services: Services) -> None:
    key = services.tasks.capture("Kältemittel nachfüllen").task.key
    assert keys(services, "kaltemittel") == {key}
    services.tasks.edit(key, TaskChanges(title="Klimaanlage prüfen", notes="Kältemittel"))
    assert keys(services, "klima") == {key}
    assert [(h.key, h.in_title) for h in services.search.search("kalte")] == [(key, False)]
    services.undo.undo()  # the edit: the old title is back
    assert keys(services, "klima") == set()
    assert [(h.key, h.in_title) for h in services.search.search("kalte")] == [(key, True)]
    services.undo.redo()
    assert keys(services, "klima") == {key}
    services.tasks.comment(key, "Werkstatt Öztürk angerufen")
    assert found(services, "ozturk") == [("comment", key)]
    services.tasks.archive(key)
    assert keys(services, "klima") == set() and keys(services, "ozturk") == set()
    services.undo.undo()  # the archive
    assert found(services, "ozturk") == [("comment", key)]
    assert keys(services, "klima") == {key}

    meeting = services.meetings.start("Werkstatt")
    services.meetings.capture(meeting.id, "d: Reifenwechsel ab Oktober")
    assert found(services, "reifen") == [("decision", str(meeting.id))]
    services.meetings.capture(meeting.id, "Reifen einlagern")  # a task from the meeting
    assert {h.kind for h in services.search.search("reifen")} == {"decision", "task"}
    services.meetings.undo_last(meeting.id)  # removes the item and its task
    assert found(services, "reifen") == [("decision", str(meeting.id))]

    services.transfer.import_tasks(
        None, [ImportDraft(where="t.json: record 1", title="Importierte Ölwechsel", notes="x")]
    )
    assert {h.kind for h in services.search.search("olwechsel")} == {"task"}


def test_restore_from_a_dump_fills_the_index(services: Services, tmp_path: object) -> None:
    services.tasks.capture("Bremsen prüfen")
    services.tasks.comment("INBOX-1", "Beläge bestellt")
    records = list(services.transfer.dump())
    assert all(not name.startswith("search") for name, _ in records)
    restored = _empty_services(services)
    restored.transfer.restore(records)
    assert found(restored, "belage") == [("comment", "INBOX-1")]
    assert found(restored, "bremsen") == [("task", "INBOX-1")]
    assert found(restored, "belage", project="INBOX") == [("comment", "INBOX-1")]


def _empty_services(services: Services) -> Services:
    from sqlalchemy import text

    from taskboard.store import open_store

    url = services.ctx.store.engine.url
    if url.get_backend_name() == "sqlite":
        target = str(url.database) + ".restored.db"
    else:
        target = url.render_as_string(hide_password=False)
        services.ctx.store.close()
        from tests.conftest import fresh_pg

        fresh_pg(target)
    store = open_store(target)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM task")).scalar() == 0
    return Services.open(store, "tester")


def test_snippet_is_one_clean_line_around_the_first_match() -> None:
    long = "intro " * 30 + "Die Übergabe\x1b[31m an\nFlotten" + " tail" * 30
    cut = snippet(["nothing here", long], ["ubergabe"])
    assert cut.startswith("…") and cut.endswith("…")
    assert "Die Übergabe an Flotten" in cut
    assert "\x1b" not in cut and "\n" not in cut
    assert snippet(["short text"], ["text"]) == "short text"
    assert snippet(["no"], ["x"]) == ""


def test_a_hit_names_its_meeting_and_task() -> None:
    from datetime import UTC, datetime

    hit = SearchHit("decision", "7", None, "Weekly", "x", datetime.now(UTC))
    assert hit.meeting_id == 7 and hit.task_key is None
    assert SearchHit("comment", "A-1", "A", "t", "x", datetime.now(UTC)).task_key == "A-1"


def test_only_the_newest_matches_are_ranked(services: Services) -> None:
    """For a common word the newest `ranked` matches are ranked: an older entry that holds
    the word in its title is left out. Archived cards and the kind filter come first."""
    services.tasks.capture("Winter tyres")  # INBOX-1: in its title, but the oldest
    for title in ("Order 2", "Order 3", "Winter chains", "Order 5"):
        key = services.tasks.capture(title).task.key
        if not title.startswith("Winter"):
            services.tasks.edit(key, TaskChanges(notes="for the winter"))
    # Newest first: INBOX-5, INBOX-4 (title), INBOX-3, INBOX-2, INBOX-1 (title).
    assert [h.key for h in services.search.search("winter")] == [
        "INBOX-4",
        "INBOX-1",
        "INBOX-5",
        "INBOX-3",
        "INBOX-2",
    ]
    assert [h.key for h in services.search.search("winter", ranked=3)] == [
        "INBOX-4",
        "INBOX-5",
        "INBOX-3",
    ]
    assert [h.key for h in services.search.search("winter", limit=2, ranked=3)] == [
        "INBOX-4",
        "INBOX-5",
    ]
    services.tasks.archive("INBOX-5")  # takes no place among the newest
    assert [h.key for h in services.search.search("winter", ranked=3)] == [
        "INBOX-4",
        "INBOX-3",
        "INBOX-2",
    ]
    services.tasks.comment("INBOX-2", "winter is coming")  # newest; a comment's main text
    assert found(services, "winter", ranked=2) == [("comment", "INBOX-2"), ("task", "INBOX-4")]
    assert found(services, "winter", kind="task", ranked=2) == [
        ("task", "INBOX-4"),
        ("task", "INBOX-3"),
    ]


def test_walking_and_reading_the_index_find_the_same_newest_matches(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever way a search takes to its newest matches (walking the entries, reading
    the index, or a walk that gives up for the index), the hits are the same."""
    from taskboard.services import search_walk

    words = ["alpha", "beta", "gamma", "alphabet", "Äpfel", "delta"]
    for n in range(24):
        picked = " ".join(words[(n * k) % len(words)] for k in (1, 2, 5))
        key = services.tasks.capture(f"{picked} {n}").task.key
        if n % 3 == 0:
            services.tasks.comment(key, f"{words[n % 4]} note")
        if n % 7 == 0:
            services.tasks.archive(key)
    queries = [("alpha", {}), ("a", {}), ("apf be", {}), ("gamma", {"kind": "comment"})]
    queries += [("delta", {"kind": "task"}), ("alph", {"project": "INBOX"}), ("zulu", {})]

    def answers() -> list[list[tuple[str, str, bool]]]:
        return [
            [(h.kind, h.key, h.in_title) for h in services.search.search(q, ranked=ranked, **kw)]
            for q, kw in queries
            for ranked in (1, 2, 5, 100)
        ]

    usual = answers()
    assert sum(map(len, usual)) > 80
    monkeypatch.setattr(search_walk, "WALK_PER_MATCH", 10**9)  # walks to the end
    assert answers() == usual
    monkeypatch.setattr(search_walk, "WALK_PER_MATCH", 0)  # reads the index after a chunk
    assert answers() == usual
    monkeypatch.setattr(search_walk, "SCATTER", -1)  # SQLite: reads the index at once
    assert answers() == usual


def test_a_card_moved_to_another_project_is_found_there_with_its_comments(
    board: Services,
) -> None:
    """An entry carries its project (migration 0005): a move between projects takes the
    card's entry and its comments' along, both ways."""
    board.projects.create("DEL", "Delivery")
    meeting = board.meetings.start("Fleet weekly", project="FLT")
    board.meetings.capture(meeting.id, "d: Flotten handover on Tuesdays")
    in_flt = [("task", "FLT-1"), ("comment", "FLT-1"), ("decision", str(meeting.id))]
    assert sorted(found(board, "flotten", project="FLT")) == sorted(in_flt)

    moved = board.tasks.move_to_project("FLT-1", "DEL")
    assert sorted(found(board, "flotten", project="DEL")) == [
        ("comment", moved.key),
        ("task", moved.key),
    ]
    assert found(board, "flotten", project="FLT") == [("decision", str(meeting.id))]
    board.tasks.comment(moved.key, "Flotten list sent")  # a new comment joins it there
    assert ("comment", moved.key) in found(board, "sent", project="DEL")

    back = board.tasks.move_to_project(moved.key, "FLT")  # a new key there, the comments too
    assert sorted(set(found(board, "flotten", project="FLT"))) == sorted(
        [("task", back.key), ("comment", back.key), ("decision", str(meeting.id))]
    )
    assert ("comment", back.key) in found(board, "sent", project="FLT")
    assert found(board, "flotten", project="DEL") == []


def test_the_hits_are_read_by_one_array_of_ids_on_postgresql(
    board: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL gets the ids of the walk's matches and of the hits as one array parameter
    (`= ANY(?)`), never as a list of literals: one statement text for any number of ids.
    SQLite, which has no arrays, gets the ids written out."""
    from taskboard.store.connect import ReadConnection

    sent: list[tuple[str, list[object]]] = []
    execute = ReadConnection._execute

    def spy(self: ReadConnection, sql: str, params: Any) -> Any:
        sent.append((sql, list(params)))
        return execute(self, sql, params)

    monkeypatch.setattr(ReadConnection, "_execute", spy)
    board.tasks.capture("Winter plan +FLT")
    hits = board.search.search("winter", kind="task")
    assert [h.key for h in hits] == ["FLT-4", "FLT-2", "FLT-3"]
    among = [(sql, params) for sql, params in sent if "search_entry" in sql]
    postgres = board.ctx.store.engine.dialect.name == "postgresql"
    listed = [sql for sql, _ in among if re.search(r"\bid IN \(\d", sql)]
    arrays = [params for sql, params in among if "id = ANY(?)" in sql]
    if postgres:
        assert not listed and len(arrays) >= 2  # the walk's filters and the hits' rows
        assert all(any(isinstance(p, list) and len(p) == 3 for p in ps) for ps in arrays)
    else:
        assert listed and not arrays
