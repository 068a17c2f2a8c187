"""QR import on the kiosk: cases scanned from paper become cases here, under the one trust
rule (kiosk.printing.trust) the town server applies too.

A case is taken only with its identity code, verified with the key of the device that
made it (this kiosk's own, the town server's device list, or the hall's key file), and
only when its UUID, content hash, number and form version are the signed ones. It is
stored as finalized with the scanned identity code, queued for the town server
(which accepts it once, by UUID, from any enrolled kiosk), and audited ``imported``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.domain.case_packet import CasePacket
from kiosk.domain.case_states import CaseState
from kiosk.printing.signing import PublicKeyLookup
from kiosk.printing.trust import DeviceNumbers, ScannedCase, check_case, read_scan
from kiosk.services.case_errors import CaseError
from kiosk.services.case_rows import store_answers
from kiosk.services.context import KioskContext
from kiosk.services.identity import trusted_keys, trusted_numbers
from kiosk.store.models import CaseRow, utcnow


class UntrustedCase(CaseError):
    """The scanned case fails the trust rule; ``verdict`` says how (nothing was stored)."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message_zh = message_zh


@dataclass(frozen=True)
class ImportResult:
    case_id: str
    number: str
    created: bool  # False: the case was already here (same UUID, same content)


def key_lookup(ctx: KioskContext, key_files: list[Path] | None = None) -> PublicKeyLookup:
    """The public keys this kiosk trusts (kiosk.services.identity.trusted_keys), as a lookup."""
    return trusted_keys(ctx.store, ctx.data_root, key_files).get


def number_lookup(ctx: KioskContext, key_files: list[Path] | None = None) -> DeviceNumbers:
    """The device numbers this kiosk knows (kiosk.services.identity.trusted_numbers)."""
    return trusted_numbers(ctx.store, ctx.data_root, key_files).get


def import_case_packet(
    ctx: KioskContext,
    packet: CasePacket,
    identity_code: str | None,
    *,
    actor: str = "staff",
    lookup: PublicKeyLookup | None = None,
    numbers: DeviceNumbers | None = None,
) -> ImportResult:
    """Store a case rebuilt from scanned data codes; idempotent by UUID.

    Raises UntrustedCase when the trust rule refuses it, CaseError when this kiosk has
    the UUID with other content or the number under another UUID.
    """
    verdict = check_case(
        packet, identity_code, lookup or key_lookup(ctx), numbers or number_lookup(ctx)
    )
    if not verdict.ok:
        raise UntrustedCase(f"case {packet.number}: {verdict.message}", verdict.message_zh)
    form = ctx.catalogue.get(packet.form_id, packet.form_version)
    with ctx.store.unit_of_work() as uow:
        existing = uow.cases.get(packet.case_id)
        if existing is not None:
            if existing.content_hash != packet.content_hash:
                raise CaseError(f"case {packet.number} is already here with different content")
            return ImportResult(existing.id, existing.number, created=False)
        if uow.cases.get_by_number(packet.number) is not None:
            raise CaseError(f"another case already has the number {packet.number}")
        finalized = datetime.fromisoformat(packet.finalized_at.removesuffix("Z"))
        row = CaseRow(
            id=packet.case_id,
            number=packet.number,
            form_id=form.id,
            form_version=form.version,
            state=CaseState.FINALIZED,
            volunteer_id=packet.volunteer_id,
            bundle_id=packet.bundle_id,
            device_id=packet.device_id,
            content_hash=packet.content_hash,
            identity_code=identity_code,
            # As signed (kiosk.domain.case_packet.release_extra): the packet rebuilt from
            # this row must carry the same extra, or its identity code would not verify.
            release=_int_or_none(packet.extra.get("release")),
            policy_version=_int_or_none(packet.extra.get("policy_version")),
            created_at=utcnow(),
            updated_at=utcnow(),
            finalized_at=finalized.replace(tzinfo=None),
        )
        uow.cases.add(row)
        # The frozen answers as they are: no engine pass that could recalculate anything.
        store_answers(uow.cases, row, form, packet.answers)
        uow.cases.audit(row, actor=actor, action="imported", detail="from QR codes, signature ok")
        uow.outbox.enqueue(row.id)  # the town server takes it once, by UUID, from any kiosk
        uow.commit()
    return ImportResult(packet.case_id, packet.number, created=True)


@dataclass(frozen=True)
class ScanImport:
    """One case of a scan and what became of it."""

    scanned: ScannedCase
    result: ImportResult | None
    refused: str | None  # plain English, when not imported

    @property
    def ok(self) -> bool:
        return self.result is not None


def import_scan(
    ctx: KioskContext,
    texts: Iterable[str],
    *,
    actor: str = "staff",
    key_files: list[Path] | None = None,
) -> list[ScanImport]:
    """Import every case of a scan (identity and data codes of one or more cases)."""
    lookup, numbers = key_lookup(ctx, key_files), number_lookup(ctx, key_files)
    out: list[ScanImport] = []
    for found in read_scan(texts, lookup, ctx.catalogue, numbers):
        if found.packet is None:
            reason = found.problem or found.verdict.message
            out.append(ScanImport(found, None, f"{found.label}: {reason}"))
            continue
        try:
            result = import_case_packet(
                ctx,
                found.packet,
                found.identity_code,
                actor=actor,
                lookup=lookup,
                numbers=numbers,
            )
        except CaseError as exc:
            out.append(ScanImport(found, None, str(exc)))
        else:
            out.append(ScanImport(found, result, None))
    return out


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
