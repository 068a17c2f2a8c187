"""What is waiting to reach the town server (the sync indicator and staff mode read this)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.services.context import KioskContext


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    sent: int
    quarantined: int


def outbox_status(ctx: KioskContext) -> OutboxStatus:
    with ctx.store.unit_of_work(read_only=True) as uow:
        return OutboxStatus(
            pending=uow.outbox.count("pending"),
            sent=uow.outbox.count("sent"),
            quarantined=uow.outbox.count("quarantined"),
        )
