"""Signed session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) and CSRF tokens.

The cookie holds only the username, the token of its server-side session (web/session_store.py), the CSRF
token and the chat conversation id. Whether a sign-in is still valid is decided by the server on every
request, never by the cookie alone: a copy of the cookie is worth nothing after logout.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.proxy import is_https
from web.settings import CookieSecure, WebSettings

# Re-sign an unchanged session at most this often: enough to slide the idle timeout, without a
# Set-Cookie header on every response.
_REFRESH_AFTER_SECONDS = 60


class Session(dict[str, Any]):
    """The session dict; `modified` tells the middleware to send a new cookie."""

    def __init__(self, data: dict[str, Any] | None = None, *, issued_at: float | None = None) -> None:
        super().__init__(data or {})
        self.modified = False
        self.issued_at = issued_at

    def __setitem__(self, key: str, value: Any) -> None:
        self.modified = True
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.modified = True
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.modified = True
        super().update(*args, **kwargs)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self.modified = True
        return super().setdefault(key, default)

    def pop(self, key: str, default: Any = None) -> Any:
        if key in self:
            self.modified = True
        return super().pop(key, default)

    def clear(self) -> None:
        self.modified = True
        super().clear()

    def csrf_token(self) -> str:
        """This session's CSRF token, created on first use."""
        token = self.get("csrf")
        if not isinstance(token, str):
            token = secrets.token_urlsafe(32)
            self["csrf"] = token
        return token

    def login(self, username: str, token: str) -> None:
        """Start a fresh session for the user (a new CSRF token defeats session fixation)."""
        self.clear()
        self["user"] = username
        self["sid"] = token
        self["csrf"] = secrets.token_urlsafe(32)

    def forget_user(self) -> None:
        """The server ended this sign-in: drop it and everything that belonged to it, keep the CSRF token."""
        for key in ("user", "sid", "oidc", "conv", "flash", "ingest_result"):
            self.pop(key, None)


def csrf_matches(session: Session, submitted: str | None) -> bool:
    expected = session.get("csrf")
    return bool(submitted and isinstance(expected, str) and hmac.compare_digest(expected, submitted))


class SessionMiddleware:
    """`secret` is called on the first request: the key comes from the server secret, which the
    lifespan loads after the middleware stack is built."""

    def __init__(self, app: ASGIApp, *, settings: WebSettings, secret: Callable[[], bytes]) -> None:
        self.app = app
        self.settings = settings
        self.networks = settings.proxy_networks
        self._secret = secret
        self._serializer: URLSafeTimedSerializer | None = None

    @property
    def serializer(self) -> URLSafeTimedSerializer:
        if self._serializer is None:
            self._serializer = URLSafeTimedSerializer(self._secret(), salt="jha.web.session")
        return self._serializer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._load(scope)
        scope["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                stale = session.issued_at is None or time.time() - session.issued_at > _REFRESH_AFTER_SECONDS
                if session.modified or (session and stale):
                    MutableHeaders(scope=message).append("Set-Cookie", self._cookie(scope, session))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _load(self, scope: Scope) -> Session:
        raw = _cookie_value(scope, self.settings.session_cookie)
        if not raw:
            return Session()
        try:
            data, signed_at = self.serializer.loads(
                raw, max_age=self.settings.session_max_age_seconds, return_timestamp=True
            )
        except BadSignature:  # tampered or expired (SignatureExpired is a subclass): start over
            return Session()
        if not isinstance(data, dict):
            return Session()
        return Session(data, issued_at=signed_at.timestamp())

    def _cookie(self, scope: Scope, session: Session) -> str:
        name = self.settings.session_cookie
        if not session:
            value, max_age = "", 0
        else:
            value, max_age = self.serializer.dumps(dict(session)), self.settings.session_max_age_seconds
        secure = self.settings.cookie_secure is CookieSecure.ALWAYS or (
            self.settings.cookie_secure is CookieSecure.AUTO and is_https(scope, self.networks)
        )
        parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Strict"]
        if secure:
            parts.append("Secure")
        return "; ".join(parts)


def _cookie_value(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header from some other app on the host: ignore it
                continue
            if name in cookie:
                return cookie[name].value
    return None
