"""`taskboard serve`: the page over HTTP, the board over the websocket, and the warning."""

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
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from taskboard.commands.serve import default_public_url, is_loopback
from taskboard.services import Services
from taskboard.store import open_store

ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
TITLE = "Projectorcheck"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "taskboard", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        start_new_session=True,  # the server and the board processes it starts, stopped together
    )


def stop_server(proc: subprocess.Popen[str]) -> tuple[str, str]:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            return proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.communicate(timeout=15)


def fetch_page(url: str, proc: subprocess.Popen[str], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}: {proc.communicate()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                body: str = response.read().decode("utf-8")
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


async def board_text(ws_url: str, wanted: str, timeout: float = 60) -> tuple[str, bool]:
    """Terminal output of the served app until `wanted` shows up; and whether a pong came back."""
    output = b""
    ponged = False
    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url) as ws:
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


@pytest.fixture
def seeded(store_target: str) -> str:
    store = open_store(store_target)
    services = Services.open(store, "tester")
    services.projects.create("ROOM", "Meeting room")
    services.tasks.capture(f"{TITLE} +ROOM")
    store.close()
    return store_target


@pytest.fixture
def server(seeded: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    proc = start_server("--port", str(port), "--db", seeded)
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop_server(proc)


@pytest.mark.slow
@pytest.mark.timeout(150)
def test_the_board_is_served_to_a_browser(server: tuple[str, subprocess.Popen[str]]) -> None:
    base, proc = server
    page = fetch_page(base + "/", proc)
    ws_url = base.replace("http://", "ws://") + "/ws"
    assert ws_url in page  # the page tells the browser where the terminal is
    assert "<div>taskboard</div>" in page

    text, ponged = asyncio.run(board_text(ws_url + "?width=120&height=40", TITLE))
    assert ponged
    assert TITLE in text, (text[-2000:], stop_server(proc))
    assert "ROOM" in text

    out, err = stop_server(proc)
    assert "WARNING" not in err  # loopback by default: no warning
    assert "127.0.0.1" in out
    assert "--db" not in out  # the store (maybe with a password) is not on the command line


@pytest.mark.timeout(60)
def test_binding_beyond_loopback_warns_loudly(tmp_path: Path) -> None:
    proc = start_server(
        "--host", "0.0.0.0", "--port", str(free_port()), "--db", str(tmp_path / "s.db")
    )
    try:
        deadline = time.monotonic() + 40
        assert proc.stderr is not None
        first = proc.stderr.readline()
        while "WARNING" not in first and time.monotonic() < deadline and proc.poll() is None:
            first = proc.stderr.readline()
        assert "WARNING: serving on 0.0.0.0" in first
        rest = "".join(proc.stderr.readline() for _ in range(3))
        assert "NO AUTHENTICATION" in rest
    finally:
        stop_server(proc)


def test_loopback_detection_and_public_url() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    assert not is_loopback("projector.example.org")
    assert default_public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert default_public_url("0.0.0.0", 9000) == f"http://{socket.gethostname()}:9000"
    assert default_public_url("::1", 8000) == "http://[::1]:8000"
