"""Sync 10,000 queued cases to a real town server on loopback (SQLite, authentication and
routing included): batched sync beside one POST per case, in the same run.

    .venv/bin/python bench/sync_bench.py [--cases 10000] [--batch 500] [--single 10000]

Prints cases/s for both, the ratio, and where the batched run spends its time
(kiosk: reading + decrypting + building packets, and recording results; network +
server: the POST round trips, measured from the kiosk).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "integration" / "sync")]

from server_process import ServerProcess  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from kiosk.device_identity import load_or_create_signing_key, public_key_b64  # noqa: E402
from kiosk.domain.case_numbers import case_number  # noqa: E402
from kiosk.forms.examples import example_answers  # noqa: E402
from kiosk.services.cases import fill_case  # noqa: E402
from kiosk.services.context import KioskContext, open_kiosk  # noqa: E402
from kiosk.services.identity import sign_case  # noqa: E402
from kiosk.services.sync import enroll_device, sync_once  # noqa: E402
from kiosk.store.models import CaseRow, OutboxEntry  # noqa: E402
from kiosk.sync import push as push_module  # noqa: E402
from kiosk.sync.client import SyncClient  # noqa: E402
from kiosk.sync.rounds import SyncOptions  # noqa: E402

FORM = "pension_death_benefit"
TIMES: dict[str, float] = defaultdict(float)


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name] += time.perf_counter() - t0

    return wrapper


def queued_kiosk(root: Path, server: ServerProcess, n: int) -> KioskContext:
    """A kiosk with ``n`` real finalized cases queued: one filled by the form engine, the
    rest copies of it with their own UUIDs and numbers, encrypted under their own ids.

    The copies' numbers are real case numbers of this kiosk (``YYMMDD-DD-SSS`` with its
    enrolled device part, kiosk.domain.case_numbers), 999 a day on the days before the
    first case's: the server checks that a signed number names the device that signed it
    (kiosk.printing.trust.device_part_problem) and refuses any other."""
    ctx = open_kiosk(root)
    code = server.admin("enroll", "--name", f"bench {root.name}").strip()
    enroll_device(ctx, server.url, code)
    form = ctx.catalogue.get(FORM)
    first = fill_case(ctx, FORM, example_answers(form), volunteer_id="V001")
    key = load_or_create_signing_key(ctx.data_root)
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.get(first.id)
        assert row is not None
        data = uow.cases.read_personal(row)
        template = {c.name: getattr(row, c.name) for c in CaseRow.__table__.columns}
        cases, outbox = [], []
        device = first.number.split("-")[1]  # the device number the server gave this kiosk
        today = date(2000 + int(first.number[:2]), int(first.number[2:4]), int(first.number[4:6]))
        for i in range(1, n):
            case_id = str(uuid.uuid4())
            day, seq = today - timedelta(days=1 + (i - 1) // 999), (i - 1) % 999 + 1
            copy = dict(template, id=case_id, number=case_number(day, device, seq))
            probe = CaseRow(id=case_id)
            uow.cases.write_personal(probe, data)
            copy["personal"] = probe.personal
            copy["identity_code"] = sign_case(CaseRow(**copy), key)  # signed for its own id
            cases.append(copy)
            outbox.append({"case_id": case_id, "state": "pending", "attempts": 0})
        uow.session.execute(insert(CaseRow), cases)
        uow.session.execute(insert(OutboxEntry), outbox)
        uow.commit()
    return ctx


def run(ctx: KioskContext, batch: int, *, pipeline: bool = True) -> tuple[float, int]:
    t0 = time.perf_counter()
    report = sync_once(ctx, SyncOptions(batch_size=batch, timeout_s=60, pipeline=pipeline))
    elapsed = time.perf_counter() - t0
    assert report.error is None, report.error
    return elapsed, report.sent


def all_packets(ctx: KioskContext) -> list[dict[str, Any]]:
    from kiosk.store.models import utcnow

    packets: list[dict[str, Any]] = []
    after = 0
    while batch := push_module.take_batch(ctx.store, utcnow(), 2000, True, after_seq=after):
        packets += batch.packets
        after = batch.last_seq
    return packets


def intake_alone(home: Path, ctx: KioskContext, batch: int) -> float:
    """The server's intake (checks, hash, insert cases + routing tasks, commit) in-process on
    its own SQLite file, without HTTP: how much of a round trip is the database."""
    from kiosk.server.db import create_server_engine, migrate_to_head, session_factory
    from kiosk.server.intake import ingest
    from kiosk.server.models import Device

    packets = all_packets(ctx)
    engine = create_server_engine(f"sqlite:///{home / 'alone.sqlite3'}")
    migrate_to_head(engine)
    sessions = session_factory(engine)
    with sessions() as session:  # the kiosk is enrolled there too: its key checks its cases
        key = public_key_b64(load_or_create_signing_key(ctx.data_root))
        session.add(Device(id=ctx.store.device_id, name="bench", public_key=key, token_hash="x"))
        session.commit()
    t0 = time.perf_counter()
    for i in range(0, len(packets), batch):
        ingest(sessions, packets[i : i + batch], ctx.catalogue, device_id=ctx.store.device_id)
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed


def bare_posts(ctx: KioskContext) -> tuple[float, int]:
    """The lower bound of one-POST-per-case: packets built beforehand, one keep-alive
    connection, no kiosk bookkeeping (no outbox update, no fsync per case)."""
    from kiosk.sync.state import load_credentials

    packets = all_packets(ctx)
    with ctx.store.unit_of_work() as uow:
        creds = load_credentials(uow.meta, ctx.store.cipher)
    assert creds is not None
    client = SyncClient(ctx.settings.server_url, token=creds.token, timeout=60)
    t0 = time.perf_counter()
    with client:
        for packet in packets:
            got = client.push([packet])[packet["case_id"]]
            assert got.status == 201, got
    return time.perf_counter() - t0, len(packets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--single", type=int, default=2_000, help="cases for the one-POST-per-case runs"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp:
        home = Path(tmp)
        # a busy machine (other jobs on its cores) may take more than 30 s to start it
        server = ServerProcess(f"sqlite:///{home / 'server.sqlite3'}", home).start(timeout=120)
        try:
            print(f"preparing 2 x {args.cases} + 2 x {args.single} queued cases ...", flush=True)
            batched = queued_kiosk(home / "batched", server, args.cases)
            single = queued_kiosk(home / "single", server, args.single)
            serial = queued_kiosk(home / "serial", server, args.cases)
            t_serial, sent_serial = run(serial, args.batch, pipeline=False)

            t_alone = intake_alone(home, batched, args.batch)
            for owner, name, label in (
                (push_module, "take_batch", "kiosk: read + build packets"),
                (push_module, "_apply", "kiosk: record results"),
                (SyncClient, "push_raw", "network + server (POST round trips)"),
            ):
                setattr(owner, name, timed(label, getattr(owner, name)))
            t_batch, sent_batch = run(batched, args.batch)
            breakdown = dict(TIMES)
            TIMES.clear()
            t_single, sent_single = run(single, 1)
            raw = queued_kiosk(home / "raw", server, args.single)
            t_raw, raw_count = bare_posts(raw)

            engine = server_engine(server)
            with engine.connect() as conn:
                on_server = conn.scalar(select(func.count()).select_from(text("cases")))
                tasks = conn.scalar(select(func.count()).select_from(text("tasks")))
            assert sent_batch == args.cases and sent_single == args.single
            assert on_server == 2 * args.cases + 2 * args.single, on_server
            assert sent_serial == args.cases
        finally:
            server.stop()

    rate_b, rate_s = sent_batch / t_batch, sent_single / t_single
    rate_raw = raw_count / t_raw
    line = "{:<24}{:>6} cases in {:6.2f} s = {:7,.0f} cases/s"
    print(line.format(f"batched, {args.batch} per POST:", sent_batch, t_batch, rate_b))
    print(line.format("  same, not pipelined:", sent_serial, t_serial, sent_serial / t_serial))
    print(line.format("kiosk sync, 1 per POST:", sent_single, t_single, rate_s))
    print(line.format("bare POST per case:", raw_count, t_raw, rate_raw))
    print(
        f"ratio batched / kiosk sync 1 per POST: {rate_b / rate_s:.1f}x; "
        f"batched / bare POST per case: {rate_b / rate_raw:.1f}x  (targets: >= 3,000/s, >= 6x)"
    )
    print(f"server holds {on_server} cases and {tasks} routing tasks")
    print("batched run, where the time goes (pipelined: recording batch N overlaps sending N+1):")
    for name, seconds in breakdown.items():
        print(f"  {name:<40} {seconds:6.2f} s  {100 * seconds / t_batch:4.0f} %")
    print(
        f"  (of the round trips, server intake alone in-process: {t_alone:.2f} s = "
        f"{sent_batch / t_alone:,.0f} cases/s; the rest is HTTP, JSON and auth)"
    )
    return 0


def server_engine(server: ServerProcess) -> Any:
    from kiosk.server.db import create_server_engine

    return create_server_engine(server.db_url)


if __name__ == "__main__":
    sys.exit(main())
