"""How the command line fails: one line and exit 1 for every refusal, 70 and a log for bugs."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from taskboard import cli as cli_module
from taskboard.config import log_path
from taskboard.services import Services
from taskboard.store import open_store

README = Path(__file__).resolve().parent.parent / "README.md"


def run_in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`taskboard ARGS` in this process: the exit code, stdout and stderr."""
    code = cli_module.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    target = str(tmp_path / "store.db")
    store = open_store(target)
    services = Services.open(store, "tester")
    services.projects.create("DEL", "Deliveries")
    services.tasks.capture("Papers to the agent", "DEL")
    store.close()
    return target


def test_usage_errors_are_one_line_and_exit_1_as_the_readme_says(cli: Any) -> None:
    readme = README.read_text(encoding="utf-8")
    assert "usage errors included" in readme and "exit code 70" in readme
    for args, named in [
        (["nosuch"], ["No such command 'nosuch'", "taskboard --help"]),
        (["list", "--jsno"], ["No such option: --jsno", "--json", "taskboard list --help"]),
        (["show"], ["Missing argument", "taskboard show --help"]),
        (["project", "wip", "DEL", "Doing", "many"], ["Invalid value for 'limit'"]),
    ]:
        result = cli(*args)
        assert result.err.count("\n") == 1, result.err
        result.failed(*named)
    group = cli("db", db=None)
    assert group.code == 1 and "check" in group.out  # the group's commands, on stdout
    assert group.err == "error: a command is missing (see `taskboard db --help`)\n"


def test_negative_numbers_are_values(cli: Any, key_result: str) -> None:
    # -5 from 3000 is a long way back (a typo, most times): --force says it is meant.
    assert (
        "3000 → -5" in cli("okr", "checkin", key_result, "-5", "--note", "returns", "--force").ok()
    )
    assert "-5 → -1.5" in cli("okr", "checkin", key_result, "-1.5e0").ok()
    assert "-1.5 → -0.5" in cli("okr", "checkin", key_result, "-.5e0", "--confidence", "1").ok()
    cli("okr", "checkin", key_result, "5", "-z").failed("-z")  # options stay options


def test_numbers_are_checked_where_they_are_typed(cli: Any, store_target: str) -> None:
    cli("project", "add", "DEL", "Deliveries").ok()
    cli("project", "wip", "DEL", "Doing", "99999999999999999999").failed(
        "99999999999999999999 is not between 0 and 9999"
    )
    cli("project", "wip", "DEL", "Doing", "-1").failed("-1 is not between 0 and 9999")
    assert "—" in cli("project", "wip", "DEL", "Doing", "0").ok()
    cli("meeting", "end", "99999999999999999999").failed("is not between 1 and")
    cli("minutes", "99999999999999999999").failed("bad meeting")
    for bad in ("nan", "inf", "1e999", "-1e999"):
        cli("okr", "checkin", "O1-KR1", bad).failed("is not a finite number")
    cli("okr", "kr", "add", "O1", "Cars", "--target", "nan").failed("is not a finite number")


def test_control_characters_in_keys_are_refused_not_stripped(cli: Any) -> None:
    cli("add", "Papers").ok()
    cli("show", "INBOX-1\x01").failed("'INBOX-1\\x01' holds a control character (U+0001)")
    cli("move", "INBOX-1", "Do\ning").failed("U+000A")
    cli("list", "--project", "INB\x1bOX").failed("U+001B")
    cli("person", "add", "an\tna", "Anna").failed("U+0009")
    # Free text keeps its line breaks and loses its escape sequences on the way in.
    assert cli("comment", "INBOX-1", "two\nlines \x1b[31mred").ok()
    assert "two" in cli("show", "INBOX-1").ok()


def test_arguments_that_are_not_utf8_are_refused(store_target: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "taskboard", b"add", b"caf\xe9 order", "--db", store_target],
        capture_output=True,
        env=dict(os.environ),
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr == b"error: argument 2 is not valid UTF-8 text: caf\\xe9 order\n"


def test_a_long_argument_is_cut_in_the_message(cli: Any) -> None:
    huge = "DEL-" + "9" * 100_000
    result = cli("show", huge)
    result.failed("unknown task 'DEL-999")
    assert len(result.err) < 300 and "…" in result.err
    from taskboard.commands.errors import shorten

    path = "/srv/" + "boards/" * 20 + "team.db"  # long, but a path: kept whole
    assert shorten(f"cannot open {path}", [path]) == f"cannot open {path}"


def test_db_where_warns_about_a_readable_config_with_a_password(
    cli: Any, isolated_home: Path
) -> None:
    config = isolated_home / "config" / "taskboard" / "taskboard.toml"
    config.parent.mkdir(parents=True)
    config.write_text('db_password = "s3cret"\n')
    config.chmod(0o644)
    result = cli("db", "where")
    assert f"warning: {config} holds a database password" in result.err
    assert "s3cret" not in result.out + result.err


def test_a_bug_is_one_line_exit_70_and_a_log_entry(
    capsys: pytest.CaptureFixture[str], sqlite_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskboard.services.tasks import TaskService
    from taskboard.store import plain_reads

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom at postgresql://team:s3cret@db.example/board")

    # A bug on either read path: the plain one (a store at head) or the services'.
    monkeypatch.setattr(TaskService, "rows", broken)
    monkeypatch.setattr(plain_reads, "rows", broken)
    code, out, err = run_in_process(capsys, "list", "--db", sqlite_store)
    assert (code, out) == (70, "")
    assert err == (
        "internal error: RuntimeError: boom at postgresql://team:***@db.example/board "
        f"(details in {log_path()})\n"
    )
    log = log_path().read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "in broken" in log
    assert "postgresql://team:***@db.example/board" in log and "s3cret" not in log
    assert stat.S_IMODE(log_path().stat().st_mode) == 0o600


def test_the_log_stays_small(tmp_path: Path) -> None:
    from taskboard import errorlog

    log_path().parent.mkdir(parents=True, exist_ok=True)
    log_path().write_text("x" * (errorlog.MAX_BYTES + 1))
    errorlog.record(ValueError("the newest"))
    assert "the newest" in log_path().read_text()
    assert log_path().stat().st_size < 10_000
    assert log_path().with_name("taskboard.log.1").stat().st_size > errorlog.MAX_BYTES


def test_value_and_os_errors_from_bugs_are_not_passed_off_as_refusals(
    capsys: pytest.CaptureFixture[str], sqlite_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskboard.services.tasks import TaskService
    from taskboard.store import plain_reads

    for exc in (ValueError("bad state"), OSError("odd")):

        def broken(*_args: Any, exc: Exception = exc, **_kwargs: Any) -> None:
            raise exc

        monkeypatch.setattr(TaskService, "rows", broken)
        monkeypatch.setattr(plain_reads, "rows", broken)
        code, _out, err = run_in_process(capsys, "list", "--db", sqlite_store)
        assert code == 70 and err.startswith("internal error: "), err


def test_a_bug_while_the_board_loads_is_logged_and_named(
    sqlite_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskboard.commands import board, opening

    captured: dict[str, Any] = {}

    def fake_make_app(services: Any, options: Any, **kwargs: Any) -> Any:
        captured.update(kwargs)
        return object()

    def broken(*_args: Any, **_kwargs: Any) -> Services:
        raise KeyError("no such thing")

    monkeypatch.setattr("taskboard.ui.app.make_app", fake_make_app)
    monkeypatch.setattr(opening, "open_services", broken)
    internal: list[str] = []
    board.board_app(sqlite_store, "DEL", None, False, internal)
    with pytest.raises(board.InternalError, match=r"internal error: KeyError\('no such thing'\)"):
        captured["loader"]()
    assert internal == [str(log_path())]
    assert "loading the board's services" in log_path().read_text()


def test_the_board_line_imports_no_typer(sqlite_store: str) -> None:
    code = (
        "import sys\n"
        "from taskboard import cli\n"
        f"app = cli._board_app({sqlite_store!r}, 'DEL', None, False)\n"
        "assert app.snapshot is not None\n"
        "print(sorted(m for m in sys.modules if m == 'typer' or m.startswith('typer.')))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ)
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_every_output_file_is_whole_or_untouched(cli: Any, tmp_path: Path) -> None:
    cli("add", "Papers").ok()
    old = tmp_path / "minutes.md"
    old.write_bytes(b"last week's minutes\n")
    cli("export", "--project", "NOPE", "--format", "markdown", "-o", str(old)).failed("NOPE")
    cli("minutes", "last", "--project", "NOPE", "-o", str(old)).failed("NOPE")
    cli("okr", "report", "--cycle", "nonsense", "-o", str(old)).failed("nonsense")
    assert old.read_bytes() == b"last week's minutes\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_dumps_are_private_and_exports_follow_the_umask(cli: Any, tmp_path: Path) -> None:
    cli("add", "Papers").ok()
    old_umask = os.umask(0o022)
    try:
        dump, board = tmp_path / "dump.json", tmp_path / "board.md"
        cli("export", "--format", "json", "-o", str(dump)).ok()
        cli("export", "--project", "INBOX", "--format", "markdown", "-o", str(board)).ok()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert stat.S_IMODE(board.stat().st_mode) == 0o644


def test_serve_warns_when_the_password_is_on_the_command_line(cli: Any) -> None:
    url = "postgresql+psycopg://team:s3cret@127.0.0.1:1/board?connect_timeout=2"
    result = cli("serve", "--db", url, db=None)
    warning, error = result.err.splitlines()
    assert warning.startswith("warning: the database password in --db is visible to every")
    assert "TASKBOARD_DB" in warning and "db_password" in warning
    assert error.startswith("error: cannot connect to postgresql+psycopg://team:***@")
    assert "s3cret" not in result.err and result.code == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://u:s3cret@127.0.0.1:5432/x?connect_timeout=abc", "bad value for"),
        ("postgresql://u:s3cret@nosuchhost.invalid/x", "failed to resolve host"),
        ("postgresql://u:s3cret@127.0.0.1:1/x", "Connection refused"),
    ],
)
def test_postgresql_url_faults_on_the_command_line(cli: Any, url: str, message: str) -> None:
    result = cli("list", db=url)
    result.failed("cannot connect to postgresql+psycopg://u:***@", message)
    assert "s3cret" not in result.err and result.err.count("\n") == 1


def test_the_readme_names_the_log_file() -> None:
    readme = README.read_text(encoding="utf-8")
    assert re.search(r"~/\.local/state/taskboard/taskboard\.log", readme)


def test_files_to_read_that_are_missing_or_not_text_are_refused(cli: Any, tmp_path: Path) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    for args, named in [
        (["import", str(tmp_path / "missing.json")], ["cannot read", "No such file"]),
        (["import", str(tmp_path)], ["cannot read", "Is a directory"]),
        (["import", str(binary)], ["is not UTF-8 text (byte 0)"]),
        (["template", "apply", "X", "--from-csv", str(tmp_path / "no.csv")], ["cannot read"]),
        (["template", "apply", "X", "--from-csv", str(binary)], ["is not UTF-8 text"]),
    ]:
        cli(*args).failed(*named)


def test_serve_on_a_port_in_use_is_one_line(cli: Any) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port))
    # On PostgreSQL the URL's password is warned about first; the refusal is the last line.
    assert result.code == 1 and "Traceback" not in result.err
    last = result.err.splitlines()[-1]
    assert last.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert last.endswith("address already in use")
