"""Two requests carrying the same cases at once (a retry racing its own timed-out
original, two processes of one kiosk): each case is created once, the other copy is
answered 202, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import httpx
from server_process import ServerProcess
from sync_helpers import KioskFactory, add_cases, server_counts

from kiosk.services.packets import case_packet
from kiosk.sync.state import load_credentials


def test_racing_batches_create_each_case_once(
    server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(server)
    ids = add_cases(ctx, 24)
    packets = [case_packet(ctx, i).to_dict() for i in ids]
    with ctx.store.unit_of_work() as uow:
        creds = load_credentials(uow.meta, ctx.store.cipher)
    assert creds is not None
    # Overlapping batches: every case is in three of the six requests.
    batches = [packets[i % 3 * 8 :] + packets[: i % 3 * 8] for i in range(6)]
    results: list[dict[str, Any]] = []
    barrier = threading.Barrier(len(batches))

    def send(batch: list[dict[str, Any]]) -> None:
        with httpx.Client(base_url=server.url + "/api/v1", timeout=60) as http:
            barrier.wait()
            r = http.post(
                "/cases/batch",
                json={"cases": batch},
                headers={"Authorization": f"Bearer {creds.token}"},
            )
            assert r.status_code == 200, r.text
            results.extend(r.json()["results"])

    threads = [threading.Thread(target=send, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6 * 24
    created = Counter(r["case_id"] for r in results if r["status"] == 201)
    assert {r["status"] for r in results} <= {201, 202}
    assert all(created[i] == 1 for i in ids), created
    counts = server_counts(server)
    assert all(counts[i] == 1 for i in ids)
