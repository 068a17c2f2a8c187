"""QR import: the scanned codes of printed cases become the same cases the network path
would have made (same UUID, same idempotent intake), under the same trust rule.

A scan holds, for each case, its identity code (``BBI2:``, signed with the Ed25519 key
of the device that made the case) and its data codes (``BBD1:``, the whole case);
codes of several cases may be scanned together. ``kiosk.printing.trust.read_scan``
pairs them by case UUID and checks each case with the enrolled key of its device;
cases that pass go through ``ingest`` (which checks the rule again, as for sync). The
pages a paper says are still to come (data codes format 2) are kept on the case
(``pages_announced``) and shown as expected until the kiosk's manifest arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from kiosk.forms.catalogue import Catalogue
from kiosk.printing.qr_codec import DATA_PREFIX
from kiosk.printing.trust import read_scan
from kiosk.server.attachments import announce_pages
from kiosk.server.devices import KeyCache
from kiosk.server.intake import ingest
from kiosk.sync.protocol import ALREADY_HAD, CREATED, REJECTED, CaseResult


class QrImportError(Exception):
    """The payloads hold no case to import (nothing was imported)."""


def _announce(
    sessions: sessionmaker[Session], announced: dict[str, int], results: list[CaseResult]
) -> None:
    """The pages each imported paper says are still to come, kept on its case."""
    kept = {r.case_id for r in results if r.status in (CREATED, ALREADY_HAD)}
    if not kept & set(announced):
        return
    with sessions() as session:
        for case_id in kept & set(announced):
            announce_pages(session, case_id, announced[case_id])
        session.commit()


def import_payloads(
    sessions: sessionmaker[Session], payloads: Sequence[str], catalogue: Catalogue
) -> list[CaseResult]:
    """One result per case found in the scan (201/202 taken, 409, 422 with the reason)."""
    texts = [p.strip() for p in payloads if p.strip()]
    if not any(t.startswith(DATA_PREFIX) for t in texts):
        raise QrImportError("scan the case's data codes (BBD1:…) with its identity code")
    with sessions() as session:
        try:
            keys = KeyCache(session)
            found = read_scan(texts, keys, catalogue, keys.device_no)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
            # Scanned text is input like any other: garbage is a refusal, not a server error.
            raise QrImportError(f"codes do not decode ({type(exc).__name__})") from exc
    results: list[CaseResult] = []
    taken = []
    announced: dict[str, int] = {}
    for case in found:
        if case.packet is None:
            results.append(CaseResult("?", REJECTED, f"{case.label}: {case.problem}"[:200]))
        elif not case.verdict.ok:
            results.append(CaseResult(case.packet.case_id, REJECTED, case.verdict.message[:200]))
        else:
            taken.append(replace(case.packet, identity_code=case.identity_code))
            if case.attachments_pending is not None:
                announced[case.packet.case_id] = case.attachments_pending
    if taken:
        raws = [p.to_dict() for p in taken]
        results = ingest(sessions, raws, catalogue, device_id=None, source="qr") + results
        _announce(sessions, announced, results)
    if not results:
        raise QrImportError("no case in these codes")
    return results
