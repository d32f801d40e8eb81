"""Who may talk to the live page: a browser on this machine that was given the page's token.

The page's websocket drives a Python session that reads results folders and starts runs, and a browser
connects a websocket to any address a web page names, sending along the cookies it holds for it.  So every
request and websocket is checked here before the page's server sees it:

- its ``Host`` is this server's own address (127.0.0.1 or localhost on its port), so a name of another site
  that a DNS answer points at 127.0.0.1 gets nothing;
- an ``Origin``, when the browser sends one (always on a websocket), is that same address: a page of
  another origin, on another port of this machine too, cannot open the websocket;
- it carries the token printed at start-up, in the URL (``?token=...``) or in the cookie the first such
  request sets (HttpOnly, SameSite=Strict, so no script reads it and no other site's request sends it).

Anything else gets 403 and never reaches the page.
"""

from __future__ import annotations

import secrets
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

LOCAL_NAMES = ("127.0.0.1", "localhost")
TOKEN_PARAMETER = "token"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def cookie_name(port: int) -> str:
    # cookies are shared by every port of a host: one name per port, so two pages never overwrite each other's
    return f"sim-dashboard-token-{port}"


def _header(scope, name: bytes) -> str | None:
    values = [v for k, v in scope.get("headers", ()) if k.lower() == name]
    if len(values) != 1:  # missing, or sent twice to confuse whoever reads only one of them
        return None
    return values[0].decode("latin-1")


def _cookies(scope) -> SimpleCookie:
    jar = SimpleCookie()
    for key, value in scope.get("headers", ()):
        if key.lower() == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                pass
    return jar


class LocalOnly:
    """ASGI middleware around the page's app: refuse what is not local, same-origin and given the token."""

    def __init__(self, app, port: int, token: str):
        if not token:
            raise ValueError("the page needs a token")
        self.app, self.port, self.token = app, port, token
        self.hosts = {f"{name}:{port}" for name in LOCAL_NAMES}
        self.cookie = cookie_name(port)

    def _token_from_query(self, scope) -> str | None:
        values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(TOKEN_PARAMETER, [])
        return values[0] if len(values) == 1 else None

    def _matches(self, given: str | None) -> bool:
        return given is not None and secrets.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def check(self, scope) -> tuple[bool, bool]:
        """(allowed, token given in the URL): the request's Host, Origin and token."""
        host = _header(scope, b"host")
        if host is None or host.lower() not in self.hosts:
            return False, False
        origin = _header(scope, b"origin")
        if origin is None and any(k.lower() == b"origin" for k, _ in scope.get("headers", ())):
            return False, False  # more than one Origin
        if origin is not None and origin.lower() != f"http://{host.lower()}":
            return False, False
        in_url = self._matches(self._token_from_query(scope))
        morsel = _cookies(scope).get(self.cookie)
        return in_url or self._matches(morsel.value if morsel else None), in_url

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):  # lifespan: the server's own start and stop
            await self.app(scope, receive, send)
            return
        allowed, in_url = self.check(scope)
        if not allowed:
            await self._refuse(scope, send)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # no other site may frame the page (a framed page would be the user's, clicked by the framer)
                headers.append((b"x-frame-options", b"DENY"))
                headers.append((b"content-security-policy", b"frame-ancestors 'none'"))
                if in_url:
                    headers.append(
                        (
                            b"set-cookie",
                            f"{self.cookie}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode("latin-1"),
                        )
                    )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, scope, send):
        if scope["type"] == "websocket":
            # closed before it is accepted: the server answers the handshake with 403
            await send({"type": "websocket.close", "code": 1008})
            return
        body = b"403: this page answers only its own address, with the token it printed when it started\n"
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
