"""Accounts: argon2 password hashes, API tokens (stored as sha256), roles, CSRF tokens, login throttling."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import threading
import time
from typing import Any

import sqlalchemy as sa

from xlsxtools.service import db

ROLE_UNIT = "unit"
ROLE_VIEWER = "viewer"  # bureau staff who may look (roster, submissions, summaries) but not approve
ROLE_BUREAU = "bureau"  # bureau staff who approve, consolidate and read the audit log
ROLES = {ROLE_UNIT: "填报单位", ROLE_VIEWER: "财政局（查看）", ROLE_BUREAU: "财政局"}
BUREAU_ROLES = (ROLE_VIEWER, ROLE_BUREAU)
TOKEN_PREFIX = "xt_"

_hasher = None


def hasher() -> Any:
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(hasher().verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


#: A valid hash to verify against for unknown user names, so they take as long as known ones.
_DUMMY_HASH: str | None = None


def dummy_verify(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    verify_password(_DUMMY_HASH, password)


def new_password(length: int = 12) -> str:
    """An initial password without look-alike characters (l/1, O/0) that staff can type."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "lI1O0o")
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are long random strings, so a plain sha256 is enough to store them safely."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def account_by_token(conn: sa.Connection, token: str) -> dict[str, Any] | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    a = db.accounts
    row = conn.execute(sa.select(a).where(a.c.token_hash == token_hash(token), a.c.active.is_(True))).mappings().first()
    return dict(row) if row else None


def csrf_token(session: dict[str, Any]) -> str:
    tok = session.get("csrf")
    if not tok:
        tok = secrets.token_urlsafe(32)
        session["csrf"] = tok
    return tok


def csrf_ok(session: dict[str, Any], sent: str | None) -> bool:
    tok = session.get("csrf")
    return bool(tok and sent and hmac.compare_digest(str(tok), str(sent)))


class Throttle:
    """At most ``limit`` events per key within ``window`` seconds (in memory, per server process)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.events: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def hit(self, key: str) -> bool:
        """Record an event; False when the key is over its limit."""
        now = time.monotonic()
        with self.lock:
            ev = [t for t in self.events.get(key, []) if now - t < self.window]
            if len(ev) >= self.limit:
                self.events[key] = ev
                return False
            ev.append(now)
            self.events[key] = ev
            if len(self.events) > 10000:  # forget idle keys
                self.events = {k: v for k, v in self.events.items() if v and now - v[-1] < self.window}
            return True

    def blocked(self, key: str) -> bool:
        now = time.monotonic()
        with self.lock:
            return len([t for t in self.events.get(key, []) if now - t < self.window]) >= self.limit


def create_account(conn: sa.Connection, username: str, role: str, unit_name: str | None = None,
                   password: str | None = None) -> tuple[int, str]:
    """Insert an account; returns (id, initial password)."""
    password = password or new_password()
    res = conn.execute(db.accounts.insert().values(username=username, role=role, unit_name=unit_name,
                                                   password_hash=hash_password(password), active=True,
                                                   created=db.now()))
    return int(res.inserted_primary_key[0]), password


def set_password(conn: sa.Connection, account_id: int, password: str) -> None:
    conn.execute(db.accounts.update().where(db.accounts.c.id == account_id)
                 .values(password_hash=hash_password(password)))
