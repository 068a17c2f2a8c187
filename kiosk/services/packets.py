"""Build the outgoing packet of a finalized case (for sync and for the QR data codes)."""

from __future__ import annotations

from kiosk.domain.case_packet import CasePacket, release_extra
from kiosk.domain.case_states import CaseState
from kiosk.services.case_errors import CaseError
from kiosk.services.context import KioskContext
from kiosk.store.models import CaseRow
from kiosk.store.repositories import CaseRepository


def case_packet(ctx: KioskContext, case_id: str) -> CasePacket:
    """The frozen case as it leaves this device; only finalized (or later) cases have one."""
    with ctx.store.unit_of_work(read_only=True) as uow:
        row = uow.cases.require(case_id)
        if row.state == CaseState.DRAFT or row.content_hash is None:
            raise CaseError(f"case {row.number} is not finalized")
        if row.personal is None:
            raise CaseError(f"case {row.number} was purged after the retention period")
        return packet_of(uow.cases, row)


def packet_of(cases: CaseRepository, row: CaseRow) -> CasePacket:
    """The packet of a finalized, unpurged case row (the sync worker builds batches with it;
    it passes plain result rows with the same column names)."""
    data = cases.read_personal(row)
    if row.finalized_at is None or row.content_hash is None:
        raise CaseError(f"case {row.number} is not finalized (no finalize time or content hash)")
    return CasePacket(
        case_id=row.id,
        number=row.number,
        form_id=row.form_id,
        form_version=row.form_version,
        answers=data.answers,
        content_hash=row.content_hash,
        device_id=row.device_id,
        finalized_at=row.finalized_at.isoformat() + "Z",
        volunteer_id=row.volunteer_id,
        bundle_id=row.bundle_id,
        extra=release_extra(row.release, row.policy_version),
        identity_code=row.identity_code,
    )
