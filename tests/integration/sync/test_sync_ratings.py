"""好差评 reach the town server once each, after their case, through a link that loses an
answer; the server keeps the first rating of a case (一次一评) and the staff API counts
them by level per day and per service. A real server process on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_proxy import FaultProxy
from server_process import ServerProcess
from sqlalchemy import select
from sync_helpers import KioskFactory, add_cases

from kiosk.server.db import create_server_engine, session_factory
from kiosk.server.desk.models import Rating
from kiosk.services.ratings import rate_cases
from kiosk.services.sync import sync_once
from kiosk.store.models import CaseRow, OutboxEntry
from kiosk.sync.backoff import Backoff
from kiosk.sync.ratings_push import pending_ratings
from kiosk.sync.rounds import SyncOptions

OPTIONS = SyncOptions(timeout_s=5.0, backoff=Backoff(base_s=0.01, cap_s=0.01))


@pytest.fixture
def proxy(own_server: ServerProcess) -> Iterator[FaultProxy]:
    proxy = FaultProxy(own_server.port, match="/ratings").start()
    try:
        yield proxy
    finally:
        proxy.stop()


def server_ratings(server: ServerProcess) -> dict[str, tuple[int, str | None]]:
    engine = create_server_engine(server.db_url)
    try:
        with session_factory(engine)() as session:
            return {r.case_id: (r.score, r.reason) for r in session.scalars(select(Rating))}
    finally:
        engine.dispose()


def rating_posts(proxy: FaultProxy) -> list[str]:
    return [fault for line, fault in proxy.requests if "/ratings" in line]


def test_ratings_arrive_once_after_a_lost_answer_and_are_counted(
    own_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(own_server, url=proxy.url)
    good, low, unrated = add_cases(ctx, 3)
    rate_cases(ctx, [good], "very_satisfied")
    rate_cases(ctx, [low], "dissatisfied", "waited")
    assert pending_ratings(ctx.store) == 0  # not before the server has the case
    # The server stores the ratings, then the answer is lost on the way back.
    proxy.script("drop_response")
    first = sync_once(ctx, OPTIONS)
    assert first.sent == 3 and first.ratings_sent == 0 and first.error
    assert pending_ratings(ctx.store) == 2
    assert server_ratings(own_server) == {good: (5, None), low: (2, "waited")}
    # Sent again: the server answers 202 (it had these very ratings) and keeps one each.
    second = sync_once(ctx, OPTIONS)
    assert second.error is None and second.ratings_sent == 2
    assert pending_ratings(ctx.store) == 0
    assert server_ratings(own_server) == {good: (5, None), low: (2, "waited")}
    # Nothing more to send: no further request at all.
    posts = len(rating_posts(proxy))
    assert sync_once(ctx, OPTIONS).ratings_sent == 0
    assert len(rating_posts(proxy)) == posts == 2
    # A rating given after its case was sent goes on the next round.
    rate_cases(ctx, [unrated], "basic")
    assert sync_once(ctx, OPTIONS).ratings_sent == 1

    with own_server.staff() as staff:
        answer = staff.get("/staff/ratings", params={"days": 7})
        refused = own_server.staff().get("/staff/ratings", headers={"Authorization": "x"})
    assert refused.status_code == 401
    body = answer.json()
    assert answer.status_code == 200, body
    assert body["levels"]["very_satisfied"] == "非常满意"
    [today] = body["days"]
    assert today["total"] == 3
    assert today["counts"] == {
        "very_satisfied": 1,
        "satisfied": 0,
        "basic": 1,
        "dissatisfied": 1,
        "very_dissatisfied": 0,
    }
    [service] = body["services"]
    assert service["total"] == 3 and service["title"] and service["form_id"]


def test_another_rating_of_a_rated_case_is_refused_and_kept_aside(
    own_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(own_server)
    [case_id] = add_cases(ctx, 1)
    rate_cases(ctx, [case_id], "satisfied")
    assert sync_once(ctx, OPTIONS).ratings_sent == 1
    # The kiosk's store restored from a backup taken before the rating was sent, and the
    # resident rated again, differently: the server keeps the first (一次一评).
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(CaseRow, case_id)
        assert row is not None
        row.rating = "very_dissatisfied"
        entry = uow.session.scalars(select(OutboxEntry).where(OutboxEntry.case_id == case_id))
        entry.one().rating_sent_at = None
        uow.commit()
    report = sync_once(ctx, OPTIONS)
    assert report.error is None and report.ratings_sent == 0
    assert server_ratings(own_server) == {case_id: (4, None)}
    with ctx.store.unit_of_work() as uow:
        entry = uow.session.scalars(select(OutboxEntry).where(OutboxEntry.case_id == case_id))
        assert "409" in (entry.one().rating_refused or "")
    assert pending_ratings(ctx.store) == 0  # never sent again


def test_a_server_restored_from_before_the_rating_gets_it_again(
    own_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    from test_sync_restore import _backup_and_restore

    ctx = make_kiosk(own_server)
    [case_id] = add_cases(ctx, 1)
    backup, restore = _backup_and_restore(own_server.db_url, tmp_path)
    own_server.stop()
    backup()  # before the case and its rating reached the server
    server = ServerProcess(own_server.db_url, own_server.home).start()
    try:
        ctx.settings = ctx.settings.model_copy(update={"server_url": server.url})
        rate_cases(ctx, [case_id], "satisfied")
        assert sync_once(ctx, OPTIONS).ratings_sent == 1
    finally:
        server.stop()
    restore()
    server = ServerProcess(own_server.db_url, own_server.home).start()
    try:
        ctx.settings = ctx.settings.model_copy(update={"server_url": server.url})
        assert server_ratings(server) == {}
        report = sync_once(ctx, OPTIONS)
        assert report.error is None and report.sent == 1 and report.ratings_sent == 1, report
        assert server_ratings(server) == {case_id: (4, None)}
    finally:
        server.stop()
