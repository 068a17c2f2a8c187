"""One sync round: push the due outbox in batches, then pull status changes and reference
data. Plain functions over the store; the worker thread and ``kiosk sync`` both call them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from kiosk import events
from kiosk.config import Settings
from kiosk.store.models import OutboxEntry, utcnow
from kiosk.store.uow import Store
from kiosk.sync import lock, reconcile, renumber, state, tokens
from kiosk.sync.attachments_push import pending_count, push_attachments
from kiosk.sync.backoff import Backoff
from kiosk.sync.protocol import AuthRefused, SyncFailure, device_no_of
from kiosk.sync.pull import pull_changes, pull_reference
from kiosk.sync.push import PushResult, push_all
from kiosk.sync.ratings_push import push_ratings

if TYPE_CHECKING:  # imported when a client is made: never by an un-enrolled kiosk (issue 19)
    from kiosk.sync.client import SyncClient

log = logging.getLogger(__name__)
NOT_ENROLLED = "not enrolled with a town server (kiosk enroll URL CODE)"
# ``learn_numbers`` asks the server only when its last exchange succeeded this recently.
LEARN_IF_ANSWERED_WITHIN = timedelta(days=1)


@dataclass(frozen=True)
class SyncOptions:
    batch_size: int = 200
    timeout_s: float = 15.0
    backoff: Backoff = field(default_factory=Backoff)
    probe_interval_s: float = 15.0  # how often an offline kiosk checks the server is back
    pull_interval_s: float = 60.0  # how often an idle kiosk asks for status changes
    pipeline: bool = True  # send batch N+1 while recording batch N (see push.push_all)
    chunk_bytes: int = 256 * 1024  # attachment upload chunk (kiosk.sync.attachments_push)


@dataclass(frozen=True)
class SyncReport:
    """What one round did. ``error`` is None when every exchange succeeded."""

    sent: int = 0
    quarantined: int = 0
    failed: int = 0
    changes: int = 0
    reference_updated: tuple[str, ...] = ()
    pending: int = 0
    online: bool | None = None
    error: str | None = None
    attachments_sent: int = 0  # pages the server now has whole
    attachments_pending: int = 0  # pages still to send
    ratings_sent: int = 0  # 好差评 the server acknowledged this round


@dataclass(frozen=True)
class Target:
    """Where a round talks to and what it may touch."""

    store: Store
    get_settings: Callable[[], Settings]
    data_root: Path
    # Puts fresh reference data to use (e.g. loads the registry extract for prefill).
    apply_reference: Callable[[str, Any], None] | None = None
    # Runs after each pull (e.g. switches to published definitions once in force).
    after_pull: Callable[[], None] | None = None


def current_status(store: Store) -> state.SyncStatus:
    pages = pending_count(store)
    with store.unit_of_work(read_only=True) as uow:
        counts = dict(
            uow.session.execute(
                select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)
            ).all()
        )
        return state.SyncStatus(
            pending=int(counts.get("pending", 0)),
            quarantined=int(counts.get("quarantined", 0)),
            online=state.read_online(uow.meta),
            last_success_at=state.get_time(uow.meta, state.LAST_SUCCESS),
            last_error=uow.meta.get(state.LAST_ERROR) or None,
            enrolled=state.load_credentials(uow.meta, store.cipher) is not None,
            pages_pending=pages,
        )


class ClientRefused(SyncFailure):
    """The settings name a server the kiosk must not talk to (plain http:// to another
    machine without ``allow_insecure_http``, an address that is not a URL): said in
    plain English, recorded as the round's error, never a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reachable=False)


def _client(target: Target, options: SyncOptions) -> SyncClient | None:
    """The client for the enrolled server (None: not enrolled). Raises ClientRefused."""
    with target.store.unit_of_work(read_only=True) as uow:
        creds = state.load_credentials(uow.meta, target.store.cipher)
    settings = target.get_settings()
    if creds is None or not settings.server_url:
        return None
    try:
        return _open_client(settings, creds.token, options)
    except ValueError as exc:  # InsecureServer says why
        raise ClientRefused(f"not syncing: {exc}") from exc


def _open_client(settings: Settings, token: str, options: SyncOptions) -> SyncClient:
    from kiosk.sync.client import SyncClient

    return SyncClient(
        settings.server_url,
        token=token,
        ca_file=settings.server_ca_file or None,
        timeout=options.timeout_s,
        insecure=settings.allow_insecure_http,
    )


def _record(store: Store, *, online: bool, error: str | None) -> None:
    with store.unit_of_work() as uow:
        state.record_outcome(uow.meta, online=online, error=error, now=utcnow())
        uow.commit()


def run_round(
    target: Target, options: SyncOptions, *, force: bool = False, pull: bool = True
) -> SyncReport:
    """Push everything due (all pending when ``force``), then pull; never raises SyncFailure.

    Raises lock.SyncBusy when another process syncs this data root."""
    with lock.holding(target.data_root):
        return _run_round(target, options, force=force, pull=pull)


def _body_limit(store: Store) -> int | None:
    with store.unit_of_work(read_only=True) as uow:
        value = uow.meta.get(state.BODY_LIMIT)
    return int(value) if value and value.isdigit() else None


def _learn_limits(store: Store, server: dict[str, Any]) -> None:
    """Keep the smaller of the server's advertised body limit and what 413s taught us."""
    limits = server.get("limits")
    advertised = limits.get("max_body_bytes") if isinstance(limits, dict) else None
    if not isinstance(advertised, int) or advertised <= 0:
        return
    known = _body_limit(store)
    if known is None or known > advertised:
        with store.unit_of_work() as uow:
            uow.meta.set(state.BODY_LIMIT, str(advertised))
            uow.commit()


def _prepare(target: Target, client: SyncClient) -> None:
    """Before sending: a fresh token if ours expires soon by the server's clock (or was
    refused), then the reconciliation check (kiosk.sync.reconcile). Raises SyncFailure."""
    try:
        server = client.device_state()
    except AuthRefused:
        tokens.renew(target.store, client, target.data_root)  # expired or rotated away
        server = client.device_state()
    else:
        due = tokens.renewal_due_by_server(server)
        if due if due is not None else tokens.renewal_due(target.store):
            tokens.renew(target.store, client, target.data_root)
    _learn_limits(target.store, server)
    reconcile.check(target.store, client, server)


def _push(target: Target, client: SyncClient, options: SyncOptions, force: bool) -> PushResult:
    return push_all(
        target.store,
        client,
        batch_size=options.batch_size,
        backoff=options.backoff,
        force=force,
        on_batch=lambda: events.sync_did_progress.emit(current_status(target.store)),
        pipeline=options.pipeline,
        max_bytes=_body_limit(target.store),
    )


RENUMBER_PASSES = 3  # a renumbered case colliding again is renumbered again, this often


def _renumber_and_resend(
    target: Target, client: SyncClient, options: SyncOptions, pushed: PushResult
) -> None:
    """Cases answered 409 ``number_held`` get the next free number, re-signed, and go
    again in this round (kiosk.sync.renumber); ``pushed`` adds what the resend did."""
    for _ in range(RENUMBER_PASSES):
        if pushed.error is not None or not pushed.number_held:
            return
        held, pushed.number_held = pushed.number_held, {}
        if not renumber.renumber(target.store, target.data_root, held):
            return
        again = _push(target, client, options, force=True)
        pushed.sent += again.sent
        pushed.quarantined += again.quarantined
        pushed.failed = again.failed
        pushed.error = again.error
        pushed.number_held = again.number_held


def learn_numbers(
    target: Target, *, timeout_s: float = 2.0, recent: timedelta = LEARN_IF_ANSWERED_WITHIN
) -> bool:
    """Before handing out case numbers: when the server answered within ``recent``, ask it
    (``GET /device``, ``timeout_s`` at most) for this device's number and its highest case
    number per day, and raise the day counters to them (a data root restored from an older
    copy then continues after the numbers the server holds). Offline, long unreachable,
    not enrolled or refused: returns False at once, nothing changed; never raises, never
    takes the sync lock (a running worker may hold it)."""
    with target.store.unit_of_work() as uow:
        online = state.read_online(uow.meta)
        last = state.get_time(uow.meta, state.LAST_SUCCESS)
    if not online or last is None or utcnow() - last > recent:
        return False
    try:
        client = _client(target, SyncOptions(timeout_s=timeout_s))
        if client is None:
            return False
        with client:
            server = client.device_state()
    except SyncFailure as exc:
        log.info("case numbers not checked with the server: %s", exc)
        return False
    reconcile.keep_device_no(target.store, device_no_of(server))
    reconcile.raise_day_counters(target.store, server.get("last_numbers"))
    return True


def _run_round(target: Target, options: SyncOptions, *, force: bool, pull: bool) -> SyncReport:
    try:
        client = _client(target, options)
    except ClientRefused as exc:
        _record(target.store, online=False, error=str(exc))
        return SyncReport(
            pending=current_status(target.store).pending, online=False, error=str(exc)
        )
    if client is None:
        return SyncReport(pending=current_status(target.store).pending, error=NOT_ENROLLED)
    changes = attachments_sent = ratings_sent = 0
    updated: tuple[str, ...] = ()
    sent = quarantined = failed = 0
    failure: SyncFailure | None = None
    with client:
        try:
            _prepare(target, client)
        except SyncFailure as exc:
            failure = exc
        if failure is None:
            pushed = _push(target, client, options, force)
            with target.store.unit_of_work() as uow:
                known_epoch = uow.meta.get(state.EPOCH) or ""
            if pushed.error is None and pushed.epochs - {known_epoch}:
                # An acknowledgement came from another epoch than ours: check again now.
                try:
                    server = client.device_state()
                    reconcile.reconcile(
                        target.store, client, str(server["epoch"]), utcnow(), "epoch changed"
                    )
                    again = _push(target, client, options, force=True)
                    pushed.sent += again.sent
                    pushed.quarantined += again.quarantined
                    pushed.failed = again.failed
                    pushed.error = again.error
                except SyncFailure as exc:
                    pushed.error = exc
            _renumber_and_resend(target, client, options, pushed)
            sent, quarantined, failed = pushed.sent, pushed.quarantined, pushed.failed
            failure = pushed.error
        if failure is None and pull:
            try:
                changes = pull_changes(target.store, client)
                updated = pull_reference(
                    target.store, client, target.data_root, target.apply_reference
                )
            except SyncFailure as exc:
                failure = exc
            if target.after_pull is not None:
                target.after_pull()
        if failure is None:
            # 好差评 of sent cases: small, after the cases, before the pages.
            rated = push_ratings(target.store, client)
            ratings_sent, failure = rated.sent, rated.error
        if failure is None:
            # Photographed pages go last: they never hold back a case or a status.
            pages = push_attachments(target.store, client, chunk_bytes=options.chunk_bytes)
            attachments_sent, failure = pages.complete, pages.error
    online = failure is None or failure.reachable
    error = str(failure) if failure else None
    _record(target.store, online=online, error=error)
    status = current_status(target.store)
    events.sync_did_progress.emit(status)
    return SyncReport(
        sent,
        quarantined,
        failed,
        changes,
        updated,
        status.pending,
        online,
        error,
        attachments_sent,
        pending_count(target.store),
        ratings_sent,
    )


def probe(target: Target, options: SyncOptions) -> bool:
    """Is the town server reachable? (GET /health; cheap, no database work on either side.)"""
    try:
        client = _client(target, options)
    except ClientRefused:
        return False
    if client is None:
        return False
    with client:
        try:
            client.health()
            return True
        except SyncFailure:
            return False


def seconds_until_due(store: Store, now: datetime) -> float | None:
    """Seconds until the head of the outbox may be retried (0 if due; None if empty)."""
    from kiosk.sync.push import next_due_at

    due = next_due_at(store)
    if due is None:
        return None
    return max(0.0, (due - now).total_seconds()) if due != datetime.min else 0.0
