"""The background worker: backs off while the server fails, wakes on wake(), publishes
progress, stops cleanly; retention purges acknowledged cases but keeps their stubs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fault_proxy import FaultProxy
from helpers import APPLICANT_ID
from server_process import ServerProcess
from sync_helpers import KioskFactory, add_cases, assert_exactly_once

from kiosk import events
from kiosk.services.cases import cases_for_person, show_case
from kiosk.services.sync import (
    purge_expired,
    start_sync_worker,
    sync_once,
    sync_status,
)
from kiosk.store.models import OutboxEntry, utcnow
from kiosk.sync.backoff import Backoff
from kiosk.sync.rounds import SyncOptions
from kiosk.sync.state import SyncStatus


@pytest.fixture
def proxy(sqlite_server: ServerProcess) -> Iterator[FaultProxy]:
    proxy = FaultProxy(sqlite_server.port).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def wait_for(predicate, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_worker_backs_off_then_wakes_and_sends(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 4)
    proxy.script("status503")  # the server answers, but fails: back off (long), no probe
    seen: list[SyncStatus] = []
    unsubscribe = events.sync_did_progress.subscribe(seen.append)
    options = SyncOptions(
        batch_size=10, timeout_s=5, backoff=Backoff(base_s=60, cap_s=60), pull_interval_s=60
    )
    worker = start_sync_worker(ctx, options)
    try:
        assert wait_for(lambda: proxy.seen == ["status503"])
        time.sleep(0.5)
        assert proxy.seen == ["status503"]  # waiting out its backoff, not hammering
        assert sync_status(ctx).pending == 4 and sync_status(ctx).last_error == "HTTP 503"
        started = time.monotonic()
        worker.wake()  # 立即同步
        assert wait_for(lambda: sync_status(ctx).pending == 0)
        assert time.monotonic() - started < 10  # not the 60 s backoff
    finally:
        worker.stop()
        unsubscribe()
    assert not worker.running
    assert_exactly_once(sqlite_server, ctx, ids)
    assert seen and seen[-1].pending == 0 and seen[-1].online is True
    assert any(s.pending == 4 for s in seen)


def test_worker_probes_and_resumes_when_the_network_returns(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 3)
    proxy.script("refuse")  # the network is gone for the first try
    proxy.match = b"/"  # every request, probes included, takes the script
    options = SyncOptions(timeout_s=5, backoff=Backoff(base_s=600, cap_s=600), probe_interval_s=0.2)
    worker = start_sync_worker(ctx, options)
    try:
        assert wait_for(lambda: sync_status(ctx).online is False)
        # The next probe passes: the worker sends at once despite the 10-minute backoff.
        assert wait_for(lambda: sync_status(ctx).pending == 0)
    finally:
        worker.stop()
    assert_exactly_once(sqlite_server, ctx, ids)


def test_worker_never_blocks_the_caller(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    add_cases(ctx, 2)
    proxy.hold_s = 3
    proxy.script("timeout")
    t0 = time.monotonic()
    worker = start_sync_worker(ctx, SyncOptions(timeout_s=2))
    assert time.monotonic() - t0 < 0.5
    assert threading.current_thread() is threading.main_thread()
    add_cases(ctx, 1)  # the kiosk goes on saving cases meanwhile
    worker.stop()


def test_retention_purges_acknowledged_cases_and_keeps_a_stub(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, retention_days=30)
    ids = add_cases(ctx, 2)
    sync_once(ctx)
    unsent = add_cases(ctx, 1)[0]  # never acknowledged: must keep its data
    assert purge_expired(ctx) == 0
    with ctx.store.unit_of_work() as uow:
        entry = uow.session.get(OutboxEntry, uow.outbox.get(ids[0]).seq)  # type: ignore[union-attr]
        assert entry is not None
        entry.acked_at = utcnow() - timedelta(days=31)
        uow.commit()
    assert purge_expired(ctx) == 1
    stub = show_case(ctx, ids[0])
    assert stub.purged and stub.answers == {} and stub.summary.state == "sent"
    assert not show_case(ctx, ids[1]).purged and not show_case(ctx, unsent).purged
    # 我的办件 still finds the stub by the blind index.
    assert ids[0] in {c.id for c in cases_for_person(ctx, APPLICANT_ID)}
    assert purge_expired(ctx, now=utcnow() + timedelta(days=40)) == 1  # the other sent one


def test_a_finalized_case_goes_out_at_once_not_at_the_next_poll(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server)
    options = SyncOptions(batch_size=10, timeout_s=5, pull_interval_s=120)
    worker = start_sync_worker(ctx, options)
    try:
        assert wait_for(lambda: worker.last_report is not None)  # the start-up round is done
        [case_id] = add_cases(ctx, 1)  # fill_case announces case_did_finalize
        assert wait_for(lambda: sync_status(ctx).pending == 0, timeout=10)
    finally:
        worker.stop()
    assert_exactly_once(sqlite_server, ctx, [case_id])
