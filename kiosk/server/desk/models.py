"""Tables of the desk console (migrations s0002_i17, s0004_i17, s0008_i15), on the town
server's own ``Base``.

Staff accounts, their login sessions, the console's audit trail, materials received,
the SMS outbox and the residents' 好差评 ratings. Tables only; workflow is elsewhere.
Times are naive UTC like every server table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.server.models import Base
from kiosk.store.sqlbase import utcnow


class Staff(Base):
    """A named account at one desk; ``role`` is ``staff`` or ``admin`` (the hall's head)."""

    __tablename__ = "desk_staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # login name
    full_name: Mapped[str] = mapped_column(String(64))
    desk: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="staff")
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id (PHC string)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginThrottle(Base):
    """Failed logins under a name that has no account, counted and locked exactly as an
    account's (accounts.authenticate): the login page answers an unknown name as it
    answers a real one, lockout included. Keyed by the SHA-256 of the name typed."""

    __tablename__ = "desk_login_throttle"

    name_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LoginSession(Base):
    """A logged-in browser: only the SHA-256 of its cookie is kept, with its CSRF token."""

    __tablename__ = "desk_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("desk_staff.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    flash: Mapped[str | None] = mapped_column(String(300))  # shown once, on the next page
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeskAudit(Base):
    """Who did what, when, from where: every console action and every case opened."""

    __tablename__ = "desk_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    staff_name: Mapped[str] = mapped_column(String(64))
    desk: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    task_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(300), default="")
    client: Mapped[str] = mapped_column(String(64), default="")


class MaterialReceived(Base):
    """A material of a case ticked 已收 at a desk."""

    __tablename__ = "desk_materials"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    material_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_by: Mapped[str] = mapped_column(String(64))
    desk: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsMessage(Base):
    """The SMS outbox: one message to the phone on a case, then the gateway's outcome."""

    __tablename__ = "desk_sms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(String(20))  # needs_materials / completed
    state: Mapped[str] = mapped_column(String(12), default="queued")  # queued/sent/failed
    gateway: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Rating(Base):
    """A resident's 好差评 of a case, from a kiosk: one per case, never replaced. The cases
    of one transaction (a bundle) share ``transaction_id`` and one score (一次一评); counts
    are of distinct transactions (kiosk.server.rating_counts)."""

    __tablename__ = "desk_ratings"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    score: Mapped[int] = mapped_column(Integer)  # 1 非常不满意 … 5 非常满意
    comment: Mapped[str | None] = mapped_column(String(200))
    # Why, for the lower two: a code of kiosk.domain.satisfaction.REASONS (s0008_i15).
    reason: Mapped[str | None] = mapped_column(String(20))
    rated_at: Mapped[datetime] = mapped_column(index=True)
    # The case's bundle_id, or its own id when it stands alone (s0010_i15c).
    transaction_id: Mapped[str | None] = mapped_column(String(36), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
