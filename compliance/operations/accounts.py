"""Accounts for the review desk and the four-eyes rule: who may sign in, with which role, and what each role
may do. A refusal is an AccountError with one plain sentence; nothing is written then.

Roles: a *viewer* reads; a *preparer* also uploads reports and prepares a year's documents; an *approver*
may do all of that and approve documents, never documents they prepared themselves (operations.approval).
Passwords are kept only as argon2id hashes; the desk's sessions live in the server, not here.
"""

from __future__ import annotations

import datetime as dt
import re

from compliance.ledger import Event, Ledger, User

ROLES = ("preparer", "approver", "viewer")
MAY = {
    "view": frozenset(ROLES),
    "upload": frozenset({"preparer", "approver"}),
    "prepare": frozenset({"preparer", "approver"}),
    "approve": frozenset({"approver"}),
}
MIN_PASSWORD = 10
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,39}")


class AccountError(ValueError):
    """An account that cannot be added, revoked or used as asked; str() is one plain sentence."""


def _hasher():
    from argon2 import PasswordHasher  # loaded on first use: `compliance --help` stays fast

    return PasswordHasher()


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name or ""):
        raise AccountError(f"'{name}' is not a user name: use 1-40 letters, digits, '.', '_' or '-', "
                           "starting with a letter")
    return name


def add_user(ledger: Ledger, *, name: str, role: str, password: str, on: dt.date) -> Event:
    """A new account (or a revoked one given back), its password hashed with argon2id."""
    check_name(name)
    if role not in ROLES:
        raise AccountError(f"'{role}' is not a role; choose one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    existing = ledger.user(name)
    if existing is not None and existing.active:
        raise AccountError(f"{name} already has an account ({existing.role}); revoke it first to change it")
    with ledger.transaction():
        return ledger.add_user(name, role, _hasher().hash(password), on_date=on)


def revoke_user(ledger: Ledger, *, name: str, on: dt.date) -> Event:
    """The account can no longer sign in; its open desk sessions end at their next request."""
    existing = ledger.user(name)
    if existing is None or not existing.active:
        raise AccountError(f"{name} has no active account")
    with ledger.transaction():
        return ledger.revoke_user(name, on_date=on)


def authenticate(ledger: Ledger, name: str, password: str) -> User | None:
    """The active user with this name and password, or None (the same work either way: no name oracle)."""
    from argon2.exceptions import VerificationError, VerifyMismatchError

    user = ledger.user(name)
    hasher = _hasher()
    stored = user.password_hash if user is not None and user.active else _DUMMY.get(hasher)
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, ValueError):
        return None
    return user if user is not None and user.active else None


class _Dummy:
    """A hash to verify against when the name is unknown, made once."""

    def __init__(self) -> None:
        self._hash: str | None = None

    def get(self, hasher) -> str:
        if self._hash is None:
            self._hash = hasher.hash("no such user, no such password")
        return self._hash


_DUMMY = _Dummy()


def active_user(ledger: Ledger, name: str) -> User | None:
    user = ledger.user(name)
    return user if user is not None and user.active else None


def may(user: User | None, action: str) -> bool:
    return user is not None and user.active and user.role in MAY[action]


def check_may(ledger: Ledger, name: str, action: str) -> User:
    """The active user `name`, who may do `action`; otherwise an AccountError saying why not."""
    user = active_user(ledger, name)
    if user is None:
        raise AccountError(f"{name} has no active account; add one with `compliance users add {name} --role ...`")
    if not may(user, action):
        allowed = " or ".join(sorted(MAY[action]))
        raise AccountError(f"{name} is a {user.role}; only a {allowed} may {action}")
    return user


def check_preparer(ledger: Ledger, name: str) -> None:
    """Who prepares a year's documents. Before any account exists (a first run from the command line) the
    name is recorded as given; once accounts exist it must be one that may prepare."""
    check_name(name)
    if ledger.users():
        check_may(ledger, name, "prepare")
