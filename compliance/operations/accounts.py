"""Accounts for the review desk and the four-eyes rule: who may sign in, with which role, and what each role
may do. A refusal is an AccountError with one plain sentence; nothing is written then.

Roles: an *admin* manages the accounts and nothing else; a *viewer* reads; a *preparer* also uploads
reports and prepares a year's documents; an *approver* may do all of that and approve documents, never
documents they prepared themselves (operations.approval). Passwords are kept only as argon2id hashes; the
desk's sessions live in the server, not here.

Every account change is made by an authenticated administrator (`administrator`), recorded in the hash chain
with who made it. The first administrator comes with the ledger (`init_accounts`, `compliance init`). A local
account proves that someone knew its password on this machine: it is not an identity provider.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from compliance.ledger import Event, Ledger, User

ROLES = ("admin", "preparer", "approver", "viewer")
MAY = {
    "manage_accounts": frozenset({"admin"}),
    "view": frozenset({"preparer", "approver", "viewer"}),
    "upload": frozenset({"preparer", "approver"}),
    "prepare": frozenset({"preparer", "approver"}),
    "approve": frozenset({"approver"}),
    "record": frozenset({"preparer", "approver"}),  # the agent's receipt, releases, disputes, resolutions
    "set_trust_roots": frozenset({"admin"}),  # whose signatures a signed letter may carry (operations.trust)
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


def add_user(ledger: Ledger, *, name: str, role: str, password: str, on: dt.date, by: str | None = None) -> Event:
    """A new account (or a revoked one given back), its password hashed with argon2id; `by` is the
    administrator `administrator` authenticated (the CLI and the desk never call this without one)."""
    check_name(name)
    if role not in ROLES:
        raise AccountError(f"'{role}' is not a role; choose one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    existing = ledger.user(name)
    if existing is not None and existing.active:
        raise AccountError(f"{name} already has an account ({existing.role}); revoke it first to change it")
    with ledger.transaction():
        return ledger.add_user(name, role, _hasher().hash(password), on_date=on, by=by)


def revoke_user(ledger: Ledger, *, name: str, on: dt.date, by: str | None = None) -> Event:
    """The account can no longer sign in; its open desk sessions end at their next request."""
    existing = ledger.user(name)
    if existing is None or not existing.active:
        raise AccountError(f"{name} has no active account")
    if existing.role == "admin" and by == name and sum(u.active and u.role == "admin" for u in ledger.users()) == 1:
        raise AccountError(f"{name} is the only administrator; add another administrator before revoking this one")
    with ledger.transaction():
        return ledger.revoke_user(name, on_date=on, by=by)


def change_password(ledger: Ledger, *, name: str, old: str, new: str, on: dt.date) -> Event:
    """A person changes their own password, proving the old one; an administrator cannot set another's (they
    revoke and add the account again, which the ledger shows)."""
    if authenticate(ledger, name, old) is None:
        raise AccountError(f"{name}: no active account with that password")
    if len(new) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    with ledger.transaction():
        return ledger.set_password(name, _hasher().hash(new), on_date=on)


def proven(ledger: Ledger, name: str, password: str, action: str) -> User:
    """The active user `name`, proven by their password, who may do `action`; otherwise an AccountError. The
    one check every act recorded under a person's name goes through on the command line."""
    check_name(name)
    user = authenticate(ledger, name, password)
    if user is None:
        raise AccountError(f"{name}: no active account with that password")
    return check_may(ledger, name, action)


def administrator(ledger: Ledger, name: str, password: str) -> User:
    """Who changes accounts: an authenticated administrator. A ledger whose accounts were made before
    administrators existed has none: there an authenticated approver stands in, until `compliance init`
    adds the first administrator."""
    if not any(user.active and user.role == "admin" for user in ledger.users()):
        return proven(ledger, name, password, "approve")
    return proven(ledger, name, password, "manage_accounts")


def init_accounts(ledger: Ledger, *, admin: str, password: str, on: dt.date, by: str | None = None,
                  by_password: str = "") -> Event:
    """The ledger's first administrator. On a ledger with no account at all anyone who can write the folder
    may make it (that is how a deal's ledger starts); on one whose accounts predate administrators, only an
    authenticated approver (`by`); once an administrator exists, `compliance users add` adds the others."""
    users = ledger.users()
    admins = [user.name for user in users if user.active and user.role == "admin"]
    if admins:
        raise AccountError(f"this ledger already has an administrator ({', '.join(admins)}); an administrator "
                           "adds accounts with `compliance users add`")
    if users:
        if by is None:
            raise AccountError("this ledger already has accounts; an approver's name and password (--by) "
                               "authorise its first administrator")
        administrator(ledger, by, by_password)
    return add_user(ledger, name=admin, role="admin", password=password, on=on, by=by or admin)


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


def with_article(role: str) -> str:
    """'an approver', 'a preparer': a role as a sentence names it."""
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


def check_may(ledger: Ledger, name: str, action: str) -> User:
    """The active user `name`, who may do `action`; otherwise an AccountError saying why not."""
    user = active_user(ledger, name)
    if user is None:
        raise AccountError(f"{name} has no active account; add one with `compliance users add {name} --role ...`")
    if not may(user, action):
        allowed = " or ".join(with_article(role) for role in sorted(MAY[action]))
        raise AccountError(f"{name} is {with_article(user.role)}; only {allowed} may {action.replace('_', ' ')}")
    return user


def preparer(ledger: Ledger, name: str | None, password: Callable[[], str] | None, *,
             signed_in: bool = False, unmanaged_name: str = "unknown") -> str | None:
    """Who prepares this run's documents, or None: the run reads and records, and prepares nothing.

    Once the ledger has accounts, the preparer is a person who may prepare, proven by their password (asked
    for only then: `password()`), or signed in at the desk (`signed_in`); without a name, nobody prepares.
    A ledger with no account at all (before `compliance init`) records the name as given, or the login
    name, as its preparer: nothing is proven there, and nothing can be approved until accounts exist."""
    if not ledger.users():
        return check_name(name or unmanaged_name)
    if name is None:
        return None
    if signed_in:
        check_may(ledger, name, "prepare")
        return name
    return proven(ledger, name, password() if password is not None else "", "prepare").name


def recorder(ledger: Ledger, name: str | None, password: Callable[[], str]) -> str | None:
    """Who records an event (`record`, `resolve`): on a ledger with accounts, a person who may record,
    proven by their password (asked for only then); on one without, the name as given, if any."""
    if not ledger.users():
        return name or None  # nothing to prove it against: recorded as given
    if not name:
        raise AccountError("this ledger has accounts: say who records this with --by NAME (their password is "
                           "asked for)")
    return proven(ledger, name, password(), "record").name

