"""A program writing to the store (the touch screen saving, the sync worker, a backup's
write lock) does not make the read commands wait: opening the store and reading cases
take no write lock (break19c #7: ``cases list`` waited ~21 s for the busy timeout). What
writes — an export or ``audit export``, each audited — still waits for the lock."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from helpers import FORM_ID, example

from kiosk.cli import main
from kiosk.store.schema_stamp import DB_FILE


def test_reads_do_not_wait_behind_a_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "kiosk"
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    assert main(["--data-dir", str(root), "fill", FORM_ID, "--answers", str(answers)]) == 0
    number = capsys.readouterr().out.split()[1]
    (root / "forms" / "releases").mkdir(parents=True)  # as on a kiosk that pulled releases
    writer = sqlite3.connect(root / DB_FILE, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the write lock, held (WAL: readers go on)
    writer.execute("INSERT INTO meta (key, value) VALUES ('a writer', 'not yet committed')")
    try:
        for command in (
            ["cases", "list"],
            ["cases", "show", number],
            ["status"],
            ["qr", "key"],
            ["registry", "status"],
        ):
            started = time.monotonic()
            assert main(["--data-dir", str(root), *command]) == 0
            assert time.monotonic() - started < 5  # the busy timeout is 10 s
            out = capsys.readouterr().out
            assert "cases" not in command or number in out
    finally:
        writer.execute("ROLLBACK")
        writer.close()
