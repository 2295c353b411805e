"""`taskboard search` on each backend, in process: lines, JSON, no hits, and one-line refusals."""

from __future__ import annotations

import json

import pytest

from taskboard.cli import run
from taskboard.services import Services
from taskboard.store import open_store


def taskboard(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(store_target: str) -> str:
    store = open_store(store_target)
    services = Services.open(store, "tester")
    services.projects.create("FLT", "Fleet")
    services.tasks.capture("Übergabe für Flottenkunden +FLT")
    services.tasks.comment("FLT-1", "Flotten\x1b[31m handover on Tuesday")
    meeting = services.meetings.start("Weekly", project="FLT")
    services.meetings.capture(meeting.id, "d: Flotten get winter tyres")
    store.close()
    return store_target


def test_hits_are_listed_with_their_snippets(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = taskboard(capsys, "search", "flott", "--db", db)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["decision", "1", "FLT"] and lines[0].endswith("Weekly")
    assert lines[1] == "    Flotten get winter tyres"
    assert lines[2].split()[:3] == ["comment", "FLT-1", "FLT"]
    assert lines[3] == "    Flotten handover on Tuesday"  # no escape reaches the terminal
    assert lines[4].split()[:3] == ["task", "FLT-1", "FLT"]
    assert len(lines) == 5


def test_json_hits_carry_kind_key_project_title_snippet_when(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = taskboard(capsys, "search", "UBERGABE", "flotten", "--json", "--db", db)
    assert code == 0
    [hit] = json.loads(out)
    assert set(hit) == {"kind", "key", "project", "title", "snippet", "when"}
    assert (hit["kind"], hit["key"], hit["project"]) == ("task", "FLT-1", "FLT")
    assert hit["title"] == "Übergabe für Flottenkunden"
    code, out, _ = taskboard(capsys, "search", "flott", "--kind", "decision", "--json", "--db", db)
    assert [(h["kind"], h["key"]) for h in json.loads(out)] == [("decision", "1")]


def test_no_hits_is_a_clean_message(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert taskboard(capsys, "search", "zeppelin", "--db", db) == (
        0,
        "no hits for 'zeppelin'\n",
        "",
    )
    assert taskboard(capsys, "search", "zeppelin", "--json", "--db", db)[:2] == (0, "[]\n")
    assert taskboard(capsys, "search", "flott", "--project", "inbox", "--db", db)[1] == (
        "no hits for 'flott'\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "card"], "error: unknown kind 'card': use task, comment, decision"),
        (["--project", "NOPE"], "error: unknown project 'NOPE'"),
        (["--limit", "0"], "error: "),
    ],
)
def test_bad_kind_or_project_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], db: str, args: list[str], message: str
) -> None:
    code, out, err = taskboard(capsys, "search", "flott", *args, "--db", db)
    assert (code, out) == (1, "")
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err


def test_a_query_without_words_is_refused(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = taskboard(capsys, "search", "!!", "--db", db)
    assert (code, out) == (1, "")
    assert err == "error: search needs at least one word of letters or digits\n"
