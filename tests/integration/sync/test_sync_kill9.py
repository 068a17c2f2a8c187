"""kill -9 during sync, over many rounds: the server ends with each case exactly once and
the kiosk loses none.

The kiosk process is a fork of the test process (the same code path as ``kiosk sync``,
without paying interpreter start-up 50 times); bench/kill_sync_soak.py does the same with
real ``kiosk sync`` processes for as many rounds as you like.
"""

from __future__ import annotations

import multiprocessing
import random
import time

from server_process import ServerProcess
from sync_helpers import KioskFactory, add_cases, assert_exactly_once, clone_cases

from kiosk.services.context import open_kiosk
from kiosk.services.sync import sync_once, sync_status
from kiosk.sync.backoff import Backoff
from kiosk.sync.rounds import SyncOptions

ROUNDS = 50
OPTIONS = SyncOptions(batch_size=1, timeout_s=2.0, backoff=Backoff(base_s=0.01, cap_s=0.05))


def _sync_forever(root: str) -> None:
    """The kiosk side in the child: sync rounds back to back until killed."""
    from helpers import catalogue, fixed_clock

    ctx = open_kiosk(root, catalogue=catalogue(), clock=fixed_clock)
    while True:
        sync_once(ctx, OPTIONS)


def test_kill_9_at_random_points_loses_and_duplicates_nothing(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server)
    rng = random.Random(6)
    fork = multiprocessing.get_context("fork")
    ids = add_cases(ctx, 1)
    killed_with_pending = 0
    for _ in range(ROUNDS):
        ids += clone_cases(ctx, ids[0], rng.randint(20, 60))
        before = sync_status(ctx).pending
        ctx.store.engine.dispose()  # no pooled SQLite connection crosses the fork
        child = fork.Process(target=_sync_forever, args=(str(ctx.data_root),), daemon=True)
        child.start()
        # Kill at a random point after sending began (a busy machine starts the child late;
        # a fixed sleep would then kill it before it sent anything).
        deadline = time.monotonic() + 30
        while sync_status(ctx).pending >= before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        pending = sync_status(ctx).pending
        killed_with_pending += 0 < pending < before  # it was sending when it died
        child.kill()  # SIGKILL: no clean-up, no atexit, mid-transaction or mid-request
        child.join(5)
        assert child.exitcode == -9
    assert killed_with_pending >= ROUNDS // 5, killed_with_pending  # kills landed mid-send

    report = sync_once(ctx, SyncOptions(batch_size=200, timeout_s=15))
    assert report.error is None and report.pending == 0
    assert_exactly_once(sqlite_server, ctx, ids)
    with sqlite_server.staff() as staff:
        on_server = {
            c["id"]: c["content_hash"]
            for c in staff.get("/staff/cases", params={"limit": 100000}).json()["cases"]
        }
    from kiosk.services.cases import show_case

    assert all(on_server[i] == show_case(ctx, i).content_hash for i in ids)
    print(f"kill -9: {ROUNDS} rounds, {killed_with_pending} mid-send, {len(ids)} cases")
