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
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain.phone import normalize_mobile, validate_mobile
from kiosk.server.desk.models import SmsMessage
from kiosk.store.sqlbase import utcnow

log = logging.getLogger(__name__)
MAX_CHARS = 70  # one SMS segment of Chinese text


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


def message_text(hall: str, number: str, reason: str, detail: str, desk: str) -> str:
    """Short and plain: the case number, what happened, what to do."""
    if reason == "needs_materials":
        body = f"您的办件{number}需补材料：{detail or '请到窗口问清'}。请带齐后到{desk}。"
    else:
        body = f"您的办件{number}已办结。{detail}" if detail else f"您的办件{number}已办结。"
    text = f"【{hall}】{body}"
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


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
