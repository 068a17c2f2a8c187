"""The print plan made when a case is finalized (kiosk.printing.print_plan, issue 19).

Frozen answers never change, so neither does their paper: the sheet is built once here,
from the form the case was finalized with, and stored with the case (encrypted), so the
case's first ``kiosk print N --out`` already draws it without the form code. The plan is
keyed like the quick print path reads the row (kiosk.store.sqlite_reader), so a plan made
here is the plan that path would make; it is made only when the form is the shipped
catalogue's (the definitions the key's digest covers), never for a department's draft
or a published release. Making it never stops a finalize: on any failure the case simply
has no plan, and its first print makes one.
"""

from __future__ import annotations

import logging

from kiosk.forms.catalogue import UnknownForm, default_catalogue
from kiosk.forms.engine import FormFill
from kiosk.printing.print_plan import encode_plan, plan_key, plan_of
from kiosk.printing.qr_codec import message_parts
from kiosk.printing.sheet import build_sheet
from kiosk.services.packets import packet_of
from kiosk.store.models import CaseRow
from kiosk.store.repositories import CaseRepository
from kiosk.store.sqlite_reader import CASE_COLUMNS, TIME_FORMAT

log = logging.getLogger(__name__)


def key_fields(row: CaseRow) -> dict[str, object]:
    """The row's columns as kiosk.store.sqlite_reader reads them (times as stored text)."""
    fields: dict[str, object] = {}
    for name in CASE_COLUMNS:
        value = getattr(row, name)
        fields[name] = value.strftime(TIME_FORMAT) if name.endswith("_at") and value else value
    return fields


def store_print_plan(cases: CaseRepository, row: CaseRow, fill: FormFill) -> bool:
    """Build the paper of a case just finalized (``fill``: its frozen answers' fill) and
    keep its plan on ``row`` (committed with the caller's unit of work). False when the
    form is not the shipped one or building failed (logged without case data)."""
    from kiosk.services.consent import Consent

    try:
        shipped = default_catalogue()
        form = shipped.get(row.form_id, row.form_version)
        if form != fill.form or row.release:
            return False  # a draft or a release's form: the quick path would not use it
        packet = packet_of(cases, row)
        consent = Consent.from_json(row.consent)
        head, body = message_parts(packet, form)
        sheet = build_sheet(
            form,
            shipped.lists,
            packet,
            consent=consent.line() if consent else "",
            hall="",
            volunteer="",
            identity_payload="",
            data_payloads=[],
        )
        plan = plan_of(sheet, head, body, plan_key(key_fields(row)))
    except UnknownForm:
        return False
    except Exception as exc:  # a cache: the first print makes the plan instead
        log.warning("print plan not made at finalize: %s", type(exc).__name__)
        return False
    cases.write_print_plan(row, encode_plan(plan))
    return True
