"""The web side of `taskboard serve`: textual-serve's aiohttp server behind an access token."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from textual_serve.server import Server, to_int

TOKEN_PARAM = "token"
# Our copy of textual-serve's page: local fonts, and the token out of the address bar.
PAGE_DIR = Path(__file__).with_name("serve_page")
# A fixed token must be as hard to guess as a random one and fit in a URL unquoted.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_.~-]{16,200}")
NO_TOKEN = (
    "taskboard serve needs its access token: open the address it printed "
    "(the one ending in ?token=…).\n"
)
WRONG_TOKEN = "this is not the access token of this taskboard serve.\n"
FOREIGN_ORIGIN = "a page from another site may not open the board.\n"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    """128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def check_token(token: str) -> str:
    """A fixed token from the user, or a ValueError that says what is wrong with it."""
    if not TOKEN_SHAPE.fullmatch(token):
        raise ValueError(
            "the serve token must be 16 to 200 characters of A-Z a-z 0-9 - _ . ~ "
            "(make one with: python3 -c 'import secrets; print(secrets.token_urlsafe())')"
        )
    return token


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class PathOnlyAccessLogger(AbstractAccessLogger):
    """One line per request without the query string: the query carries the token."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s', request.remote, request.method, request.path, response.status
        )


class TokenServer(Server):
    """textual-serve's `Server`; every request, the websocket above all, must carry the token.

    The printed URL carries it as `?token=`; the page answered to it sets an HttpOnly,
    SameSite=Strict cookie, which the browser then sends with the page's own requests
    (styles, script, fonts, the websocket) and with a reload, so textual-serve's
    JavaScript needs no change.
    """

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        token: str,
        public_url: str,
        public_url_given: bool,
        on_listening: Callable[[], None],
    ) -> None:
        super().__init__(
            command,
            host=host,
            port=port,
            title="taskboard",
            public_url=public_url,
            templates_path=PAGE_DIR,
        )
        self._token = token.encode("utf-8")
        # Cookies ignore ports: a name per port keeps two servers on one host apart.
        self.cookie_name = f"taskboard_serve_{port}"
        self.public_url_given = public_url_given
        self.on_listening = on_listening

    def token_matches(self, given: str) -> bool:
        return secrets.compare_digest(given.encode("utf-8"), self._token)

    def origin_allowed(self, request: web.Request) -> bool:
        """A browser's websocket comes from our own page (no cross-site websocket hijacking)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser: it had to bring the token itself
        allowed = {f"{request.scheme}://{request.host}".lower(), origin_of(self.public_url)}
        return origin.rstrip("/").lower() in allowed

    async def _make_app(self) -> web.Application:
        app: web.Application = await super()._make_app()

        @web.middleware
        async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
            given = request.query.get(TOKEN_PARAM)
            from_query = given is not None
            if given is None:
                given = request.cookies.get(self.cookie_name)
            if given is None:
                raise web.HTTPUnauthorized(text=NO_TOKEN)
            if not self.token_matches(given):
                raise web.HTTPForbidden(text=WRONG_TOKEN)
            if request.path == "/ws" and not self.origin_allowed(request):
                raise web.HTTPForbidden(text=FOREIGN_ORIGIN)
            response = await handler(request)
            if not response.prepared:  # a websocket has sent its headers already
                response.headers["Referrer-Policy"] = "no-referrer"
                if from_query:
                    response.set_cookie(
                        self.cookie_name, given, httponly=True, samesite="Strict", path="/"
                    )
            return response

        app.middlewares.append(require_token)
        return app

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """textual-serve's page context, with URLs on the host the browser used.

        Without `--public-url`, the page's assets and websocket go back to the address the
        page came from, so the cookie set for that host goes with them (127.0.0.1 and
        localhost are different hosts to a browser).
        """
        base = self.public_url if self.public_url_given else str(request.url.origin())
        base = base.rstrip("/")
        router = request.app.router
        static = router["static"].canonical.rstrip("/") + "/"
        websocket = base + str(router["websocket"].url_for())
        scheme = "wss" if websocket.startswith("https:") else "ws"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": scheme + ":" + websocket.split(":", 1)[1],
            "config": {"static": {"url": base + static}},
            "application": {"name": self.title},
        }

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints its logo and the command here; our banner comes once listening."""

    def serve(self, debug: bool = False) -> None:
        """textual-serve's `serve`, with the banner after the port is bound and a quiet log."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=lambda *args: self.on_listening(),
            access_log_class=PathOnlyAccessLogger,
            access_log=logging.getLogger("aiohttp.access"),
        )
