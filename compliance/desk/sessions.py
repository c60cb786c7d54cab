"""Sessions kept in the server (the browser holds only a random token), so that signing out, a revoked
account and a restart end them; the sign-in throttle; and the uploads being read.

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
from pathlib import Path

COOKIE = "desk_session"


@dataclass
class Session:
    token: str
    csrf: str
    user: str | None  # who signed in (a session exists only after sign-in: the form's token is a cookie)
    last_seen: float
    flash: list[tuple[str, str]] = field(default_factory=list)  # (kind, sentence) shown on the next page
    drafts: dict[str, dict] = field(default_factory=dict)  # report sha256 -> a refused confirmation's entries
    opened: set[int] = field(default_factory=set)  # documents this user opened here (desk/approving.py)

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


# --- uploads being read (desk/reading.py) ---------------------------------------------------------------------
@dataclass
class Reading:
    """One upload's files being read, in a thread of the desk's process."""

    id: str
    owner: str  # the session that uploaded: only it sees this page
    names: list[str]
    current: int = 0  # the file being read (index in names)
    step: str = "Starting."
    outcomes: list[tuple[str, str]] = field(default_factory=list)  # (kind, sentence), as the Inbox shows them
    done: threading.Event = field(default_factory=threading.Event)


class Readings:
    """The readings under way, by id. A finished one is kept until its page was shown once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._all: dict[str, Reading] = {}
        # One upload read at a time: a second upload made while a scan is read waits for it here, rather than
        # for the ledger's lock (which gives up after ten seconds and would lose the upload).
        self._one_at_a_time = threading.Lock()

    def start(self, owner: str, files: list[tuple[str, Path]], read_one: Callable[[Reading, str, Path], None]
              ) -> Reading:
        reading = Reading(secrets.token_urlsafe(12), owner, [name for name, _ in files])
        with self._lock:
            self._all[reading.id] = reading

        def work() -> None:
            try:
                reading.step = "Waiting for the files of an earlier upload to be read."
                with self._one_at_a_time:
                    for position, (name, path) in enumerate(files):
                        reading.current, reading.step = position, "Opening the file."
                        read_one(reading, name, path)
            finally:
                reading.done.set()

        threading.Thread(target=work, name=f"desk-reading-{reading.id}", daemon=True).start()
        return reading

    def get(self, reading_id: str, owner: str) -> Reading | None:
        with self._lock:
            reading = self._all.get(reading_id)
        return reading if reading is not None and secrets.compare_digest(reading.owner, owner) else None

    def forget(self, reading_id: str) -> None:
        with self._lock:
            self._all.pop(reading_id, None)
