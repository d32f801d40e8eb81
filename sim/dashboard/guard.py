"""Who may talk to the live page: a browser on this machine that was given the page's secret address.

The page's websocket drives a Python session that reads results folders and starts runs, and a browser
connects a websocket to any address a web page names.  Cookies are no place for the secret: a browser sends
the cookies of 127.0.0.1 to every port of it, so a server on another port the user visits would receive
them.  The secret is a path instead, printed at start-up (``http://127.0.0.1:PORT/<token>/``); the page is
served under it (Solara builds its asset and websocket addresses under its root path), and every request
and websocket is checked here before the page's server sees it:

- its path starts with the secret prefix (which is stripped for the app by setting the ASGI ``root_path``);
- its ``Host`` is this server's own address (127.0.0.1 or localhost on its port), so a name of another site
  that a DNS answer points at 127.0.0.1 gets nothing;
- an ``Origin``, when the browser sends one (always on a websocket), is that same address: a page of
  another origin, on another port of this machine too, cannot open the websocket.

The cookies the page's server sets (Solara's session) are scoped to the secret path, so the browser never
sends them elsewhere, and no page of it sends its address on as a Referer.  Anything else gets 403 and
never reaches the page.
"""

from __future__ import annotations

import re
import secrets

LOCAL_NAMES = ("127.0.0.1", "localhost")
_COOKIE_PATH = re.compile(rb";\s*path=[^;]*", re.IGNORECASE)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def page_url(host: str, port: int, token: str) -> str:
    return f"http://{host}:{port}/{token}/"


def _header(scope, name: bytes) -> str | None:
    values = [v for k, v in scope.get("headers", ()) if k.lower() == name]
    if len(values) != 1:  # missing, or sent twice to confuse whoever reads only one of them
        return None
    return values[0].decode("latin-1")


class LocalOnly:
    """ASGI middleware around the page's app: refuse what is not local, same-origin and under the secret path."""

    def __init__(self, app, port: int, token: str):
        if not token or "/" in token:
            raise ValueError("the page needs a token that is one path segment")
        self.app, self.port, self.token = app, port, token
        self.prefix = f"/{token}"
        self.hosts = {f"{name}:{port}" for name in LOCAL_NAMES}

    def _under_prefix(self, path: str) -> bool:
        rest = path[len(self.prefix) :]
        return secrets.compare_digest(path[: len(self.prefix)], self.prefix) and (rest == "" or rest[0] == "/")

    def check(self, scope) -> bool:
        """The request's Host, Origin and path."""
        host = _header(scope, b"host")
        if host is None or host.lower() not in self.hosts:
            return False
        origin = _header(scope, b"origin")
        if origin is None and any(k.lower() == b"origin" for k, _ in scope.get("headers", ())):
            return False  # more than one Origin
        if origin is not None and origin.lower() != f"http://{host.lower()}":
            return False
        return not scope.get("root_path") and self._under_prefix(scope.get("path", ""))

    def _scoped_cookie(self, value: bytes) -> bytes:
        # the app's cookies (Path=/ by default) would reach every port of the host; these reach only this page
        return _COOKIE_PATH.sub(b"", value) + b"; Path=" + self.prefix.encode("latin-1")

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):  # lifespan: the server's own start and stop
            await self.app(scope, receive, send)
            return
        if not self.check(scope):
            await self._refuse(scope, send)
            return
        if scope["type"] == "http" and scope["path"] == self.prefix:
            await self._redirect_to_folder(send)
            return
        # the path keeps the prefix and root_path names it: the app routes on what follows and builds its
        # addresses under it
        scope = {**scope, "root_path": self.prefix}
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [
                    (k, self._scoped_cookie(v) if k.lower() == b"set-cookie" else v)
                    for k, v in message.get("headers", [])
                ]
                # no other site may frame the page (a framed page would be the user's, clicked by the framer)
                headers.append((b"x-frame-options", b"DENY"))
                headers.append((b"content-security-policy", b"frame-ancestors 'none'"))
                # a link followed from the page must not carry its secret address along
                headers.append((b"referrer-policy", b"no-referrer"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _redirect_to_folder(self, send):
        await send(
            {
                "type": "http.response.start",
                "status": 307,
                "headers": [
                    (b"location", f"{self.prefix}/".encode("latin-1")),
                    (b"referrer-policy", b"no-referrer"),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _refuse(self, scope, send):
        if scope["type"] == "websocket":
            # closed before it is accepted: the server answers the handshake with 403
            await send({"type": "websocket.close", "code": 1008})
            return
        body = b"403: this page answers only its own address, printed when it started\n"
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
