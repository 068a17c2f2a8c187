"""Tables of the kiosk's local store (SQLAlchemy 2.0, typed). Tables only; workflow is elsewhere.

Times are naive UTC. Personal data lives only in ``cases.personal`` (encrypted)
and as blind indexes; every other column is safe to read without the key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kiosk.store.sqlbase import NAMING_CONVENTION, utcnow


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUID: the idempotency key
    number: Mapped[str] = mapped_column(String(20), unique=True)
    form_id: Mapped[str] = mapped_column(String(64), index=True)
    form_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), index=True)
    bundle_id: Mapped[str | None] = mapped_column(String(36), index=True)
    volunteer_id: Mapped[str | None] = mapped_column(String(32))
    device_id: Mapped[str] = mapped_column(String(36))
    # Keyed digests of the applicant's and the subject's ID numbers (我的办件 lookups).
    applicant_key: Mapped[str | None] = mapped_column(String(40), index=True)
    subject_key: Mapped[str | None] = mapped_column(String(40), index=True)
    # Encrypted JSON: answers, prefill marks, names. NULL once purged after retention.
    personal: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # The signed identity code (BBI2:...) of the device that made the case: signed here
    # at finalize, or kept as scanned on QR import; printed and synced as it is.
    identity_code: Mapped[str | None] = mapped_column(String(400))
    # Why the last print did not come out (plain Chinese, for staff); NULL once printed.
    print_problem: Mapped[str | None] = mapped_column(String(200))
    current_page: Mapped[str | None] = mapped_column(String(80))
    # The desk's note on the last status (may name people): encrypted like ``personal``
    # (context "note:<case id>"), purged with it.
    server_note: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The paper as plain data (kiosk.printing.print_plan), made on its first print so a
    # reprint needs no form code: encrypted like ``personal`` (context "plan:<case id>"),
    # purged with it.
    print_plan: Mapped[bytes | None] = mapped_column(LargeBinary)
    # How the resident proved presence (card / volunteer / receipt; typed = not proven):
    # it decides whether registry data may prefill this case (kiosk.services.presence).
    identity_proof: Mapped[str | None] = mapped_column(String(16))
    # The notice-and-consent record (JSON, no personal data), printed on the form.
    consent: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finalized_at: Mapped[datetime | None]
    server_status_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    # 好差评 (kiosk.services.ratings): a level code, a reason code for the lower two.
    rating: Mapped[str | None] = mapped_column(String(20))
    rating_reason: Mapped[str | None] = mapped_column(String(20))
    rated_at: Mapped[datetime | None]
    # Photographed materials (kiosk.services.attachments): how many times the set changed
    # after finalize, and the hash of its manifest, signed by this device's key
    # (docs/attachments.md). The frozen answers' ``content_hash`` never changes.
    attachments_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    attachments_hash: Mapped[str | None] = mapped_column(String(64))
    attachments_signature: Mapped[str | None] = mapped_column(String(120))
    # The town server's release the case was started under (0: the shipped definitions;
    # NULL: made before releases were recorded) and the policy version it was finalized
    # with (issue 16). Both travel in the packet's signed ``extra``.
    release: Mapped[int | None] = mapped_column(Integer)
    policy_version: Mapped[int | None] = mapped_column(Integer)

    audit: Mapped[list[AuditEntry]] = relationship(
        back_populates="case", order_by="AuditEntry.id", cascade="all, delete-orphan"
    )


class AuditEntry(Base):
    """Who did what to a case, when. Never personal data in ``detail``."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))  # "volunteer:V001", "resident", "staff", "sync"
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(200), default="")

    case: Mapped[CaseRow] = relationship(back_populates="audit")


class OutboxEntry(Base):
    """A finalized case waiting for (or done with) the town server. Sync reads only this."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)
    acked_at: Mapped[datetime | None]
    # Failed alone with a server error (kiosk.sync.push): held aside, retried alone.
    suspected_at: Mapped[datetime | None]
    quarantined_at: Mapped[datetime | None]
    # 好差评 of the case (kiosk.sync.ratings_push): when the server acknowledged it
    # (201/202), or why it refused it for good (409/422); neither = still to send.
    rating_sent_at: Mapped[datetime | None]
    rating_refused: Mapped[str | None] = mapped_column(String(200))


class DayCounter(Base):
    """Last case sequence number handed out per day, for short human case numbers."""

    __tablename__ = "case_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class MetaValue(Base):
    """Small facts about this store: device id, sync cursors."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))


class RegistryRecord(Base):
    """One resident of the registry extract (prefill data from other departments' systems).

    Found by the blind index of the ID number; everything personal (name, phone,
    flags, the household number) is in the encrypted ``record``. ``household_key``
    is a blind index of the household number so the members of a 户 can be listed.
    """

    __tablename__ = "registry_records"

    person_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    household_key: Mapped[str | None] = mapped_column(String(40), index=True)
    record: Mapped[bytes] = mapped_column(LargeBinary)
    source_version: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountRow(Base):
    """A named volunteer or staff account. The PIN only as a KDF hash; the display name
    encrypted (it is a person's name)."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # volunteer / staff / admin
    name: Mapped[bytes] = mapped_column(LargeBinary)
    pin_hash: Mapped[str] = mapped_column(String(200))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginThrottle(Base):
    """Failed logins per account id (known or not), for the growing-delay lockout."""

    __tablename__ = "login_throttle"

    account_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]


class AuditLogEntry(Base):
    """Who did what outside a case's own trail: logins, staff actions, identity proofs,
    reveals. Never personal data in ``detail`` (people appear as blind-index references)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    case_number: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")


class ReceiptCode(Base):
    """A one-time code printed on a resident's receipt: scanning it later proves presence.

    Only a keyed hash of the code is stored; the person's ID number is encrypted."""

    __tablename__ = "receipt_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    person: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AttachmentRow(Base):
    """One photographed or scanned page of a material. The image itself is a file under
    ``<data root>/attachments`` encrypted with the device key (kiosk.store.blobs); this row
    holds nothing personal: ids, sizes, the plaintext's SHA-256 and the upload progress."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUID, also on the server
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    material_id: Mapped[str] = mapped_column(String(64))
    page: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the material
    media_type: Mapped[str] = mapped_column(String(32))  # image/jpeg, image/png
    size: Mapped[int] = mapped_column(Integer)  # bytes of the image (not the ciphertext)
    sha256: Mapped[str] = mapped_column(String(64))  # of the image bytes
    blur_score: Mapped[float | None] = mapped_column(
        Float
    )  # variance of the Laplacian; None when not measured
    source: Mapped[str] = mapped_column(String(16))  # camera / folder / file
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(64))
    # Upload to the town server: bytes acknowledged so far, state pending/sent/gone.
    sent_bytes: Mapped[int] = mapped_column(Integer, default=0)
    sync_state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    purged_at: Mapped[datetime | None]
