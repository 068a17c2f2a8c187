"""``kiosk print N --out FILE`` without the store's SQLAlchemy (issue 19: answer at once).

The same paper as kiosk.services.printing.export_case_pdf, byte for byte apart from the
PDF's creation time (tests/integration/printing/test_print_quick.py compares them for
several forms): the case row, its personal data, note and photographed pages are read
through kiosk.store.sqlite_reader, the form from the shipped catalogue's disk cache, and
the sheet is built and drawn by the same printing code; the export is audited like the
store's unit of work does (``exported``, ``PDF file``, the kiosk clock's UTC time).

Anything out of the ordinary returns None and the caller takes the full path, which
opens, migrates and reports as always: a store not at the schema head, a case not found,
not finalized, purged or without its identity code, releases from the town server, an
unreadable field.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.config import load_settings, resolve_data_root
from kiosk.store.crypto import CryptoError
from kiosk.store.sqlite_reader import QuickReadUnavailable, SqliteReader, parse_time

RELEASES_DIR = "forms/releases"  # = kiosk.services.context.RELEASES_DIR
NOT_PRINTABLE = frozenset({"draft"})  # = kiosk.services.printing: a draft has no paper
NEEDS_MATERIALS = "needs_materials"


def quick_export_pdf(data_dir: str | None, key: str, *, actor: str) -> bytes | None:
    """The case's PDF, its export audited; None when the full path must do it."""
    root = resolve_data_root(data_dir)
    if (root / RELEASES_DIR).is_dir():
        return None  # the catalogue in force may be a published release
    try:
        reader = SqliteReader(root)
    except (QuickReadUnavailable, OSError):
        return None
    try:
        with reader:
            case = reader.case(key)  # as CaseRepository.require: by UUID, then number
            if case is None or not _printable(case):
                return None
            pdf = _render(root, reader, case)
            if pdf is None:
                return None
            at = datetime.now(UTC).replace(tzinfo=None)  # = open_kiosk's store.now()
            reader.add_audit(case["id"], actor=actor, action="exported", at=at, detail="PDF file")
            return pdf
    except (CryptoError, ValueError, sqlite3.Error):
        return None  # the full path reports it


def _printable(case: dict[str, Any]) -> bool:
    return (
        case["state"] not in NOT_PRINTABLE
        and case["content_hash"] is not None
        and case["personal"] is not None
        and bool(case["identity_code"])
        and case["finalized_at"] is not None
    )


def _volunteer_line(reader: SqliteReader, volunteer_id: str | None) -> str:
    """As kiosk.services.printing._volunteer_line: the id and the account's name."""
    if not volunteer_id:
        return ""
    name = reader.account_name(volunteer_id)
    return f"{volunteer_id} {name}" if name else volunteer_id


def _render(root: Path, reader: SqliteReader, case: dict[str, Any]) -> bytes | None:
    """As kiosk.services.printing.case_sheet + render_case, from the reader's rows."""
    from kiosk.domain.case_packet import CasePacket, release_extra
    from kiosk.forms.catalogue import UnknownForm, default_catalogue
    from kiosk.printing.document import render_case
    from kiosk.printing.qr_codec import encode_data_codes
    from kiosk.printing.sheet import build_sheet, needs_materials_notice
    from kiosk.services.consent import Consent

    finalized = parse_time(case["finalized_at"])
    assert finalized is not None
    packet = CasePacket(
        case_id=case["id"],
        number=case["number"],
        form_id=case["form_id"],
        form_version=case["form_version"],
        answers=reader.personal(case).get("answers", {}),
        content_hash=case["content_hash"],
        device_id=case["device_id"],
        finalized_at=finalized.isoformat() + "Z",
        volunteer_id=case["volunteer_id"],
        bundle_id=case["bundle_id"],
        extra=release_extra(case["release"], case["policy_version"]),
        identity_code=case["identity_code"],
    )
    catalogue = default_catalogue()
    try:
        form = catalogue.get(packet.form_id, packet.form_version)
    except UnknownForm:
        return None  # the full path names it (a department's draft?)
    waiting = case["state"] == NEEDS_MATERIALS
    notices = [needs_materials_notice(reader.note(case))] if waiting else []
    consent = Consent.from_json(case["consent"])
    settings = load_settings(root)
    sheet = build_sheet(
        form,
        catalogue.lists,
        packet,
        consent=consent.line() if consent else "",
        hall=settings.device_name.split()[0] if settings.device_name else "",
        volunteer=_volunteer_line(reader, packet.volunteer_id),
        identity_payload=packet.identity_code or "",
        data_payloads=encode_data_codes(
            packet, form, attachments_pending=reader.pending_pages(packet.case_id)
        ),
        notices=notices,
        photographed=reader.photographed_pages(packet.case_id),
    )
    return render_case(sheet)
