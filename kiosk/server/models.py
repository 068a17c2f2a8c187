"""Tables of the town server (SQLAlchemy 2.0, typed). Tables only; workflow is elsewhere.

The server's own ``Base`` (not the kiosk's): the two databases never share a schema.
Times are naive UTC. Unlike the kiosk, the server keeps the answers in clear (JSON):
it is the hall's system of record, protected by the server's own disk and access rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kiosk.store.sqlbase import NAMING_CONVENTION, utcnow


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Device(Base):
    """An enrolled kiosk: its public key (QR verification, enrollment and token proofs) and
    a hash of its current bearer token, which expires."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    public_key: Mapped[str] = mapped_column(String(100))  # Ed25519, urlsafe base64
    # Assigned at enrollment, part of every case number of this device (kiosk.server.devices).
    device_no: Mapped[int | None] = mapped_column(Integer, unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    token_expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # The hall (便民服务中心) the kiosk stands in: which villages' registry data it gets.
    hall: Mapped[str | None] = mapped_column(String(64))


class EnrollmentCode(Base):
    """A one-time code printed by ``kiosk-server enroll``; only its hash is kept."""

    __tablename__ = "enrollment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    device_id: Mapped[str | None] = mapped_column(String(36))
    hall: Mapped[str | None] = mapped_column(String(64))


class AuthNonce(Base):
    """A challenge the server handed out; a kiosk signs it to prove it holds its key.
    Used once, within minutes; only its hash is kept."""

    __tablename__ = "auth_nonces"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ServerMeta(Base):
    """Small facts about this database, e.g. its epoch (kiosk.server.epoch)."""

    __tablename__ = "server_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ServerCase(Base):
    """One case, once: the case UUID is the primary key, so a second copy cannot exist."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # A number names one case: the server refuses a second UUID with a held number.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    finalized_at: Mapped[str] = mapped_column(String(40))
    volunteer_id: Mapped[str | None] = mapped_column(String(32))
    bundle_id: Mapped[str | None] = mapped_column(String(36))
    # The identity code signed by the originating device (the trust rule checked it).
    identity_code: Mapped[str | None] = mapped_column(String(400))
    # The packet's ``extra`` as signed (the release and policy version, issue 16).
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(8))  # "network" or "qr"
    # Photographed pages the case's paper (data codes, format 2) said were still to come
    # when it was imported from its QR codes; None when not imported so.
    pages_announced: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    status_note: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Task(Base):
    """One routing step (循环受理) of a case: a desk the paper visits, in order."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(64))
    desk: Mapped[str] = mapped_column(String(64))
    does: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open/done/refused/cancelled
    note: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None]


class StatusChange(Base):
    """Every status change, numbered: ``seq`` is the cursor kiosks pull with."""

    __tablename__ = "status_changes"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(200))
    step: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferenceData(Base):
    """Versioned reference data for kiosks: form catalogue, village list, registry extract."""

    __tablename__ = "reference_data"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServerAttachment(Base):
    """One photographed page of a case, as declared by the kiosk; its bytes arrive in
    chunks (``AttachmentChunk``) and it is ``complete`` once they add up to ``size`` and
    hash to ``sha256`` (kiosk.server.attachments)."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    material: Mapped[str] = mapped_column(String(64))
    page: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    received: Mapped[int] = mapped_column(Integer, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class AttachmentChunk(Base):
    """Bytes ``offset`` … ``offset + len(data)`` of an attachment, stored in the same
    transaction that moves its ``received`` on: a chunk is never half kept."""

    __tablename__ = "attachment_chunks"

    attachment_id: Mapped[str] = mapped_column(ForeignKey("attachments.id"), primary_key=True)
    offset: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AttachmentManifest(Base):
    """The newest signed attachments manifest of a case (kiosk.domain.attachment_manifest):
    how many pages the case has, hence how many are still to come."""

    __tablename__ = "attachment_manifests"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(120))
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
