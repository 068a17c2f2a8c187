"""Named staff accounts of the desk console: argon2id password hashes, lockout.

A password is hashed with argon2-cffi's ``PasswordHasher`` (argon2id, RFC 9106 defaults).
``max_failed_logins`` wrong passwords in a row lock the account for ``lockout_minutes``
(DeskSettings); a right password resets the count. Unknown names cost the same hash
check as known ones and are counted and locked the same way (``desk_login_throttle``,
keyed by the name's SHA-256), so neither the answer nor its timing tells which names exist.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kiosk.server.db import is_postgres
from kiosk.server.desk.hall import load_hall
from kiosk.server.desk.models import LoginThrottle, Staff
from kiosk.server.desk.settings import DeskSettings
from kiosk.store.sqlbase import utcnow

ROLES = ("staff", "admin")
MIN_PASSWORD = 8
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password of anyone")
FORGET_UNKNOWN = timedelta(days=30)  # an unknown name's count is dropped after this quiet


class AccountError(Exception):
    """A bad name, desk, role or password (message in plain English, names the field)."""


@dataclass(frozen=True)
class StaffView:
    """An account as pages and the CLI show it (never the hash)."""

    id: int
    name: str
    full_name: str
    desk: str
    role: str
    active: bool
    locked_until: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def of(cls, row: Staff) -> StaffView:
        return cls(
            row.id, row.name, row.full_name, row.desk, row.role, row.active, row.locked_until
        )


@dataclass(frozen=True)
class LoginOutcome:
    staff: StaffView | None
    # "ok", "wrong", "locked" (this try locked it), "still_locked", "disabled"
    reason: str
    locked_until: datetime | None = None

    @property
    def is_locked(self) -> bool:
        return self.reason in ("locked", "still_locked")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")
    if password.strip() != password:
        raise AccountError("password: no spaces at the start or end")


def add_staff(
    session: Session,
    name: str,
    *,
    desk: str,
    password: str,
    role: str = "staff",
    full_name: str | None = None,
) -> StaffView:
    """Create an account; AccountError when the name is taken or the desk is unknown."""
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise AccountError("name: 1-64 characters, no spaces")
    if role not in ROLES:
        raise AccountError(f"role: one of {', '.join(ROLES)}")
    hall = load_hall(session)
    if hall.find(desk) is None:
        known = "、".join(d.name for d in hall.desks)
        raise AccountError(f"desk: no desk called {desk} (desks: {known})")
    if session.scalar(select(Staff).where(Staff.name == name)) is not None:
        raise AccountError(f"name: an account called {name} exists already")
    check_password(password)
    row = Staff(
        name=name,
        full_name=(full_name or name).strip()[:64],
        desk=desk,
        role=role,
        password_hash=_hasher.hash(password),
        failed_logins=0,
        active=True,
        created_at=utcnow(),
        password_changed_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return StaffView.of(row)


def find_staff(session: Session, name: str) -> Staff:
    row = session.scalar(select(Staff).where(Staff.name == name))
    if row is None:
        raise AccountError(f"name: no account called {name}")
    return row


def set_password(session: Session, name: str, password: str) -> None:
    check_password(password)
    row = find_staff(session, name)
    row.password_hash, row.password_changed_at = _hasher.hash(password), utcnow()
    row.failed_logins, row.locked_until = 0, None


def unlock(session: Session, name: str) -> None:
    row = find_staff(session, name)
    row.failed_logins, row.locked_until = 0, None


def set_active(session: Session, name: str, active: bool) -> None:
    find_staff(session, name).active = active


def list_staff(session: Session) -> list[StaffView]:
    return [
        StaffView.of(r) for r in session.scalars(select(Staff).order_by(Staff.desk, Staff.name))
    ]


def _throttle(session: Session, name: str, now: datetime) -> LoginThrottle:
    """The failure count of a name without an account (made on first use)."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    row = session.get(LoginThrottle, digest)
    if row is None:
        quiet = LoginThrottle.updated_at < now - FORGET_UNKNOWN
        session.execute(delete(LoginThrottle).where(quiet))
        insert = pg_insert if is_postgres(session) else sqlite_insert
        values = {"name_digest": digest, "failed_logins": 0, "updated_at": now}
        session.execute(insert(LoginThrottle).values(**values).on_conflict_do_nothing())
        row = session.get(LoginThrottle, digest)
        if row is None:
            raise RuntimeError("the login throttle row just inserted is missing (a bug)")
    row.updated_at = now
    return row


def authenticate(
    session: Session, name: str, password: str, settings: DeskSettings
) -> LoginOutcome:
    """Check a login; counts failures and locks (the caller commits).

    An unknown name goes through the same steps as a real one (a hash check, a failure
    count, a lockout after ``max_failed_logins``), so its answers are the same.
    """
    now = utcnow()
    name = name.strip()
    row = session.scalar(select(Staff).where(Staff.name == name))
    counter: Staff | LoginThrottle = row if row is not None else _throttle(session, name, now)
    if counter.locked_until is not None and counter.locked_until > now:
        return LoginOutcome(None, "still_locked", counter.locked_until)
    right = False
    try:
        _hasher.verify(row.password_hash if row is not None else _DUMMY, password)
        right = row is not None
    except (VerificationError, InvalidHashError):
        pass
    if not right:
        counter.failed_logins += 1
        if counter.failed_logins >= settings.max_failed_logins:
            counter.locked_until, counter.failed_logins = now + settings.lockout, 0
            return LoginOutcome(None, "locked", counter.locked_until)
        return LoginOutcome(None, "wrong")
    if row is None:
        raise RuntimeError("a right password without an account (a bug)")
    if not row.active:
        return LoginOutcome(None, "disabled")
    row.failed_logins, row.locked_until = 0, None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return LoginOutcome(StaffView.of(row), "ok")


def get_staff(session: Session, staff_id: int) -> StaffView | None:
    row = session.get(Staff, staff_id)
    return StaffView.of(row) if row is not None and row.active else None
