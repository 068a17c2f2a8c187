"""好差评 reach the town server once each, after their case, through a link that loses an
answer; the server keeps the first rating of a case (一次一评) and the staff API counts
them by level per day and per service. A real server process on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fault_proxy import FaultProxy
from server_process import ServerProcess
from sqlalchemy import select
from sync_helpers import KioskFactory, add_cases

from kiosk.forms.examples import example_path
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


def bundle_answers() -> dict[str, Any]:
    """The 家人去世 bundle's shipped example answers."""
    from helpers import catalogue

    form = catalogue().get("bundle.death_in_family")
    answers: dict[str, Any] = json.loads(example_path(form).read_text(encoding="utf-8"))
    return answers


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


def test_a_bundles_one_rating_counts_once_at_the_server(
    own_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    """一次一评: the 家人去世 bundle is one transaction of several cases; the resident rates
    it once, the kiosk keeps the level on each case, and the server counts it once."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from kiosk.server.desk.overview import _rating_counts
    from kiosk.server.rating_counts import count_ratings
    from kiosk.services.bundles import fill_bundle

    ctx = make_kiosk(own_server)
    cases = fill_bundle(ctx, "death_in_family", bundle_answers(), volunteer_id="V001")
    bundle = [c.id for c in cases]
    assert len(bundle) >= 3
    [single] = add_cases(ctx, 1)
    rate_cases(ctx, bundle, "dissatisfied", "waited")
    rate_cases(ctx, [single], "very_satisfied")
    report = sync_once(ctx, OPTIONS)
    assert report.error is None and report.ratings_sent == len(bundle) + 1, report
    # Every case keeps its rating (the case export shows it), with the transaction's id.
    engine = create_server_engine(own_server.db_url)
    try:
        with session_factory(engine)() as session:
            rows = {r.case_id: r for r in session.scalars(select(Rating))}
            assert set(rows) == {*bundle, single}
            assert len({rows[c].transaction_id for c in bundle}) == 1
            assert rows[single].transaction_id == single
            now = datetime.now(UTC).replace(tzinfo=None)
            span = {"since": now - timedelta(days=1), "until": now + timedelta(days=1)}
            assert _rating_counts(session, **span) == {2: 1, 5: 1}  # desk overview
            counts = count_ratings(session, zone=ZoneInfo("Asia/Shanghai"), **span)
            assert sum(sum(c.values()) for c in counts.by_day.values()) == 2
    finally:
        engine.dispose()
    with own_server.staff() as staff:
        body = staff.get("/staff/ratings", params={"days": 7}).json()
    [today] = body["days"]
    assert today["total"] == 2, today
    assert today["counts"]["dissatisfied"] == 1 and today["counts"]["very_satisfied"] == 1
    # Per service, the transaction counts once under each service it included.
    totals = {s["form_id"]: s["total"] for s in body["services"]}
    assert max(totals.values()) == 2 and sum(totals.values()) == len(bundle) + 1, totals


def test_another_score_for_a_rated_transaction_is_refused(
    own_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    from kiosk.services.bundles import fill_bundle

    ctx = make_kiosk(own_server)
    first, *rest = [c.id for c in fill_bundle(ctx, "death_in_family", bundle_answers())]
    rate_cases(ctx, [first], "satisfied")
    assert sync_once(ctx, OPTIONS).ratings_sent == 1
    rate_cases(ctx, rest, "very_dissatisfied")  # e.g. a store restored, then rated again
    report = sync_once(ctx, OPTIONS)
    assert report.error is None and report.ratings_sent == 0
    assert set(server_ratings(own_server).values()) == {(4, None)}
    assert pending_ratings(ctx.store) == 0
