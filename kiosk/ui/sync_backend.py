"""Staff mode's sync operations (no Qt): what the sync panel shows, enrolling this kiosk,
sending now and releasing a quarantined case. Each runs as one operation off the GUI
thread; errors the staff can act on come back as plain Chinese words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.services.context import KioskContext
from kiosk.ui import strings as S
from kiosk.ui.backend import optional


@dataclass(frozen=True)
class QuarantineRow:
    case_id: str
    number: str
    form_title: str
    reason: str


@dataclass(frozen=True)
class SyncDetails:
    status: Any  # kiosk.sync.state.SyncStatus
    device_id: str | None
    quarantined: list[QuarantineRow]


class EnrollFailed(Exception):
    """Enrollment did not work; the message is for staff, in Chinese."""


def _sync() -> Any:
    sync = optional("kiosk.services.sync")
    if sync is None or not hasattr(sync, "enroll_device"):
        return None
    return sync


def available() -> bool:
    return _sync() is not None


def local_time(when: datetime | None) -> str:
    """A naive-UTC time from the sync layer, in the kiosk's local time."""
    if when is None:
        return S.SYNC_NEVER
    return f"{when.replace(tzinfo=UTC).astimezone():%m月%d日 %H:%M}"


def _form_title(ctx: KioskContext, form_id: str) -> str:
    try:
        return str(ctx.catalogue.get(form_id).title)
    except (KeyError, LookupError):
        return form_id


def details(ctx: KioskContext) -> SyncDetails | None:
    sync = _sync()
    if sync is None:
        return None
    from kiosk.sync import state

    with ctx.store.unit_of_work() as uow:
        device_id = uow.meta.get(state.DEVICE_ID) or None
    rows = [
        QuarantineRow(q.case_id, q.number, _form_title(ctx, q.form_id), q.reason)
        for q in sync.quarantined_cases(ctx)
    ]
    return SyncDetails(sync.sync_status(ctx), device_id, rows)


def enroll(ctx: KioskContext, url: str, code: str) -> str:
    """Enroll with the town server; returns the device id or raises EnrollFailed."""
    sync = _sync()
    if sync is None:
        raise RuntimeError("sync asked for without kiosk.services.sync (a bug)")
    url, code = url.strip(), code.strip().upper()
    if not url or not code:
        raise EnrollFailed(S.ENROLL_NEED_BOTH)
    if not url.startswith(("http://", "https://")):
        raise EnrollFailed(S.ENROLL_BAD_URL)
    from kiosk.sync.client import AuthRefused, InsecureServer, SyncFailure

    try:
        return str(sync.enroll_device(ctx, url, code))
    except sync.SyncError as exc:
        cause = exc.__cause__
        if isinstance(cause, InsecureServer):
            raise EnrollFailed(S.ENROLL_INSECURE) from exc
        if isinstance(cause, AuthRefused):
            raise EnrollFailed(S.ENROLL_BAD_CODE) from exc
        if isinstance(cause, SyncFailure) and not cause.reachable:
            raise EnrollFailed(S.ENROLL_UNREACHABLE) from exc
        raise EnrollFailed(S.ENROLL_FAILED.format(detail=exc)) from exc


STAFF_SYNC_TIMEOUT_S = 5.0


def sync_now(ctx: KioskContext) -> str:
    """One round now (ignoring backoff); returns what to tell staff."""
    sync = _sync()
    if sync is None:
        raise RuntimeError("sync asked for without kiosk.services.sync (a bug)")
    # This runs on the UI's one operations thread: a short timeout keeps a dead network
    # from holding other screens' operations for long (the sync worker keeps retrying).
    from kiosk.sync.rounds import SyncOptions

    report = sync.sync_once(ctx, SyncOptions(timeout_s=STAFF_SYNC_TIMEOUT_S))
    if report.error:
        return S.SYNC_NOT_DONE.format(pending=report.pending, error=report.error)
    return S.SYNC_DONE.format(sent=report.sent, pending=report.pending)


def retry(ctx: KioskContext, row: QuarantineRow) -> str:
    sync = _sync()
    if sync is None:
        raise RuntimeError("sync asked for without kiosk.services.sync (a bug)")
    sync.retry_quarantined(ctx, row.case_id)
    return S.RETRIED.format(number=row.number)
