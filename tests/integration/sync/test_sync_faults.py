"""Faults between kiosk and server, on loopback through a fault-injecting proxy.

After each: every case is on the server exactly once, and none is lost on the kiosk
(it is sent on a later round, or quarantined with its reason for staff)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fault_proxy import FaultProxy
from server_process import ServerProcess, free_port
from sqlalchemy import select
from sync_helpers import KioskFactory, add_cases, assert_exactly_once, outbox_states, server_counts

from kiosk.device_identity import load_or_create_signing_key
from kiosk.domain.case_hash import content_hash, envelope_digest
from kiosk.forms.catalogue import default_catalogue
from kiosk.printing.signing import CaseIdentity, sign_identity
from kiosk.server.db import create_server_engine, session_factory
from kiosk.server.intake import ingest
from kiosk.services.cases import show_case
from kiosk.services.packets import case_packet
from kiosk.services.sync import quarantined_cases, retry_quarantined, sync_once, sync_status
from kiosk.store.models import CaseRow, OutboxEntry
from kiosk.sync.backoff import Backoff
from kiosk.sync.rounds import SyncOptions, Target, run_round

# Timeouts generous enough for a loaded CI machine; the "timeout" fault holds longer.
OPTIONS = SyncOptions(batch_size=2, timeout_s=3.0, backoff=Backoff(base_s=30, cap_s=60))


@pytest.fixture
def proxy(sqlite_server: ServerProcess) -> Iterator[FaultProxy]:
    proxy = FaultProxy(sqlite_server.port).start()
    proxy.hold_s = 4.0
    try:
        yield proxy
    finally:
        proxy.stop()


FAILING = ["refuse", "timeout", "login", "truncate", "drop_request", "drop_response"]


@pytest.mark.parametrize("fault", FAILING)
def test_a_failed_exchange_sends_nothing_twice_and_loses_nothing(
    fault: str, sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 5)
    proxy.script(fault)

    first = sync_once(ctx, OPTIONS)
    assert first.sent == 0 and first.error, first
    assert proxy.seen == [fault]
    assert sync_status(ctx).pending == 5
    # The failed batch backs off (persisted); the cases behind it wait their turn.
    with ctx.store.unit_of_work() as uow:
        entries = list(uow.session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))
        assert [e.attempts for e in entries] == [1, 1, 0, 0, 0]
        assert entries[0].next_attempt_at is not None and entries[0].last_error
    assert [show_case(ctx, i).summary.state for i in ids] == ["finalized"] * 5
    # Without forcing, nothing overtakes the backing-off head of the queue (order kept).
    target = Target(ctx.store, lambda: ctx.settings, ctx.data_root)
    wide = SyncOptions(batch_size=10, timeout_s=3.0)
    assert run_round(target, wide, pull=False).sent == 0

    second = sync_once(ctx, OPTIONS)
    assert (second.sent, second.error) == (5, None)
    assert_exactly_once(sqlite_server, ctx, ids)


def test_a_500_on_a_batch_is_split_and_its_halves_go_in_the_same_round(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 5)
    proxy.script("status500")
    report = sync_once(ctx, OPTIONS)
    # The 500 made the kiosk split the batch; the halves went through: no case is to
    # blame, none is quarantined, none is sent twice.
    assert (report.sent, report.quarantined, report.error) == (5, 0, None), report
    assert proxy.seen[0] == "status500"
    assert_exactly_once(sqlite_server, ctx, ids)


def test_a_slow_answer_in_time_is_fine(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 3)
    proxy.slow_s = 1.0
    proxy.script("slow", "slow")
    report = sync_once(ctx, SyncOptions(batch_size=2, timeout_s=6.0))
    assert (report.sent, report.error) == (3, None)
    assert_exactly_once(sqlite_server, ctx, ids)


def test_a_drop_in_the_middle_keeps_the_batches_before_it(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 6)
    proxy.script("pass", "drop_response")
    first = sync_once(ctx, OPTIONS)
    assert first.sent == 2 and first.error
    assert server_counts(sqlite_server)[ids[3]] == 1  # the server got the dropped batch
    assert sync_status(ctx).pending == 4
    assert sync_once(ctx, OPTIONS).sent == 4  # 202 for the two it already had
    assert_exactly_once(sqlite_server, ctx, ids)


def test_an_answer_that_leaves_a_case_out_does_not_acknowledge_it(
    sqlite_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server, url=proxy.url)
    ids = add_cases(ctx, 4)
    proxy.script("partial")
    first = sync_once(ctx, OPTIONS)
    assert (first.sent, first.failed) == (1, 1) and first.error
    assert sync_status(ctx).pending == 3
    assert sync_once(ctx, OPTIONS).sent == 3  # 202 for the one the server already had
    assert_exactly_once(sqlite_server, ctx, ids)


def test_server_down_then_back(sqlite_server: ServerProcess, make_kiosk: KioskFactory) -> None:
    ctx = make_kiosk(sqlite_server, url=f"http://127.0.0.1:{free_port()}")
    ids = add_cases(ctx, 3)
    report = sync_once(ctx, OPTIONS)
    assert report.online is False and report.sent == 0
    assert sync_status(ctx).online is False
    ctx.settings = ctx.settings.model_copy(update={"server_url": sqlite_server.url})
    report = sync_once(ctx, OPTIONS)
    assert report.online is True and report.sent == 3
    assert_exactly_once(sqlite_server, ctx, ids)


def test_conflict_quarantines_that_case_and_the_rest_flow(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server)
    ids = add_cases(ctx, 5)
    # The server already holds case 2's UUID with other content (signed by the same device:
    # anything else would not pass the trust rule at all).
    other = case_packet(ctx, ids[2]).to_dict()
    other["answers"] = {**other["answers"], "bank_account": "6217000000000000000"}
    other["content_hash"] = content_hash(other["form_id"], other["form_version"], other["answers"])
    signed = CaseIdentity(
        *(other[k] for k in ("case_id", "number", "form_id", "form_version")),
        other["content_hash"],
        other["device_id"],
        envelope_digest(
            other["finalized_at"], other["volunteer_id"], other["bundle_id"], other["extra"]
        ),
    )
    other["identity_code"] = sign_identity(signed, load_or_create_signing_key(ctx.data_root))
    sessions = session_factory(create_server_engine(sqlite_server.db_url))
    assert ingest(sessions, [other], default_catalogue(), device_id=None)[0].status == 201

    report = sync_once(ctx, OPTIONS)
    assert (report.sent, report.quarantined, report.error) == (4, 1, None)
    assert show_case(ctx, ids[2]).summary.state == "quarantined"
    with ctx.store.unit_of_work() as uow:
        entry = uow.outbox.get(ids[2])
        assert entry is not None and entry.last_error and entry.last_error.startswith("conflict")
    assert sync_status(ctx).quarantined == 1
    [held] = quarantined_cases(ctx)
    assert held.case_id == ids[2] and held.reason.startswith("conflict")

    retry_quarantined(ctx, ids[2])  # staff try again: still a conflict, still quarantined
    assert sync_status(ctx).pending == 1
    assert sync_once(ctx, OPTIONS).quarantined == 1
    assert all(server_counts(sqlite_server)[i] == 1 for i in ids)


def test_rejected_cases_are_quarantined_with_the_reason(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server)
    ids = add_cases(ctx, 5)
    with ctx.store.unit_of_work() as uow:
        bad_hash = uow.session.get(CaseRow, ids[1])
        unknown_form = uow.session.get(CaseRow, ids[3])
        assert bad_hash is not None and unknown_form is not None
        bad_hash.content_hash = "0" * 64
        unknown_form.form_version = 99
        uow.commit()
    report = sync_once(ctx, OPTIONS)
    assert (report.sent, report.quarantined) == (3, 2)
    assert outbox_states(ctx) == {"sent": 3, "quarantined": 2}
    with ctx.store.unit_of_work() as uow:
        reasons = [uow.outbox.get(ids[i]).last_error for i in (1, 3)]  # type: ignore[union-attr]
    assert "hash" in str(reasons[0]) and "unknown form" in str(reasons[1])
    counts = server_counts(sqlite_server)
    assert [counts[i] for i in ids] == [1, 0, 1, 0, 1]
