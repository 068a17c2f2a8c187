"""``kiosk print N --out FILE`` without the store's SQLAlchemy (issue 19: answer at once).

The same paper as kiosk.services.printing.export_case_pdf, byte for byte apart from the
PDF's creation time (tests/integration/printing/test_print_quick.py compares them for
several forms): the case row, its note and photographed pages are read through
kiosk.store.sqlite_reader. The sheet comes from the case's stored print plan
(kiosk.printing.print_plan) when the plan's key is this row's and this code's: no form
code is loaded (pydantic, Lark, the engine: ~0.3 s). Otherwise — the first print, a
renumbered case, changed definitions or code — the personal data is decrypted, the form
read from the shipped catalogue's disk cache, the sheet built by the same printing code
as the full path and its plan stored, encrypted, for the next print. The export is
audited like the store's unit of work does (``exported``, ``PDF file``, the kiosk
clock's UTC time).

Anything out of the ordinary returns None and the caller takes the full path, which
opens, migrates and reports as always: a store not at the schema head, a case not found,
not finalized, purged or without its identity code, an unreadable field, and a case
without a plan for the published releases in force (the full path keeps one for it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import load_settings, resolve_data_root
from kiosk.forms.release_manifests import files_key, folders_of_release
from kiosk.store.crypto import CryptoError
from kiosk.store.sqlite_reader import QuickReadUnavailable, SqliteReader, parse_time

if TYPE_CHECKING:
    from kiosk.printing.print_plan import ChangingParts
    from kiosk.printing.sheet_data import CaseSheet

NOT_PRINTABLE = frozenset({"draft"})  # = kiosk.services.printing: a draft has no paper
NEEDS_MATERIALS = "needs_materials"


def quick_export_pdf(
    data_dir: str | None,
    key: str,
    *,
    actor: str,
    deliver: Callable[[bytes], object] | None = None,
) -> bytes | None:
    """The case's PDF, its export audited; None when the full path must do it.

    ``deliver(pdf)`` (writing the file) runs before the audit entry is made: when it
    raises, nothing is recorded as exported and its error propagates (break19c #6)."""
    root = resolve_data_root(data_dir)
    try:
        reader = SqliteReader(root)
    except (QuickReadUnavailable, OSError, sqlite3.Error):
        return None  # the full path opens (or refuses) the store, in one line
    try:
        with reader:
            case = reader.case(key)  # as CaseRepository.require: by UUID, then number
            if case is None or not _printable(case):
                return None
            pdf = _render(root, reader, case)
            if pdf is None:
                return None
            if deliver is not None:
                deliver(pdf)
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
    """The paper of a case row: from its stored print plan when that is the plan of this
    row and code (kiosk.printing.print_plan), else built from the form and the plan kept."""
    from kiosk.printing.document import render_case
    from kiosk.printing.print_plan import (
        ChangingParts,
        PlanError,
        decode_plan,
        plan_key,
        sheet_from_plan,
    )
    from kiosk.printing.sheet_data import needs_materials_notice

    settings = load_settings(root)
    hall = settings.device_name.split()[0] if settings.device_name else ""
    waiting = case["state"] == NEEDS_MATERIALS
    notices = [needs_materials_notice(reader.note(case))] if waiting else []
    parts = ChangingParts(
        hall=hall,
        volunteer=_volunteer_line(reader, case["volunteer_id"]),
        identity_payload=case["identity_code"] or "",
        notices=notices,
        photographed=reader.photographed_pages(case["id"]),
        attachments_pending=reader.pending_pages(case["id"]),
    )
    # The release folders of the case's own catalogue (its release's, as the full path
    # takes it); their files are digested into the key: a plan made with other
    # definitions is not this one.
    used = folders_of_release(root, case["release"], datetime.now(UTC))
    if used is None:
        return None  # its release is gone from this kiosk: the full path says so
    key = plan_key(case, releases=files_key(root, used))
    try:
        stored = reader.print_plan(case)
        if stored is not None:
            plan = decode_plan(stored)
            if plan.get("key") == key:
                return render_case(sheet_from_plan(plan, parts))
    except (CryptoError, PlanError):
        pass  # a damaged plan is made anew below
    if used:
        return None  # the full path draws it with its release's definitions, keeps the plan
    sheet = _sheet_from_form(reader, case, key, parts)
    return None if sheet is None else render_case(sheet)


def _sheet_from_form(
    reader: SqliteReader, case: dict[str, Any], key: str, parts: ChangingParts
) -> CaseSheet | None:
    """As kiosk.services.printing.case_sheet, from the reader's rows; the plan of the
    sheet is stored with the case for the next print."""
    from kiosk.domain.case_packet import CasePacket, release_extra
    from kiosk.forms.catalogue import UnknownForm, default_catalogue
    from kiosk.printing.data_parts import assemble_message, split_message
    from kiosk.printing.print_plan import encode_plan, plan_of
    from kiosk.printing.qr_codec import message_parts
    from kiosk.printing.sheet import build_sheet
    from kiosk.services.consent import Consent

    finalized = parse_time(case["finalized_at"])
    if finalized is None:
        return None  # not finalized after all: the full path reports it
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
    consent = Consent.from_json(case["consent"])
    head, body = message_parts(packet, form)
    sheet = build_sheet(
        form,
        catalogue.lists,
        packet,
        consent=consent.line() if consent else "",
        hall=parts.hall,
        volunteer=parts.volunteer,
        identity_payload=parts.identity_payload,
        data_payloads=split_message(assemble_message(head, body, parts.attachments_pending)),
        notices=parts.notices,
        photographed=parts.photographed,
    )
    reader.store_print_plan(case["id"], encode_plan(plan_of(sheet, head, body, key)))
    return sheet
