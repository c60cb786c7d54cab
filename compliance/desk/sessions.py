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
    user: str | None  # who signed in (a session exists only after sign-in: the form's token is a cookie)
    last_seen: float
    flash: list[tuple[str, str]] = field(default_factory=list)  # (kind, sentence) shown on the next page
    drafts: dict[str, dict] = field(default_factory=dict)  # report sha256 -> a refused confirmation's entries

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
            self._prune()
            self._sessions[session.token] = session
        return session

    def _prune(self) -> None:
        """Idle sessions go when a new one starts, not only when their cookie comes back."""
        now = self._now()
        for token in [t for t, s in self._sessions.items() if now - s.last_seen > self._idle]:
            del self._sessions[token]

    def __len__(self) -> int:
        return len(self._sessions)

    def end(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(token, None)

    def end_user(self, user: str) -> None:
        """Every session of a user (a revoked account)."""
        with self._lock:
            for token in [t for t, s in self._sessions.items() if s.user == user]:
                del self._sessions[token]


class LoginThrottle:
    """Password guesses (sign-in and the approval form alike) limited per user name *and* client address:
    at most `attempts` failures of one name from one address within `window` seconds, and at most
    `attempts * 4` failures from one address whatever the names. An outsider therefore cannot lock a named
    person out from their own address, and one address cannot guess on for ever.

    `attempt` counts a try before its password is checked (atomically, under the lock), so a burst of
    concurrent guesses is limited as a sequence of them would be; `succeeded` forgets the name's failures
    from that address. At most `concurrent` password checks run at once (argon2 is made to cost memory)."""

    def __init__(self, *, attempts: int, window_seconds: float, monotonic: Callable[[], float],
                 concurrent: int = 2):
        self._attempts = attempts
        self._window = window_seconds
        self._now = monotonic
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self.checks = threading.BoundedSemaphore(concurrent)

    @staticmethod
    def keys(name: str, client: str) -> tuple[str, str]:
        return f"pair:{name.lower()}|{client}", f"client:{client}"

    def _recent(self, key: str) -> list[float]:
        cutoff = self._now() - self._window
        kept = [t for t in self._failures.get(key, []) if t > cutoff]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)  # nothing kept for a key that has no recent failure
        return kept

    def _limit(self, key: str) -> int:
        return self._attempts if key.startswith("pair:") else self._attempts * 4

    def attempt(self, name: str, client: str) -> bool:
        """True, and the try counted as a failure until `succeeded` says otherwise; False when the limit is
        reached."""
        keys = self.keys(name, client)
        with self._lock:
            if any(len(self._recent(key)) >= self._limit(key) for key in keys):
                return False
            for key in keys:
                self._failures.setdefault(key, []).append(self._now())
            return True

    def succeeded(self, name: str, client: str) -> None:
        pair, address = self.keys(name, client)
        with self._lock:
            self._failures.pop(pair, None)
            recent = self._recent(address)
            if recent:
                recent.pop()  # this try was not a failure

    @property
    def window_minutes(self) -> int:
        return max(1, round(self._window / 60))
