"""`taskboard serve`: the token on the page and the websocket, the offline page, the banner."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from taskboard.commands.serve import db_arguments, default_public_url, is_loopback
from taskboard.services import Services
from taskboard.store import open_store

ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
TITLE = "Projectorcheck"
FIXED = "room-token-0123456789abcdef"  # given through TASKBOARD_SERVE_TOKEN
PG_URL = os.environ.get("TASKBOARD_TEST_POSTGRES_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    """A running `taskboard serve`; its stdout and stderr go to files (never a full pipe)."""

    proc: subprocess.Popen[bytes]
    port: int
    out: Path
    err: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def printed_url(self, timeout: float = 60) -> str:
        """The address in the banner, which is printed once the port is bound."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(r"^  (http://\S+)$", self.stdout(), re.M)
            if found:
                return found.group(1)
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no banner: {self.stdout()!r} {self.stderr()!r}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)


def start_server(
    where: Path, *args: str, env: dict[str, str] | None = None, port: int | None = None
) -> Served:
    port = port or free_port()
    out, err = where / f"serve-{port}.out", where / f"serve-{port}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "taskboard", "serve", "--port", str(port), *args],
            stdout=stdout,
            stderr=stderr,
            env=env if env is not None else dict(os.environ),
            start_new_session=True,  # the server and the boards it starts, stopped together
        )
    return Served(proc, port, out, err)


def seed(target: str) -> None:
    store = open_store(target)
    services = Services.open(store, "tester")
    services.projects.create("ROOM", "Meeting room")
    services.tasks.capture(f"{TITLE} +ROOM")
    store.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the module, on a seeded SQLite store, with the token from the env."""
    where = tmp_path_factory.mktemp("serve")
    # Module fixtures start before the autouse `isolated_home`: isolate this one by hand.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKBOARD_")}
    env |= {f"XDG_{d}_HOME": str(where / d.lower()) for d in ("CONFIG", "DATA", "STATE")}
    env |= {"TASKBOARD_USER": "tester", "TASKBOARD_SERVE_TOKEN": FIXED}
    store = str(where / "room.db")
    seed(store)
    server = start_server(where, "--db", store, env=env)
    try:
        server.printed_url()
        yield server
    finally:
        server.stop()


def jar() -> aiohttp.CookieJar:
    # aiohttp refuses cookies from IP addresses unless told; browsers take them.
    return aiohttp.CookieJar(unsafe=True)


async def status(url: str, cookies: dict[str, str] | None = None) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(cookies=cookies) as session,
        session.get(url, allow_redirects=False) as response,
    ):
        return response.status, await response.text(errors="replace")


async def ws_refusal(
    url: str, headers: dict[str, str] | None = None, origin: str | None = None
) -> int:
    """The HTTP status a websocket handshake got; 101 would mean a board was opened."""
    async with aiohttp.ClientSession(cookie_jar=jar()) as session:
        try:
            async with session.ws_connect(url, headers=headers, origin=origin) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as refused:
            return refused.status


async def read_board(
    ws: aiohttp.ClientWebSocketResponse, wanted: str, timeout: float = 60
) -> tuple[str, bool]:
    """Terminal output of the served app until `wanted` shows up; and whether a pong came back."""
    output = b""
    ponged = False
    await ws.send_str(json.dumps(["resize", {"width": 120, "height": 40}]))
    await ws.send_str(json.dumps(["ping", "probe"]))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while wanted not in ANSI.sub(b"", output).decode("utf-8", "replace"):
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        try:
            msg = await ws.receive(timeout=remaining)
        except TimeoutError:
            break
        if msg.type == aiohttp.WSMsgType.BINARY:
            output += msg.data
        elif msg.type == aiohttp.WSMsgType.TEXT:
            ponged = ponged or json.loads(msg.data) == ["pong", "probe"]
        else:
            break
    if not ws.closed:
        await ws.send_str(json.dumps(["stdin", "q"]))
    return ANSI.sub(b"", output).decode("utf-8", "replace"), ponged


class PageRefs(HTMLParser):
    """Every URL a page makes a browser load or could send it to, and the raw URL-ish text."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []  # what the browser fetches: stylesheets, scripts, images
        self.absolute: list[str] = []  # every absolute URL anywhere, fetched or not
        self.ws_url = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in = tag if tag in ("style", "script") else None
        for name, value in attrs:
            if value is None:
                continue
            self.absolute += re.findall(r"(?:[a-z][a-z0-9+.-]*:)?//[^\s\"'<>)]+", value, re.I)
            if name in ("href", "src"):
                self.assets.append(value)
            if name == "data-session-websocket-url":
                self.ws_url = value

    def handle_data(self, data: str) -> None:
        if self._in in ("style", "script"):
            self.absolute += re.findall(r"(?:[a-z][a-z0-9+.-]*:)?//[^\s\"'<>)]+", data, re.I)
        if self._in == "style":
            self.assets += css_refs(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def css_refs(css: str) -> list[str]:
    urls = re.findall(r"url\(\s*[\"']?([^\"')]+)", css)
    return urls + re.findall(r"@import\s+[\"']([^\"']+)", css)


def test_without_the_token_nothing_is_served(served: Served) -> None:
    async def probe() -> tuple[int, str, int, int, int]:
        page, body = await status(served.base + "/")
        script, _ = await status(served.base + "/static/js/textual.js")
        font, _ = await status(served.base + "/static/fonts/RobotoMono-VariableFont_wght.ttf")
        ws = await ws_refusal(served.base.replace("http", "ws") + "/ws?width=80&height=24")
        return page, body, script, font, ws

    page, body, script, font, ws = asyncio.run(probe())
    assert (page, script, font, ws) == (401, 401, 401, 401)
    assert "open the address it printed" in body
    assert TITLE not in body and "textual" not in body.lower()


def test_a_wrong_token_is_refused(served: Served) -> None:
    ws_url = served.base.replace("http", "ws") + "/ws"
    wrong = FIXED[:-1] + "X"

    async def probe() -> list[int]:
        return [
            (await status(served.base + f"/?token={wrong}"))[0],
            (await status(served.base + "/?token=r%C3%A4um-%00-token"))[0],  # not ASCII, a NUL
            (await status(served.base + "/", cookies={f"taskboard_serve_{served.port}": wrong}))[0],
            # A good cookie does not rescue a wrong token in the address.
            (
                await status(
                    served.base + f"/?token={wrong}",
                    cookies={f"taskboard_serve_{served.port}": FIXED},
                )
            )[0],
            await ws_refusal(ws_url + f"?token={wrong}"),
            await ws_refusal(ws_url, headers={"Cookie": f"taskboard_serve_{served.port}={wrong}"}),
        ]

    assert asyncio.run(probe()) == [403, 403, 403, 403, 403, 403]


@pytest.mark.slow
@pytest.mark.timeout(150)
def test_the_page_and_its_websocket_with_the_token_show_the_board(served: Served) -> None:
    """The browser's way: the printed URL, then the websocket the page names, by cookie only."""

    async def browse() -> tuple[str, str, str, bool]:
        async with aiohttp.ClientSession(cookie_jar=jar()) as session:
            async with session.get(served.printed_url()) as response:
                assert response.status == 200
                page = await response.text()
                set_cookie = response.headers["Set-Cookie"]
            refs = PageRefs()
            refs.feed(page)
            # Like the page's script: the URL plus the size, no token; the cookie carries it.
            ws_url = refs.ws_url + "?width=120&height=40"
            assert "token" not in ws_url
            async with session.ws_connect(ws_url, origin=served.base) as ws:
                text, ponged = await read_board(ws, TITLE)
        return page, set_cookie, text, ponged

    page, set_cookie, text, ponged = asyncio.run(browse())
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
    assert "<div>taskboard</div>" in page
    assert FIXED not in page  # the page never repeats the token
    assert f"taskboard_serve_{served.port}={FIXED}" in set_cookie
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and "Path=/" in set_cookie
    assert ponged
    assert TITLE in text, text[-2000:]
    assert "ROOM" in text


def test_a_websocket_opened_by_another_site_is_refused(served: Served) -> None:
    """A foreign page in the same browser would send the cookie along: its Origin gives it away."""
    cookie = {"Cookie": f"taskboard_serve_{served.port}={FIXED}"}
    refused = asyncio.run(
        ws_refusal(
            served.base.replace("http", "ws") + "/ws", headers=cookie, origin="http://evil.example"
        )
    )
    assert refused == 403


def test_the_page_references_no_external_host(served: Served) -> None:
    """Offline meeting rooms: every font, style, script and image comes from the server."""

    async def fetch(urls: list[str]) -> dict[str, tuple[int, str]]:
        async with aiohttp.ClientSession(cookie_jar=jar()) as session:
            async with session.get(served.printed_url()) as response:
                assert response.status == 200  # now the cookie is in the jar
            fetched = {}
            for url in urls:
                async with session.get(url) as response:
                    body = await response.read()
                    kind = response.headers.get("Content-Type", "")
                    text = body.decode("utf-8", "replace") if "css" in kind else ""
                    fetched[url] = (response.status, text)
        return fetched

    status_code, page = asyncio.run(status(served.printed_url()))
    assert status_code == 200
    refs = PageRefs()
    refs.feed(page)
    own = f"127.0.0.1:{served.port}"
    assert refs.absolute, "the page names its own websocket and assets at least"
    assert [u for u in refs.absolute if urlsplit(u).netloc != own] == []
    assert "googleapis" not in page and "jsdelivr" not in page

    fetched = asyncio.run(fetch([urljoin(served.base + "/", ref) for ref in refs.assets]))
    assert {u: s for u, (s, _) in fetched.items() if s != 200} == {}
    kinds = {urlsplit(u).path.rsplit(".", 1)[-1] for u in fetched}
    assert {"css", "js", "ttf", "png"} <= kinds
    fonts = [u for u in fetched if u.endswith(".ttf")]
    assert any("RobotoMono" in u for u in fonts)  # the terminal's font, from here
    for url, (_, css) in fetched.items():
        for ref in css_refs(css):
            netloc = urlsplit(urljoin(url, ref)).netloc
            assert netloc == own, (url, ref)


def test_the_banner_names_the_store_and_the_address_and_logs_no_token(served: Served) -> None:
    url = served.printed_url()
    assert url == f"{served.base}/?token={FIXED}"  # TASKBOARD_SERVE_TOKEN honoured
    banner = served.stdout()
    store = make_url(f"sqlite:///{served.out.parent / 'room.db'}").render_as_string()
    assert f"taskboard serve: the board of {store}" in banner
    assert "WARNING" not in served.stderr()  # loopback: no warning

    assert asyncio.run(status(url))[0] == 200
    deadline = time.monotonic() + 10
    while '"GET /" 200' not in served.stdout() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = served.stdout()
    assert '"GET /" 200' in log
    assert log.count(FIXED) == 1  # the banner only: the access log leaves the query out
    assert "--db" not in log and "TASKBOARD_SERVE_TOKEN" not in log


@pytest.mark.timeout(90)
def test_beyond_loopback_a_loud_warning_and_a_new_token(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--host", "0.0.0.0", "--db", str(tmp_path / "s.db"))
    try:
        url = server.printed_url()
        token = re.fullmatch(
            rf"http://{re.escape(socket.gethostname())}:{server.port}/\?token=([\w-]{{22}})", url
        )
        assert token, url
        warning = server.stderr()
        assert f"WARNING: serving on 0.0.0.0:{server.port}, which is NOT only this machine" in (
            warning
        )
        assert "The token in the address is the only protection" in warning
        assert "unencrypted http" in warning
        assert str(tmp_path / "s.db") in warning

        refused, _ = asyncio.run(status(server.base + "/"))
        allowed, page = asyncio.run(status(server.base + f"/?token={token.group(1)}"))
        assert (refused, allowed) == (401, 200)
        assert "<div>taskboard</div>" in page
    finally:
        server.stop()
    again = start_server(tmp_path, "--db", str(tmp_path / "s.db"))
    try:
        assert again.printed_url().rsplit("=", 1)[1] != token.group(1)  # new at every start
    finally:
        again.stop()


@pytest.mark.timeout(60)
def test_the_token_option_wins_over_the_environment_and_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = "given-on-the-command-line-42"
    monkeypatch.setenv("TASKBOARD_SERVE_TOKEN", FIXED)
    server = start_server(tmp_path, "--token", given, "--db", str(tmp_path / "s.db"))
    try:
        assert server.printed_url() == f"{server.base}/?token={given}"
        codes = [asyncio.run(status(server.base + f"/?token={t}"))[0] for t in (given, FIXED)]
        assert codes == [200, 403]
        assert "--token is visible to every user of this machine (ps)" in server.stderr()
        assert "TASKBOARD_SERVE_TOKEN" in server.stderr()
    finally:
        server.stop()


@pytest.mark.parametrize("where", ["option", "env"])
def test_a_guessable_fixed_token_is_refused(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["serve", "--db", str(tmp_path / "s.db")]
    if where == "option":
        args += ["--token", "1234"]
    else:
        monkeypatch.setenv("TASKBOARD_SERVE_TOKEN", "room 1")
    done = subprocess.run(
        [sys.executable, "-m", "taskboard", *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "error: the serve token must be 16 to 200 characters" in done.stderr
    assert not (tmp_path / "s.db").exists()  # refused before anything was opened


@pytest.mark.parametrize("before", [False, True], ids=["serve --db", "--db … serve"])
def test_a_password_on_the_command_line_is_warned_about(before: bool) -> None:
    # Port 1 on loopback: nothing listens, so the store fails to open after the warning.
    url = "postgresql+psycopg://jonas:S3cret-pw@127.0.0.1:1/taskboard?connect_timeout=2"
    args = ["--db", url, "serve"] if before else ["serve", "--db", url]
    done = subprocess.run(
        [sys.executable, "-m", "taskboard", *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "warning: the database password in --db is visible to every user" in done.stderr
    assert "TASKBOARD_DB" in done.stderr and "db_password" in done.stderr
    assert "S3cret-pw" not in done.stderr + done.stdout


@pytest.mark.skipif(PG_URL is None, reason="needs TASKBOARD_TEST_POSTGRES_URL")
@pytest.mark.timeout(90)
def test_a_postgresql_store_is_named_with_its_password_masked(
    pg_database: str, tmp_path: Path
) -> None:
    url = make_url(pg_database)
    assert url.password, "the test database URL carries a password"
    server = start_server(tmp_path, "--db", pg_database)
    try:
        server.printed_url()
        masked = url.render_as_string(hide_password=True)
        assert f"taskboard serve: the board of {masked}" in server.stdout()
        assert "***" in masked
        everything = server.stdout() + server.stderr()
        assert f":{url.password}@" not in everything
        assert "password in --db is visible" in server.stderr()
    finally:
        server.stop()


def test_loopback_detection_and_public_url() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    assert not is_loopback("projector.example.org")
    assert default_public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert default_public_url("0.0.0.0", 9000) == f"http://{socket.gethostname()}:9000"
    assert default_public_url("::1", 8000) == "http://[::1]:8000"


def test_db_values_are_found_wherever_they_stand() -> None:
    assert db_arguments(["--db", "a", "serve", "--db=b", "--port", "1"]) == ["a", "b"]
    assert db_arguments(["serve", "--db"]) == []
