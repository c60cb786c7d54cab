"""Sessions kept in the server (the browser holds only a random token), so that signing out, a revoked
account and a restart end them; and the sign-in throttle.

A visitor gets an anonymous session on the sign-in page (it carries the CSRF token of that form); signing
in replaces it with a new token (no session fixation). A session ends after `idle` without a request. The
user's role is not kept here: each request reads it from the ledger, so a revocation takes effect at once.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

COOKIE = "desk_session"


@dataclass
class Session:
    token: str
    csrf: str
    user: str | None  # None: not signed in yet
    last_seen: float
    flash: list[tuple[str, str]] = field(default_factory=list)  # (kind, sentence) shown on the next page

    def csrf_ok(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(self.csrf.encode(), str(sent).encode())


class SessionStore:
    def __init__(self, *, idle_seconds: float, monotonic: Callable[[], float]):
        self._sessions: dict[str, Session] = {}
        self._idle = idle_seconds
        self._now = monotonic
        self._lock = threading.Lock()

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if self._now() - session.last_seen > self._idle:
                del self._sessions[token]
                return None
            session.last_seen = self._now()
            return session

    def start(self, user: str | None, flash: list[tuple[str, str]] | None = None) -> Session:
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), user, self._now(), list(flash or []))
        with self._lock:
            self._sessions[session.token] = session
        return session

    def end(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(token, None)

    def end_user(self, user: str) -> None:
        """Every session of a user (a revoked account)."""
        with self._lock:
            for token in [t for t, s in self._sessions.items() if s.user == user]:
                del self._sessions[token]


class LoginThrottle:
    """At most `attempts` failed sign-ins per user name and per client address within `window` seconds."""

    def __init__(self, *, attempts: int, window_seconds: float, monotonic: Callable[[], float]):
        self._attempts = attempts
        self._window = window_seconds
        self._now = monotonic
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> list[float]:
        cutoff = self._now() - self._window
        kept = [t for t in self._failures.get(key, []) if t > cutoff]
        self._failures[key] = kept
        return kept

    def blocked(self, *keys: str) -> bool:
        with self._lock:
            return any(len(self._recent(key)) >= self._attempts for key in keys)

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._recent(key).append(self._now())

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    @property
    def window_minutes(self) -> int:
        return max(1, round(self._window / 60))
