"""Processes starting at once on a fresh root share one signing key (kiosk-server run
--workers 3 lost a worker to a shared temporary file name, and a last-writer-wins
replace could leave two workers signing with different keys)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from kiosk.device_identity import load_or_create_signing_key, public_key_b64


def _load(root: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    try:
        out.put(public_key_b64(load_or_create_signing_key(Path(root))))
    except Exception as exc:  # reported to the test
        out.put(f"error: {exc!r}")


def test_processes_starting_together_end_with_one_key(tmp_path: Path) -> None:
    fork = multiprocessing.get_context("fork")
    for attempt in range(5):
        root = tmp_path / f"home{attempt}"
        root.mkdir()
        out = fork.Queue()
        procs = [fork.Process(target=_load, args=(str(root), out)) for _ in range(8)]
        for p in procs:
            p.start()
        keys = [out.get(timeout=30) for _ in procs]
        for p in procs:
            p.join(30)
        assert not [k for k in keys if k.startswith("error")], keys
        assert len(set(keys)) == 1, keys
        assert public_key_b64(load_or_create_signing_key(root)) == keys[0]
        assert [f.name for f in (root / "keys").iterdir()] == ["signing.ed25519"]
