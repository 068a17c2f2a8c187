"""Login sessions of the desk console: a random cookie, its SHA-256 in ``desk_sessions``.

The cookie carries 32 random bytes (``secrets.token_urlsafe``); the database keeps only
its hash, the account, and the session's CSRF token, which every form posts back
(compared in constant time). A session ends at logout, after ``session_idle_minutes``
without a request a person made (background refreshes do not count), or
``session_hours`` after login (DeskSettings).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kiosk.server.desk.accounts import StaffView, get_staff
from kiosk.server.desk.models import LoginSession
from kiosk.server.desk.settings import DeskSettings
from kiosk.store.sqlbase import utcnow

COOKIE = "bangban_desk"


@dataclass(frozen=True)
class Login:
    staff: StaffView
    csrf_token: str
    token_hash: str

    def csrf_ok(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(self.csrf_token.encode(), str(sent).encode())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, staff_id: int) -> str:
    """A new session for the account; returns the cookie value (shown nowhere else)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        LoginSession(
            token_hash=_digest(token),
            staff_id=staff_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
        )
    )
    return token


def resume(
    session: Session, token: str | None, settings: DeskSettings, *, touch: bool = True
) -> Login | None:
    """The login behind a cookie, or None (unknown, expired, idle too long, account gone).

    ``touch=False`` for a page's own background refresh: it reads the session without
    counting as activity, so a desk left alone still logs out after the idle time.
    """
    if not token:
        return None
    row = session.get(LoginSession, _digest(token))
    if row is None:
        return None
    now = utcnow()
    if now - row.created_at > settings.lifetime or now - row.last_seen_at > settings.idle:
        session.delete(row)
        return None
    staff = get_staff(session, row.staff_id)
    if staff is None or (staff.locked_until is not None and staff.locked_until > now):
        session.delete(row)
        return None
    if touch and (now - row.last_seen_at).total_seconds() > 30:  # not a write every time
        row.last_seen_at = now
    return Login(staff, row.csrf_token, row.token_hash)


def end(session: Session, token_hash: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash))


def end_all(session: Session, staff_id: int) -> None:
    """Log an account out everywhere (password changed, account disabled)."""
    session.execute(delete(LoginSession).where(LoginSession.staff_id == staff_id))
