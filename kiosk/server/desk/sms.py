"""SMS to the phone on a case when it needs the resident (需补材料) or is done (已办结).

A message is queued in ``desk_sms`` in the same transaction as the desk action, then
handed to the gateway after the commit (``deliver_queued``): a queued row survives a
crash and goes at the next delivery. The gateway is pluggable: ``KIOSK_DESK_SMS_GATEWAY``
names ``package.module:factory`` returning an ``SmsGateway``; the default only writes
the message to the log (phone masked) and marks the row sent by ``log`` — no SMS
provider is reachable from the hall's test machines.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain.phone import normalize_mobile, validate_mobile
from kiosk.server.desk.models import SmsMessage
from kiosk.store.sqlbase import utcnow

log = logging.getLogger(__name__)
MAX_CHARS = 70  # one SMS segment of Chinese text
STATE_WORDS = {"queued": "待发送", "sent": "已发送", "failed": "发送失败"}  # for the pages


class SmsError(Exception):
    """The gateway could not send (message says why; no phone number in it)."""


class SmsGateway(Protocol):
    name: str

    def send(self, phone: str, text: str) -> None:
        """Send or raise SmsError."""


class LogGateway:
    """The default: the message goes to the log, the outbox row is the record."""

    name = "log"

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "****"


def load_gateway(spec: str) -> SmsGateway:
    """``""`` → LogGateway; ``"pkg.mod:factory"`` → ``factory()``; ValueError if unusable."""
    if not spec:
        return LogGateway()
    module_name, _, attr = spec.partition(":")
    try:
        factory: Callable[[], SmsGateway] = getattr(importlib.import_module(module_name), attr)
        gateway = factory()
    except (ImportError, AttributeError, TypeError) as exc:
        raise ValueError(f"KIOSK_DESK_SMS_GATEWAY={spec}: cannot load the gateway: {exc}") from exc
    if not callable(getattr(gateway, "send", None)):
        raise ValueError(f"KIOSK_DESK_SMS_GATEWAY={spec}: the gateway has no send()")
    return gateway


def _fit(hall: str, body: str) -> str | None:
    text = f"【{hall}】{body}"
    return text if len(text) <= MAX_CHARS else None


def _signed(hall: str, body: str) -> str:
    """The hall's signature and ``body``; a hall name too long for one segment is cut,
    never the body (the body already keeps only what must be said)."""
    room = MAX_CHARS - len(body) - 2
    if len(hall) > room:
        hall = hall[: max(room - 1, 2)] + "…"
    return f"【{hall}】{body}"[:MAX_CHARS]


def needs_materials_text(hall: str, number: str, missing: Sequence[str], where: str) -> str:
    """需补材料: what to bring and where to go, in one segment (``MAX_CHARS``).

    Where to go is never shortened; a long list of materials is: the first items, then
    "等N项" (N: how many things are missing in all), down to "需补N项材料" alone.
    """
    items = [m.strip() for m in missing if m.strip()]
    tail = f"。请带齐后到{where}。"
    head = f"您的办件{number}需补材料："
    if not items:
        return _signed(hall, f"您的办件{number}需补材料，请到{where}问清。")
    for k in range(len(items), 0, -1):
        shown = "、".join(items[:k]) + ("" if k == len(items) else f"等{len(items)}项")
        if (text := _fit(hall, head + shown + tail)) is not None:
            return text
    more = f"等{len(items)}项" if len(items) > 1 else ""
    first_room = MAX_CHARS - len(f"【{hall}】{head}…{more}{tail}")
    if first_room >= 4:
        return f"【{hall}】{head}{items[0][:first_room]}…{more}{tail}"
    return _signed(hall, f"您的办件{number}需补{len(items)}项材料{tail}")


def completed_text(hall: str, number: str, note: str) -> str:
    """已办结, with the desk's words when they fit (cut with "…" when they do not)."""
    base = f"您的办件{number}已办结。"
    note = note.strip()
    if not note:
        return _signed(hall, base)
    room = MAX_CHARS - len(f"【{hall}】{base}")
    if len(note) > room:
        note = note[: room - 1] + "…" if room > 4 else ""
    return _signed(hall, base + note)


def queue(
    session: Session, case_id: str, phone: str | None, text: str, reason: str
) -> SmsMessage | None:
    """Queue one message in the caller's transaction; None when there is no usable phone."""
    if not phone or validate_mobile(phone) is not None:
        return None
    mobile = normalize_mobile(phone)
    row = SmsMessage(
        case_id=case_id, phone=mobile, body=text, reason=reason, state="queued", created_at=utcnow()
    )
    session.add(row)
    return row


def deliver_queued(sessions: sessionmaker[Session], gateway: SmsGateway, limit: int = 50) -> int:
    """Hand queued messages to the gateway, oldest first; returns how many went out."""
    sent = 0
    with sessions() as session:
        rows = list(
            session.scalars(
                select(SmsMessage)
                .where(SmsMessage.state == "queued")
                .order_by(SmsMessage.id)
                .limit(limit)
            )
        )
        for row in rows:
            row.gateway = getattr(gateway, "name", type(gateway).__name__)[:64]
            try:
                gateway.send(row.phone, row.body)
            except SmsError as exc:
                row.state, row.error = "failed", str(exc)[:200]
                log.warning("SMS %d for case %s failed: %s", row.id, row.case_id, exc)
                continue
            row.state, row.sent_at = "sent", utcnow()
            sent += 1
        session.commit()
    return sent
