"""kill -9 soak: real ``kiosk sync`` processes killed at random points, many rounds.

    .venv/bin/python bench/kill_sync_soak.py [--rounds 200] [--seed N]

Each round adds a few cases, starts ``kiosk sync`` (the background worker in its own
process, small batches), kills it with SIGKILL after a random delay, and goes on. At
the end one clean ``kiosk sync --once`` runs; the server must hold every case exactly
once with the kiosk's content hash, and the kiosk must have nothing pending.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "integration" / "sync")]

from server_process import ServerProcess  # noqa: E402
from sync_helpers import clone_cases  # noqa: E402

from kiosk.forms.examples import example_answers  # noqa: E402
from kiosk.services.cases import fill_case  # noqa: E402
from kiosk.services.context import open_kiosk  # noqa: E402
from kiosk.services.sync import enroll_device, sync_status  # noqa: E402

FORM = "pension_death_benefit"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"seed {args.seed}")
    with tempfile.TemporaryDirectory(prefix="kill-soak-") as tmp:
        home = Path(tmp)
        server = ServerProcess(f"sqlite:///{home / 'server.sqlite3'}", home).start()
        try:
            return soak(server, home / "kiosk", args.rounds, rng)
        finally:
            server.stop()


def soak(server: ServerProcess, root: Path, rounds: int, rng: random.Random) -> int:
    ctx = open_kiosk(root)
    enroll_device(ctx, server.url, server.admin("enroll", "--name", "soak").strip())
    answers = example_answers(ctx.catalogue.get(FORM))
    ids: list[str] = [fill_case(ctx, FORM, answers).id]  # a real case; the others copy it
    mid_send = 0
    kiosk = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]
    kiosk += ["--data-dir", str(root), "sync"]
    env = {**os.environ, "KIOSK_HOME": str(root)}
    for n in range(1, rounds + 1):
        ids += clone_cases(ctx, ids[0], rng.randint(20, 80))
        before = sync_status(ctx).pending
        proc = subprocess.Popen(
            [*kiosk, "--batch-size", str(rng.choice([1, 2, 3])), "--timeout", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.9, 2.4))  # start-up takes ~1 s: some die before sending
        after = sync_status(ctx).pending
        mid_send += 0 < after < before
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if n % 20 == 0:
            print(f"round {n}: {len(ids)} cases, {after} pending, {mid_send} kills mid-send")
    done = subprocess.run([*kiosk, "--once", "--batch-size", "200"], env=env, check=False)
    status = sync_status(ctx)
    with server.staff() as staff:
        cases = staff.get("/staff/cases", params={"limit": 10**6}).json()["cases"]
    counts = Counter(c["id"] for c in cases)
    hashes = {c["id"]: c["content_hash"] for c in cases}
    from kiosk.services.cases import show_case

    lost = [i for i in ids if counts[i] == 0]
    twice = [i for i in ids if counts[i] > 1]
    wrong = [i for i in ids if counts[i] and hashes[i] != show_case(ctx, i).content_hash]
    ctx.close()
    print(
        f"{rounds} rounds, {mid_send} killed mid-send; {len(ids)} cases; "
        f"on server once: {sum(1 for i in ids if counts[i] == 1)}; lost {len(lost)}; "
        f"twice {len(twice)}; wrong content {len(wrong)}; kiosk pending {status.pending}, "
        f"quarantined {status.quarantined}; final sync exit {done.returncode}"
    )
    ok = not lost and not twice and not wrong and status.pending == 0 and not status.quarantined
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
