"""A store another program holds (b19 #7): ``kiosk status`` says in one line that it is
busy within seconds (it only reads), and a command that opens the store says busy, never
that the database is damaged. The lock is an exclusive transaction on a database in
rollback-journal mode (in WAL mode, the kiosk's own, readers are never blocked)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FORM_ID, example

from kiosk.cli import main
from kiosk.store.schema_stamp import DB_FILE


@pytest.fixture
def held(kiosk_home: Path, tmp_path: Path) -> Iterator[Path]:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    assert main(["fill", FORM_ID, "--answers", str(answers)]) == 0
    db = kiosk_home / DB_FILE
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("PRAGMA journal_mode=DELETE")
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield db
    finally:
        other.execute("COMMIT")
        other.close()


def test_status_on_a_held_store_says_busy_in_one_line_at_once(
    held: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    assert main(["status"]) == 1
    took = time.monotonic() - started
    err = capsys.readouterr().err
    assert took < 6, f"{took:.1f} s"
    assert err.count("\n") == 1 and "is busy" in err and str(held) in err
    assert "Traceback" not in err and "damaged" not in err


def test_a_command_opening_a_held_store_says_busy_not_damaged(
    held: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cases", "list"]) == 1  # waits the store's busy timeout first
    err = capsys.readouterr().err
    assert "is busy" in err and "damaged" not in err and err.count("\n") == 1
