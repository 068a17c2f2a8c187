"""Sync operations for the UI and the CLI: status, sync now, enroll, the background worker,
quarantine release and retention. The worker itself lives in kiosk/sync (plain Python).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import select

from kiosk import events
from kiosk.config import save_settings
from kiosk.domain.case_states import CaseState
from kiosk.forms.schema import Choice
from kiosk.services.case_errors import CaseError
from kiosk.services.context import KioskContext
from kiosk.store.models import CaseRow, OutboxEntry
from kiosk.sync import tokens
from kiosk.sync.lock import SyncBusy
from kiosk.sync.protocol import SyncFailure
from kiosk.sync.pull import read_reference
from kiosk.sync.renumber import Renumbered, needs_reprint
from kiosk.sync.retention import purge_acknowledged
from kiosk.sync.rounds import (
    SyncOptions,
    SyncReport,
    Target,
    current_status,
    learn_numbers,
    run_round,
)
from kiosk.sync.server_url import check_server_url
from kiosk.sync.state import SyncStatus
from kiosk.sync.worker import SyncWorker

__all__ = [
    "QuarantinedCase",
    "Renumbered",
    "SyncBusy",
    "SyncError",
    "SyncReport",
    "SyncStatus",
    "SyncWorker",
    "apply_enrollment",
    "apply_stored_reference",
    "enroll_device",
    "learn_case_numbers",
    "needs_reprint_cases",
    "purge_expired",
    "quarantined_cases",
    "retry_quarantined",
    "start_sync_worker",
    "sync_once",
    "sync_status",
]
log = logging.getLogger(__name__)


class SyncError(Exception):
    """A sync operation that could not be done (message in plain English)."""


def _target(ctx: KioskContext) -> Target:
    # The settings are read at each round: enrolling changes server_url under a running worker.
    return Target(
        ctx.store,
        lambda: ctx.settings,
        ctx.data_root,
        partial(_apply_reference, ctx),
        after_pull=partial(_refresh_definitions, ctx),
    )


def _apply_reference(ctx: KioskContext, kind: str, body: Any) -> None:
    """Put pulled reference data to use: the village list replaces the shipped demo list,
    the registry extract replaces the local one (kiosk.services.registry checks it)."""
    if kind == "villages":
        villages = [Choice(value=str(v["value"]), label=str(v["label"])) for v in body]
        # A new Catalogue object, swapped in whole: readers never see a half-made list.
        ctx.catalogue = replace(ctx.catalogue, lists={**ctx.catalogue.lists, "villages": villages})
    elif kind == "definitions":
        from kiosk.services.published import install_release, refresh_catalogue

        install_release(ctx, body)
        refresh_catalogue(ctx)
    elif kind == "registry":
        from kiosk.services.registry import load_registry_document

        status = load_registry_document(ctx, body)
        log.info("registry extract %s loaded: %d resident(s)", status.source_version, status.count)


def apply_stored_reference(ctx: KioskContext) -> None:
    """At start-up: use the village list pulled last time (the registry is already stored)
    and the published definitions in force."""
    stored = read_reference(ctx.store, ctx.data_root, "villages")
    if stored is not None:
        try:
            _apply_reference(ctx, "villages", stored[1])
        except (KeyError, TypeError, ValueError):
            log.warning("stored village list is not usable; keeping the shipped one")
    _refresh_definitions(ctx)


def _refresh_definitions(ctx: KioskContext) -> None:
    """Switch to a published release whose effective time has come (each sync round)."""
    from kiosk.services.published import refresh_catalogue

    try:
        refresh_catalogue(ctx)
    except (OSError, ValueError) as exc:
        log.warning("published definitions not usable: %s", exc)


def sync_status(ctx: KioskContext) -> SyncStatus:
    """Counts and times for the indicator (已同步 / 待上传 N / 离线) and staff mode."""
    return current_status(ctx.store)


def learn_case_numbers(ctx: KioskContext, *, timeout_s: float = 2.0) -> bool:
    """Before ``kiosk fill`` hands out a number: raise the day counters to the numbers the
    server holds from this device, if the server answered within the last day (at most
    ``timeout_s``; offline, nothing happens and nothing waits). True if the server answered.
    (kiosk.sync.rounds.learn_numbers; the sync worker does the same at each round's start.)"""
    return learn_numbers(_target(ctx), timeout_s=timeout_s)


def needs_reprint_cases(ctx: KioskContext) -> list[Renumbered]:
    """Cases the kiosk renumbered because the server held their number, not printed again
    yet (old and new number; no personal data): ``kiosk status`` and the staff page."""
    return needs_reprint(ctx.store)


def sync_once(ctx: KioskContext, options: SyncOptions | None = None) -> SyncReport:
    """Send everything pending now (ignoring backoff), then pull statuses and reference data."""
    try:
        return run_round(_target(ctx), options or SyncOptions(), force=True)
    except SyncBusy as exc:
        return SyncReport(pending=current_status(ctx.store).pending, error=str(exc))


def start_sync_worker(ctx: KioskContext, options: SyncOptions | None = None) -> SyncWorker:
    """Start the background worker (a daemon thread); call ``.stop()`` before closing ctx."""
    apply_stored_reference(ctx)
    worker = SyncWorker(_target(ctx), options)  # .start() raises SyncBusy (another process)
    # A case just finalized goes out now, not at the next idle poll (up to a minute later).
    worker.on_stop(events.case_did_finalize.subscribe(lambda _case_id: worker.wake()))
    return worker.start()


def enroll_device(
    ctx: KioskContext,
    url: str,
    code: str,
    *,
    timeout: float = 15.0,
    insecure: bool = False,
) -> str:
    """Exchange a one-time code for credentials, proving possession of the device key;
    saves the server URL; returns the device id.

    Refuses plain ``http://`` to anything but this machine unless ``insecure`` (then
    remembered in the settings, so the sync worker may use it too). Raises SyncError."""
    try:
        url = check_server_url(url, insecure=insecure)
    except ValueError as exc:  # InsecureServer says why
        raise SyncError(str(exc)) from exc
    from kiosk.sync.client import SyncClient  # httpx: only to enroll (issue 19)

    ca_file = ctx.settings.server_ca_file or None
    try:
        client = SyncClient(url, ca_file=ca_file, timeout=timeout, insecure=insecure)
    except ValueError as exc:  # the town's CA file cannot be used
        raise SyncError(str(exc)) from exc
    try:
        with client:
            answer = tokens.enroll(client, ctx.data_root, ctx.store.device_id, code)
    except SyncFailure as exc:
        raise SyncError(f"enrollment failed: {exc}") from exc
    apply_enrollment(ctx, url, answer, insecure=insecure)
    return str(answer["device_id"])


def apply_enrollment(
    ctx: KioskContext, url: str, answer: dict[str, Any], *, insecure: bool = False
) -> None:
    """Keep what the enrollment answer gave (token, its expiry, the device number, the
    server's epoch) and the server's address. Fields this kiosk does not know are
    ignored, so the server may add some (docs/sync-protocol.md)."""
    tokens.save_answer(ctx.store, answer, enrolled=True)
    update: dict[str, Any] = {"server_url": url}
    if insecure:
        update["allow_insecure_http"] = True
    ctx.settings = ctx.settings.model_copy(update=update)
    save_settings(ctx.data_root, ctx.settings)
    log.info("enrolled as device %s, number %s", answer["device_id"], answer.get("device_no"))


@dataclass(frozen=True)
class QuarantinedCase:
    """A case the server refused (409/422), for staff: number and reason, no personal data."""

    case_id: str
    number: str
    form_id: str
    reason: str


def quarantined_cases(ctx: KioskContext) -> list[QuarantinedCase]:
    with ctx.store.unit_of_work() as uow:
        query = (
            select(OutboxEntry, CaseRow)
            .join(CaseRow, CaseRow.id == OutboxEntry.case_id)
            .where(OutboxEntry.state == "quarantined")
            .order_by(OutboxEntry.seq)
        )
        return [
            QuarantinedCase(row.id, row.number, row.form_id, entry.last_error or "")
            for entry, row in uow.session.execute(query)
        ]


def retry_quarantined(ctx: KioskContext, case_id: str) -> None:
    """Staff released a quarantined case: queue it again (it is sent on the next round)."""
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        entry = uow.outbox.get(row.id)
        if entry is None or entry.state != "quarantined":
            raise CaseError(f"case {row.number} is not quarantined")
        entry.state, entry.attempts, entry.next_attempt_at = "pending", 0, None
        if row.state == CaseState.QUARANTINED:
            row.state = CaseState.QUEUED
        uow.cases.audit(row, actor="staff", action="requeued", detail=entry.last_error or "")
        entry.last_error = None
        uow.commit()


def purge_expired(ctx: KioskContext, now: datetime | None = None) -> int:
    """Drop the personal data of cases acknowledged more than retention_days ago (a stub stays
    for 我的办件); the worker also does this hourly. Returns how many cases were purged."""
    current = now or datetime.now(UTC)
    if current.tzinfo is not None:
        current = current.astimezone(UTC).replace(tzinfo=None)
    from kiosk.services.audit import purge_audit
    from kiosk.services.receipt_codes import purge_receipt_codes

    # Audit entries past audit_retention_days (>= 183) and used or expired receipt codes go
    # in the same hourly pass (docs/privacy.md).
    purge_audit(ctx, now=current)
    purge_receipt_codes(ctx)
    return purge_acknowledged(
        ctx.store,
        retention_days=ctx.settings.retention_days,
        quarantine_retention_days=ctx.settings.quarantine_retention_days,
        now=current,
    )
