"""`taskboard serve`: the board in a browser via textual-serve, for the meeting-room projector."""

from __future__ import annotations

import errno
import ipaddress
import os
import shlex
import socket
import sys
from collections.abc import Sequence
from typing import Annotated
from urllib.parse import urlencode, urlsplit

import typer

from taskboard.commands.common import DbOption, fail, handles_errors, open_services, printable

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
TOKEN_ENV = "TASKBOARD_SERVE_TOKEN"
TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token",
        help=(
            f"A fixed access token instead of a new random one at each start; or set {TOKEN_ENV}"
            " (better: a token on the command line is visible to every user in ps)."
        ),
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
            "The token in the address is the only protection: everyone who has it and can",
            f"reach this port can read and change every task in {store}.",
            "The traffic, token included, is unencrypted http: anyone on the network path",
            "can read it. Use this only on a network you trust, or keep the default",
            "--host 127.0.0.1 behind an https reverse proxy (and give its --public-url).",
            rule,
        ]
    )


def warn_password_in_argv(argv: Sequence[str]) -> None:
    """A password in a `--db` URL is visible to every user of this machine in `ps`."""
    for target in db_arguments(argv):
        try:
            password = urlsplit(target).password if "://" in target else None
        except ValueError:
            password = None  # not a URL: opening the store will say so
        if password:
            typer.echo(
                "warning: the database password in --db is visible to every user of this "
                "machine (ps) while serve runs: put the URL in TASKBOARD_DB, or the password "
                "in the config file's db_password",
                err=True,
            )
            return


def db_arguments(argv: Sequence[str]) -> list[str]:
    """Every `--db X` / `--db=X` value, before the command (`taskboard --db X serve`) or after."""
    found = []
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            found.append(argv[i + 1])
        elif arg.startswith("--db="):
            found.append(arg.removeprefix("--db="))
    return found


def resolve_token(option: str | None) -> str:
    """`--token`, else `TASKBOARD_SERVE_TOKEN`, else a new random token."""
    from taskboard.commands.serve_web import check_token, new_token

    # The boards this server starts inherit its environment; they have no use for the token.
    env = os.environ.pop(TOKEN_ENV, "")
    if option is not None:
        typer.echo(
            f"warning: --token is visible to every user of this machine (ps): prefer {TOKEN_ENV}",
            err=True,
        )
    # A bad token is a refusal; handles_errors no longer takes every ValueError for one.
    try:
        if option is not None:
            return check_token(option)
        return check_token(env) if env else new_token()
    except ValueError as exc:
        fail(str(exc))


def banner(store: str, url: str) -> str:
    return "\n".join(
        [
            f"taskboard serve: the board of {store}",
            "Open this address in a browser (the token in it is the key to the board):",
            f"  {url}",
            "Press Ctrl+C to stop.",
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
    token: TokenOption = None,
) -> None:
    """Serve the board to web browsers (each browser tab runs its own board).

    Every request needs the access token: the address printed at start carries it.
    """
    from taskboard.commands.serve_web import TOKEN_PARAM, TokenServer

    warn_password_in_argv(sys.argv[1:])
    key = resolve_token(token)
    # Open once here so a bad store fails now, with one clear message, not in every tab.
    store = open_services(db).ctx.store
    shown = printable(store.display_url)
    store.close()
    if db is not None:
        # Through the environment, not the command line: the boards' command line is
        # visible in ps, and a URL there could carry a password.
        os.environ["TASKBOARD_DB"] = db
    if not is_loopback(host):
        typer.echo(exposure_warning(printable(host), port, shown), err=True)
    command = f"{shlex.quote(sys.executable)} -m taskboard"
    url = (public_url or default_public_url(host, port)).rstrip("/")
    address = f"{url}/?{urlencode({TOKEN_PARAM: key})}"
    server = TokenServer(
        command,
        host=host,
        port=port,
        token=key,
        public_url=url,
        public_url_given=public_url is not None,
        on_listening=lambda: typer.echo(banner(shown, printable(address))),
    )
    try:
        server.serve()
    except OSError as exc:
        # Expected where the server binds: the port is taken, or needs privileges.
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        fail(f"cannot listen on {printable(host)}:{port}: {exc.strerror or exc}")
