"""What every response and every request body goes through: security headers, and a size limit checked
before the body is read (a 300 MB upload is refused from its Content-Length, and a body that claims less
than it sends is cut off when it passes the limit)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script or style anywhere (the pages use desk.js and desk.css only); nothing may frame the desk.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# An SVG chart is a document of its own: its styles are inline, and it may run nothing.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


HSTS = "max-age=31536000"  # behind TLS (--secure-cookie): the browser never tries plain HTTP again


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool = False):
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in HEADERS and k.lower() != b"content-security-policy"]
                content_type = dict(message.get("headers", [])).get(b"content-type", b"")
                csp = SVG_CSP if content_type.startswith(b"image/svg") else CSP
                headers.append((b"content-security-policy", csp.encode()))
                headers.extend((k.encode(), v.encode()) for k, v in HEADERS.items())
                if self.hsts:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))  # pages show the ledger as it is now
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    pass


async def _plain_response(send: Send, status: int, text: str) -> None:
    """A refusal made before the desk (and so the person's language) is reached: in English and in Chinese."""
    from compliance.desk.chinese import translate

    body = (text + "\n" + (translate(text) or "") + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Request bodies: at most `upload_bytes` on the upload route, `form_bytes` anywhere else."""

    def __init__(self, app: ASGIApp, *, upload_path: str | tuple[str, ...], upload_bytes: int,
                 form_bytes: int = 64 * 1024):
        self.app = app
        self.upload_paths = (upload_path,) if isinstance(upload_path, str) else upload_path
        self.upload_bytes = upload_bytes
        self.form_bytes = form_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.upload_bytes if scope["path"] in self.upload_paths else self.form_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        too_large = (f"The upload is larger than the limit of {limit // (1024 * 1024)} MB; upload only the audit "
                     "report." if limit >= 1024 * 1024 else "The request is larger than a form can be.")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _plain_response(send, 400, "The request's Content-Length is not a number.")
                return
            if size > limit:  # refused before a byte of the body is read
                await _plain_response(send, 413, too_large)
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except BodyTooLarge:
            if not started:
                await _plain_response(send, 413, too_large)
