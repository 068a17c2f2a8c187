"""The print plan made when a case is finalized (kiosk.printing.print_plan, issue 19).

Frozen answers never change, so neither does their paper: the sheet is built once here,
from the form the case was finalized with, and stored with the case (encrypted), so the
case's first ``kiosk print N --out`` already draws it without the form code. The plan is
keyed like the quick print path reads the row (kiosk.store.sqlite_reader), so a plan made
here is the plan that path would make. It is made with the definitions the full path
prints with — the shipped files, or the published releases in use, whose files the key
also digests (kiosk.forms.release_manifests.files_key) — never for a department's draft.
Making it never stops a finalize: on any failure the case simply has no plan, and its
first print makes one (or, under a release, the full path keeps one: keep_release_plan).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.forms.catalogue import Catalogue, UnknownForm, default_catalogue
from kiosk.forms.engine import FormFill
from kiosk.forms.release_manifests import files_key
from kiosk.printing.print_plan import encode_plan, plan_key, plan_of
from kiosk.printing.qr_codec import message_parts
from kiosk.printing.sheet import build_sheet
from kiosk.services.packets import packet_of
from kiosk.store.models import CaseRow
from kiosk.store.repositories import CaseRepository
from kiosk.store.sqlite_reader import CASE_COLUMNS, TIME_FORMAT

if TYPE_CHECKING:
    from kiosk.printing.sheet_data import CaseSheet
    from kiosk.services.context import KioskContext

log = logging.getLogger(__name__)


def key_fields(row: CaseRow) -> dict[str, object]:
    """The row's columns as kiosk.store.sqlite_reader reads them (times as stored text)."""
    fields: dict[str, object] = {}
    for name in CASE_COLUMNS:
        value = getattr(row, name)
        fields[name] = value.strftime(TIME_FORMAT) if name.endswith("_at") and value else value
    return fields


def store_print_plan(
    ctx: KioskContext, cases: CaseRepository, row: CaseRow, fill: FormFill
) -> bool:
    """Build the paper of a case just finalized (``fill``: its frozen answers' fill) and
    keep its plan on ``row`` (committed with the caller's unit of work). False when the
    form is a department's draft, the case was finalized under a release no longer in
    use, or building failed (logged without case data)."""
    from kiosk.services.consent import Consent
    from kiosk.services.release_catalogue import catalogue_of_release

    try:
        # The definitions ``kiosk print``'s full path draws this case with: its release's,
        # or the shipped files (not a catalogue with drafts from --forms-dir).
        catalogue = catalogue_of_release(ctx, row.release)
        used = releases_in_use(catalogue)
        if not used:
            catalogue = default_catalogue()
        form = catalogue.get(row.form_id, row.form_version)
        if form != fill.form or (row.release and not used):
            return False  # a draft's form, or its release is gone: not what the full path uses
        packet = packet_of(cases, row)
        consent = Consent.from_json(row.consent)
        head, body = message_parts(packet, form)
        sheet = build_sheet(
            form,
            catalogue.lists,
            packet,
            consent=consent.line() if consent else "",
            hall="",
            volunteer="",
            identity_payload="",
            data_payloads=[],
        )
        plan = plan_of(
            sheet, head, body, plan_key(key_fields(row), releases=files_key(ctx.data_root, used))
        )
    except UnknownForm:
        return False
    except Exception as exc:  # a cache: the first print makes the plan instead
        log.warning("print plan not made at finalize: %s", type(exc).__name__)
        return False
    cases.write_print_plan(row, encode_plan(plan))
    return True


def releases_in_use(catalogue: Catalogue) -> list[str]:
    """The release folders (and refused files) ``catalogue`` was made from; [] for the
    shipped definitions or a catalogue given by the caller (drafts)."""
    return list(getattr(catalogue, "release_folders", None) or [])


def keep_release_plan(
    ctx: KioskContext, cases: CaseRepository, row: CaseRow, sheet: CaseSheet
) -> None:
    """After the full path drew ``sheet`` for ``row`` with a published release's
    definitions, keep its plan, so the next ``kiosk print N --out`` draws it without the
    form code (the quick path makes plans of the shipped definitions itself). Never
    raises: on any failure the case keeps the plan it had."""
    from kiosk.services.release_catalogue import catalogue_of_release

    catalogue = catalogue_of_release(ctx, row.release)  # as case_sheet drew it
    used = releases_in_use(catalogue)
    if not used or row.identity_code is None:
        return
    try:
        form = catalogue.get(row.form_id, row.form_version)
        head, body = message_parts(packet_of(cases, row), form)
        key = plan_key(key_fields(row), releases=files_key(ctx.data_root, used))
        cases.write_print_plan(row, encode_plan(plan_of(sheet, head, body, key)))
    except Exception as exc:  # a cache: the full path draws it next time too
        log.warning("print plan not kept after printing: %s", type(exc).__name__)
