"""One bad case never stops the queue: per-case 422 from the server, batch splitting on
500 and 413, batch size adapting to a body limit."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fault_proxy import FaultProxy
from server_process import ServerProcess
from sync_helpers import (
    KioskFactory,
    add_cases,
    clone_cases,
    outbox_states,
    poison_case,
    server_counts,
)

from kiosk.services.packets import case_packet
from kiosk.services.sync import quarantined_cases, sync_once, sync_status
from kiosk.sync.backoff import Backoff
from kiosk.sync.rounds import SyncOptions

OPTIONS = SyncOptions(batch_size=200, timeout_s=10.0, backoff=Backoff(base_s=30, cap_s=60))


@pytest.fixture
def proxy(sqlite_server: ServerProcess) -> Iterator[FaultProxy]:
    proxy = FaultProxy(sqlite_server.port).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def test_a_case_the_server_refuses_is_a_per_case_422_never_a_500(
    server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(server)
    ids = add_cases(ctx, 11)
    packets = [case_packet(ctx, i).to_dict() for i in ids]
    packets[4]["volunteer_id"] = "V" * 40  # the column holds 32
    from kiosk.sync import state

    with ctx.store.unit_of_work() as uow:
        creds = state.load_credentials(uow.meta, ctx.store.cipher)
    assert creds is not None
    with httpx.Client(base_url=server.url + "/api/v1", timeout=30) as http:
        answer = http.post(
            "/cases/batch",
            json={"cases": packets},
            headers={"Authorization": f"Bearer {creds.token}"},
        )
    assert answer.status_code == 200, answer.text
    statuses = [r["status"] for r in answer.json()["results"]]
    assert statuses == [201] * 4 + [422] + [201] * 6
    assert "volunteer_id" in answer.json()["results"][4]["reason"]


def test_a_poison_case_among_ten_good_ones_is_quarantined_and_the_ten_arrive(
    server: ServerProcess, make_kiosk: KioskFactory
) -> None:

    ctx = make_kiosk(server)
    good = add_cases(ctx, 5)
    poison = poison_case(ctx)
    good += add_cases(ctx, 5)
    report = sync_once(ctx, OPTIONS)
    assert (report.sent, report.quarantined, report.error) == (10, 1, None), report
    counts = server_counts(server)
    assert all(counts[i] == 1 for i in good) and counts[poison] == 0
    [held] = quarantined_cases(ctx)
    assert held.case_id == poison and "volunteer_id" in held.reason


def test_a_case_that_makes_the_server_fail_is_found_by_splitting(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 11)
    poison = ids[6]
    proxy.poison = poison.encode()  # the server (its database) fails on this case alone
    report = sync_once(ctx, OPTIONS)
    assert (report.sent, report.quarantined, report.error) == (10, 1, None), report
    counts = server_counts(sqlite_server)
    assert [counts[i] for i in ids] == [1] * 6 + [0] + [1] * 4
    [held] = quarantined_cases(ctx)
    assert held.case_id == poison and "HTTP 500" in held.reason
    # log2(11) halvings, not one request per case, then the suspect once more alone.
    assert len(proxy.seen) <= 12, proxy.seen


def test_a_server_that_fails_everything_quarantines_nothing(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    add_cases(ctx, 16)
    proxy.poison = b'"cases"'  # every batch
    report = sync_once(ctx, OPTIONS)
    assert report.sent == 0 and report.quarantined == 0 and report.error
    assert outbox_states(ctx) == {"pending": 16}
    assert len(proxy.seen) <= 12, proxy.seen  # it gave up quickly
    proxy.poison = None
    report = sync_once(ctx, OPTIONS)
    assert (report.sent, report.quarantined, report.error) == (16, 0, None), report


def test_a_413_splits_the_batch_and_later_batches_are_smaller(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 1)
    ids += clone_cases(ctx, ids[0], 39)
    one = len(case_packet(ctx, ids[0]).to_dict().__repr__().encode())
    proxy.max_body = one * 6  # like nginx's client_max_body_size in front of the server
    report = sync_once(ctx, OPTIONS)
    assert (report.sent, report.quarantined, report.error) == (40, 0, None), report
    assert 413 in [int(f[-3:]) for f in proxy.seen if f.startswith("status")]
    ids += clone_cases(ctx, ids[0], 20)
    proxy.seen.clear()
    proxy.bodies.clear()
    report = sync_once(ctx, OPTIONS)
    assert (report.sent, report.error) == (20, None), report
    assert "status413" not in proxy.seen  # learned: no more 413s
    assert max(proxy.bodies) <= one * 6
    counts = server_counts(sqlite_server)
    assert all(counts[i] == 1 for i in ids)


def test_the_kiosk_learns_the_servers_own_body_limit(
    make_kiosk: KioskFactory, tmp_path_factory: pytest.TempPathFactory
) -> None:
    home = tmp_path_factory.mktemp("small-server")
    server = ServerProcess(
        f"sqlite:///{home / 's.sqlite3'}", home, extra_args=("--max-body-bytes", "65536")
    ).start()
    try:
        ctx = make_kiosk(server)
        ids = add_cases(ctx, 1)
        ids += clone_cases(ctx, ids[0], 59)
        report = sync_once(ctx, OPTIONS)  # 60 cases: well over 64 KiB in one batch
        assert (report.sent, report.error) == (60, None), report
        assert sync_status(ctx).pending == 0
        with httpx.Client(base_url=server.url + "/api/v1") as http:
            huge = http.post("/cases/batch", content=b"x" * 70000)
            assert huge.status_code == 413 and huge.json()["max_body_bytes"] == 65536
        assert "413" not in server.log.read_text()
    finally:
        server.stop()


def test_a_case_too_large_for_any_batch_is_quarantined_alone(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 5)
    size = len(repr(case_packet(ctx, ids[0]).to_dict()).encode())
    proxy.max_body = size // 2  # even one case alone is too large for this proxy
    report = sync_once(ctx, OPTIONS)
    assert report.sent == 0 and report.quarantined == 5
    assert all("413" in q.reason for q in quarantined_cases(ctx))
