"""我的办件 lookups by ID number with 100,000 cases: kiosk.services.cases.cases_for_person
(blind index, unit of work, ORM rows, summaries) beside a plain indexed SQLite lookup of
the same rows, measured in the same run.

    .venv/bin/python bench/store_bench.py [--cases 100000] [--lookups 200]

The cases are written in bulk with SQLAlchemy core into a kiosk opened under a temporary
data root (migrated schema, real device key): each with its personal blob encrypted
(AES-GCM) and its applicant/subject blind indexes, 40,000 people, 1-6 cases each.
The baseline is a table of (id, number, form_id, state, created_at, id_number) with an
index on id_number, queried with the sqlite3 module directly.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from _common import Row, median_ms, print_rows

from kiosk.services.cases import cases_for_person
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.store.models import CaseRow

FORMS = ["pension_claim", "elderly_allowance", "disability_card", "minimum_living"]


def person_id(n: int) -> str:
    return f"500112{1930 + n % 60}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}{n // 1000 % 10}"


def fill_store(ctx: KioskContext, cases: int, people: int, rng: random.Random) -> list[tuple]:
    """Bulk-insert the cases; returns the baseline's rows (id, number, ..., id_number)."""
    cipher = ctx.store.cipher
    keys = [cipher.blind_index(person_id(p)) for p in range(people)]
    table = CaseRow.__table__
    plain = []
    start = datetime(2026, 1, 1)
    batch: list[dict] = []
    with ctx.store.engine.begin() as conn:
        for i in range(cases):
            case_id = str(uuid.UUID(int=rng.getrandbits(128)))
            applicant = rng.randrange(people)
            subject = applicant if rng.random() < 0.7 else rng.randrange(people)
            created = start + timedelta(minutes=i)
            personal = json.dumps(
                {"answers": {"q": "x" * 200}, "applicant_name": "张三", "subject_name": "李四"},
                ensure_ascii=False,
            ).encode()
            number = f"{created:%y%m%d}-01-{i:06d}"
            batch.append(
                {
                    "id": case_id,
                    "number": number,
                    "form_id": FORMS[i % len(FORMS)],
                    "form_version": 1,
                    "state": "sent",
                    "device_id": ctx.store.device_id,
                    "applicant_key": keys[applicant],
                    "subject_key": keys[subject],
                    "personal": cipher.encrypt(personal, context=case_id.encode()),
                    "created_at": created,
                    "updated_at": created,
                }
            )
            plain.append(
                (
                    case_id,
                    number,
                    FORMS[i % len(FORMS)],
                    "sent",
                    created.isoformat(),
                    person_id(applicant),
                )
            )
            if len(batch) == 5000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    return plain


def baseline_db(path: Path, rows: list[tuple]) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE cases (id TEXT PRIMARY KEY, number TEXT, form_id TEXT, state TEXT, "
        "created_at TEXT, id_number TEXT)"
    )
    db.executemany("INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.execute("CREATE INDEX ix_id_number ON cases (id_number)")
    db.commit()
    return db


def run(cases: int = 100_000, lookups: int = 200) -> list[Row]:
    rng = random.Random(7)
    people = max(1, cases * 2 // 5)
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_kiosk(Path(tmp) / "kiosk")
        try:
            t0 = time.perf_counter()
            plain = fill_store(ctx, cases, people, rng)
            fill_s = time.perf_counter() - t0
            print(f"wrote {cases} encrypted cases in {fill_s:.1f} s", flush=True)
            db = baseline_db(Path(tmp) / "plain.sqlite3", plain)
            who = [person_id(rng.randrange(people)) for _ in range(lookups)]
            found = [len(cases_for_person(ctx, w)) for w in who[:20]]
            assert sum(found) > 0, "the lookups found nothing"
            it = iter(who * 20)

            def ours() -> None:
                cases_for_person(ctx, next(it))

            def repo_only() -> None:
                with ctx.store.unit_of_work() as uow:
                    uow.cases.for_person(next(it))

            def plain_lookup() -> None:
                db.execute("SELECT * FROM cases WHERE id_number = ?", (next(it),)).fetchall()

            rows = [
                Row("cases_for_person (service)", median_ms(ours, runs=lookups), 0, "ms", ""),
                Row(
                    "CaseRepository.for_person (ORM rows)",
                    median_ms(repo_only, runs=lookups),
                    0,
                    "ms",
                    "",
                ),
            ]
            base = median_ms(plain_lookup, runs=lookups)
            db.close()
        finally:
            ctx.close()
    return [Row(f"{r.what}, {cases:,} cases", r.ours, base, "ms", "indexed sqlite3") for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    print_rows("Lookups by ID number", run(args.cases, args.lookups))
    return 0


if __name__ == "__main__":
    sys.exit(main())
