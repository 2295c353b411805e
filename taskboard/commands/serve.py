"""`taskboard serve`: the board in a browser via textual-serve, for the meeting-room projector."""

from __future__ import annotations

import ipaddress
import os
import shlex
import socket
import sys
from typing import Annotated

import typer

from taskboard.commands.common import DbOption, handles_errors, open_services, printable

HostOption = Annotated[
    str,
    typer.Option("--host", help="Address to listen on; anything but loopback is open to others."),
]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")]
PublicUrlOption = Annotated[
    str | None,
    typer.Option(
        "--public-url",
        help="The address browsers use to reach this server (default: from --host and --port).",
        show_default=False,
    ),
]


def is_loopback(host: str) -> bool:
    """Only this machine can connect to `host`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int, store: str) -> str:
    rule = "!" * 78
    return "\n".join(
        [
            rule,
            f"WARNING: serving on {host}:{port}, which is NOT only this machine.",
            "taskboard serve has NO AUTHENTICATION: everyone who can reach this port can read",
            f"and change every task in {store}.",
            "Use it only on a network you trust, or keep the default --host 127.0.0.1 and put",
            "a reverse proxy with authentication in front of it.",
            rule,
        ]
    )


def default_public_url(host: str, port: int) -> str:
    # Browsers cannot connect to a wildcard address: name this machine instead.
    shown = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


@handles_errors
def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    db: DbOption = None,
    public_url: PublicUrlOption = None,
) -> None:
    """Serve the board to web browsers (each browser tab runs its own board)."""
    from textual_serve.server import Server

    # Open once here so a bad store fails now, with one clear message, not in every tab.
    store = open_services(db).ctx.store
    shown = store.display_url
    store.close()
    if db is not None:
        # Through the environment, not the command line: textual-serve prints the command,
        # and a URL there could carry a password.
        os.environ["TASKBOARD_DB"] = db
    if not is_loopback(host):
        typer.echo(exposure_warning(printable(host), port, printable(shown)), err=True)
    command = f"{shlex.quote(sys.executable)} -m taskboard"
    url = public_url or default_public_url(host, port)
    Server(command, host=host, port=port, title="taskboard", public_url=url).serve()
