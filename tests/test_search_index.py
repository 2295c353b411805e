"""The search index itself: its folding matches SQLite's tokenizer, PostgreSQL indexes the same
words and finds the same hits, and migration 0002 builds, backfills and removes it."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from taskboard.domain.fields import TaskChanges
from taskboard.services import Services
from taskboard.services.demo import load_demo
from taskboard.store import Store, migrate, open_store
from taskboard.store.search_fold import words
from tests.conftest import PG_URL, fresh_pg

TRICKY = [
    "Übergabe für Flottenkunden",
    "ÆØÅ æøå ß Straße İstanbul ǅemal ŁÓDŹ",
    "e-mail foo_bar 1.5 v2 3rd 10,000 don't c++ a/b",
    "Ελληνικά ΆΈΉ Кириллица ЁЖ ǆ Ǳ",
    "emoji🎉party 🚗car tab\tnew\nline",
    "U\u0308bergabe (decomposed) a\u0301b\u0327c",
    "日本語 中文 한국어 עברית العربية",
    "ｆｕｌｌｗｉｄｔｈ ＡＢＣ ﬁne ½ ² ⅷ",
]


def _sqlite_words(texts: list[str]) -> list[list[str]]:
    raw = sqlite3.connect(":memory:")
    raw.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='unicode61 remove_diacritics 2')")
    raw.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    raw.executemany("INSERT INTO t(rowid, a) VALUES (?, ?)", enumerate(texts, start=1))
    found: list[list[str]] = [[] for _ in texts]
    for term, doc in raw.execute("SELECT term, doc FROM v ORDER BY doc, offset"):
        found[doc - 1].append(term)
    return found


def _random_texts(count: int) -> list[str]:
    rng = random.Random(18)
    blocks = [
        (0x20, 0x7E),
        (0xA0, 0x24F),
        (0x300, 0x36F),
        (0x370, 0x52F),
        (0x1E00, 0x1FFF),
        (0x2000, 0x2BFF),
        (0xFF00, 0xFFEF),
        (0x1F300, 0x1F6FF),
        (0x10400, 0x1044F),
    ]
    texts = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(1, 40)):
            low, high = rng.choice(blocks)
            chars.append(chr(rng.randint(low, high)))
        texts.append("".join(chars))
    return texts


def test_python_folding_splits_and_folds_as_sqlite_does() -> None:
    """Every code point: the tables in search_fold are what unicode61 does."""
    texts = TRICKY + _random_texts(3000)
    texts += ["q" + chr(c) + "q" for c in range(1, 0x30000) if not 0xD800 <= c <= 0xDFFF]
    assert [words(t) for t in texts] == _sqlite_words(texts)


@pytest.fixture
def both(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Services, Services]]:
    """The same empty store on SQLite and PostgreSQL."""
    if PG_URL is None:
        pytest.skip("parity needs TASKBOARD_TEST_POSTGRES_URL")
    url: str = request.getfixturevalue("pg_database")
    fresh_pg(url)
    lite, pg = open_store(str(tmp_path / "lite.db")), open_store(url)
    yield Services.open(lite, "tester"), Services.open(pg, "tester")
    lite.close()
    pg.close()


def test_postgresql_indexes_the_words_sqlite_does(both: tuple[Services, Services]) -> None:
    texts = TRICKY + _random_texts(1500)
    _, pg = both
    with pg.ctx.store.read() as s:
        pg_words = [
            sorted(
                str(w)
                for w in s.execute(
                    text("SELECT tsvector_to_array(taskboard_search_words(:t))"), {"t": t}
                ).scalar()
                or []
            )
            for t in texts
        ]
    assert pg_words == [sorted(set(w)) for w in _sqlite_words(texts)]


def _fill(services: Services) -> None:
    load_demo(services)
    services.projects.create("FLT", "Fleet")
    for line in TRICKY:
        services.tasks.capture(" ".join(line.split()) + " +FLT")
    services.tasks.edit("FLT-2", TaskChanges(notes="Winterreifen für ÆØÅ, e-mail an Müller"))
    services.tasks.comment("FLT-1", "Übergabe verschoben; Flotten-Kunden informiert")
    meeting = services.meetings.start("Flotten-Runde", project="FLT")
    services.meetings.capture(meeting.id, "d: Winterreifen ab Oktober für alle Flotten")
    services.meetings.capture(meeting.id, "? Wer zahlt die Einlagerung")
    services.meetings.capture(meeting.id, "n: Lager in Hamburg ist voll")
    services.tasks.archive("FLT-4")


QUERIES = [
    "ubergabe flotten",
    "ÜBER",
    "flott",
    "winter",
    "e mail",
    "straße",
    "strasse",
    "istan",
    "æø",
    "ελλ",
    "кирил",
    "ё",
    "a",
    "c",
    "1",
    "5",
    "car",
    "deliv",
    "hamb",
    "日本語",
    "ｆｕｌｌ",
    "full",
    "ﬁne",
    "dz",
    "ǆ",
    "lodz",
    "wer zahlt",
    "o",
    "x y z",
    "zzz",
    "party",
    "the",
]


def test_sqlite_and_postgresql_find_the_same_hits_in_the_same_order(
    both: tuple[Services, Services],
) -> None:
    lite, pg = both
    _fill(lite)
    _fill(pg)
    compared = 0
    for query in QUERIES:
        for kind in (None, "task", "goal"):
            got = [
                [
                    (h.kind, h.key, h.project, h.title, h.snippet, h.in_title)
                    for h in side.search.search(query, kind=kind, limit=200)
                ]
                for side in (lite, pg)
            ]
            assert got[0] == got[1], (query, kind)
            compared += len(got[0])
    assert compared > 100


def _downgrade(store: Store, revision: str) -> None:
    with store.engine.connect() as conn, conn.begin():
        command.downgrade(migrate.alembic_config(conn), revision)


def _upgrade(store: Store) -> None:
    with store.engine.connect() as conn, conn.begin():
        command.upgrade(migrate.alembic_config(conn), "head")


def _index_objects(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(
                text("SELECT name FROM sqlite_master WHERE name LIKE 'search%'")
            ).scalars()
        else:
            rows = conn.execute(
                text(
                    "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'search%' UNION ALL "
                    "SELECT relname FROM pg_class WHERE relname LIKE 'search%' UNION ALL "
                    "SELECT proname FROM pg_proc WHERE proname LIKE 'taskboard_search%'"
                )
            ).scalars()
        return set(rows)


def test_every_indexed_table_has_its_triggers_at_head(store: Store) -> None:
    """A later migration that rebuilds one of these tables must create its triggers again."""
    names = _index_objects(store)
    tables = ("task", "comment", "meeting_item", "objective", "key_result")
    if store.engine.dialect.name == "sqlite":
        expected = {f"search_{t}_{e}" for t in tables for e in ("insert", "update", "delete")}
    else:
        expected = {f"search_{t}" for t in tables}
    expected |= {f"search_project_{t}" for t in ("search_entry", "task", "meeting")}  # 0005
    assert expected <= names


def test_the_migration_backfills_a_populated_store_and_downgrades_cleanly(
    services: Services, store: Store
) -> None:
    _fill(services)
    before = {q: [(h.kind, h.key, h.snippet) for h in services.search.search(q)] for q in QUERIES}
    assert sum(map(len, before.values())) > 50
    with store.engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("task", "comment", "meeting_item", "objective", "key_result")
        }

    _downgrade(store, "0001")
    assert _index_objects(store) == set()
    services.tasks.comment("FLT-1", "written while no index existed")  # writes still work
    _upgrade(store)

    after = {q: [(h.kind, h.key, h.snippet) for h in services.search.search(q)] for q in QUERIES}
    assert after == before
    assert [h.snippet for h in services.search.search("existed")] == [
        "written while no index existed"
    ]
    with store.engine.connect() as conn:
        counts["comment"] = (counts["comment"] or 0) + 1
        assert counts == {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in counts
        }


def test_a_damaged_index_is_a_damaged_store_for_a_search(tmp_path: Path) -> None:
    """A search reads over the session's own DB-API connection: the driver's error of a
    damaged FTS5 index still becomes the store's one-line refusal."""
    from taskboard.store.errors import StoreDamagedError

    target = str(tmp_path / "damaged.db")
    store = open_store(target)
    services = Services.open(store, "tester")
    for n in range(30):
        services.tasks.capture(f"Winter tyres {n} for the hub")
    store.close()
    raw = sqlite3.connect(target)
    raw.execute("UPDATE search_fts_data SET block = x'0000ffffffff' WHERE id > 10")
    raw.commit()
    raw.close()
    store = open_store(target)
    try:
        with pytest.raises(StoreDamagedError, match="is damaged"):
            Services.open(store, "tester").search.search("winter")
    finally:
        store.close()


def test_0005_gives_every_entry_its_project_and_downgrades_cleanly(
    services: Services, store: Store
) -> None:
    """The entries written before 0005 get their project from their card or meeting (goals
    none), and the column, its index and its triggers come and go with the revision."""
    services.projects.create("FLT", "Fleet")
    services.projects.create("DEL", "Delivery")
    services.tasks.capture("Winterreifen bestellen +FLT")
    services.tasks.comment("FLT-1", "Winterreifen beim Händler")
    services.tasks.capture("Winterreifen liefern +DEL")
    meeting = services.meetings.start("Fleet weekly", project="FLT")
    services.meetings.capture(meeting.id, "d: Winterreifen ab Oktober")
    services.okr.add_objective("Winterreifen für alle", "2026-Q4")

    def entry_columns() -> set[str]:
        return {c["name"] for c in inspect(store.engine).get_columns("search_entry")}

    _downgrade(store, "0004")
    assert "project_id" not in entry_columns()
    assert not {n for n in _index_objects(store) if "project" in n}
    services.tasks.comment("DEL-1", "Winterreifen geladen")  # written without the column
    _upgrade(store)

    assert "project_id" in entry_columns()
    flt = [("task", "FLT-1"), ("comment", "FLT-1"), ("decision", str(meeting.id))]
    in_flt = [(h.kind, h.key) for h in services.search.search("winterreifen", project="FLT")]
    assert sorted(in_flt) == sorted(flt)
    in_del = [(h.kind, h.key) for h in services.search.search("winterreifen", project="DEL")]
    assert sorted(in_del) == [("comment", "DEL-1"), ("task", "DEL-1")]
    with store.engine.connect() as conn:
        unplaced = conn.execute(text("SELECT kind FROM search_entry WHERE project_id IS NULL"))
        assert sorted(unplaced.scalars()) == ["objective"]
