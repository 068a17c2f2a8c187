"""Commands that read or change what a kiosk holds make nothing in a folder without a
store (a mistyped ``--data-dir`` left a new store and device key behind: break19c #4),
and a kiosk whose store was made once but is now missing or empty says to restore it
instead of starting an empty one under the same key and enrolment (break19c #5)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from helpers import FORM_ID, example, make_store

from kiosk.cli import main
from kiosk.config import DataRootError
from kiosk.store.schema_stamp import DB_FILE, STORE_MADE
from kiosk.store.uow import Store

READ_COMMANDS = [
    ["print", "261130-AAAAAAAA-001", "--out", "x.pdf"],
    ["cases", "list"],
    ["cases", "show", "261130-AAAAAAAA-001"],
    ["audit", "export", "--since", "2026-01-01"],
    ["receipt", "261130-AAAAAAAA-001", "--out", "r.pdf"],
    ["attachments", "261130-AAAAAAAA-001"],
    ["registry", "status"],
    ["status"],
    ["sync", "--once"],
    ["qr", "key"],  # a mistyped folder printed a new kiosk's key (break19d #6)
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_folder_without_a_store_is_one_line_and_stays_empty(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mistyped"
    folder.mkdir()
    assert main(["--data-dir", str(folder), *command]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no kiosk store at ") and "check --data-dir" in err
    assert list(folder.iterdir()) == []  # no store, no key, no log


def test_bundle_list_needs_no_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    assert main(["--data-dir", str(folder), "bundle", "list"]) == 0
    assert "death_in_family" in capsys.readouterr().out
    assert list(folder.iterdir()) == []


def _kiosk_with_a_case(root: Path) -> str:
    """A kiosk under ``root`` with one finalized case; the case's number."""
    answers = root.parent / "answers.json"
    answers.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    assert main(["--data-dir", str(root), "fill", FORM_ID, "--answers", str(answers)]) == 0
    assert (root / STORE_MADE).is_file()
    store = Store.open(root)
    try:
        with store.unit_of_work(read_only=True) as uow:
            return uow.cases.search()[0].number
    finally:
        store.close()


@pytest.mark.parametrize("loss", ["emptied", "deleted", "rm kiosk.sqlite3*", "no tables"])
def test_a_lost_store_is_refused_not_made_anew(
    loss: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "kiosk"
    _kiosk_with_a_case(root)
    db = root / DB_FILE
    for side in (db.with_name(DB_FILE + "-wal"), db.with_name(DB_FILE + "-shm")):
        side.unlink(missing_ok=True)
    if loss == "emptied":
        db.write_bytes(b"")
    elif loss == "deleted":
        db.unlink()
    elif loss == "no tables":  # break19e D2: a valid SQLite file, 4096 bytes, no schema
        db.unlink()
        empty = sqlite3.connect(db)
        empty.execute("CREATE TABLE x (a)")
        empty.execute("DROP TABLE x")
        empty.commit()
        empty.execute("VACUUM")
        empty.close()
    else:  # break19d #7: the glob took the marker too when it lay beside the database
        for path in root.glob(DB_FILE + "*"):
            path.unlink()
    capsys.readouterr()
    assert main(["--data-dir", str(root), "status"]) == 1
    err = capsys.readouterr().err
    assert "restore it from backup" in err
    assert "is empty" in err or "is missing" in err or "has no tables" in err
    with pytest.raises(DataRootError, match="restore it from backup"):
        Store.open(root)  # the touch screen's open says the same (本机暂时无法办理)
    if db.is_file():  # nothing made in its place
        check = sqlite3.connect(db)
        assert check.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        check.close()


def test_a_first_start_cut_short_is_made_again(tmp_path: Path) -> None:
    """A kiosk killed on its first start, after its key and before its store was made:
    no STORE_MADE, so the next start makes the store (a kiosk is never stuck there)."""
    root = make_store(tmp_path / "kiosk")
    (root / STORE_MADE).unlink()
    (root / DB_FILE).write_bytes(b"")
    Store.open(root).close()
    assert (root / DB_FILE).stat().st_size > 0 and (root / STORE_MADE).is_file()


def test_a_store_missing_a_column_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """break19c #9: stamped current but altered (a column dropped): SQLite's words in one
    line, no traceback, no statement or values."""

    root = tmp_path / "kiosk"
    _kiosk_with_a_case(root)
    db = sqlite3.connect(root / DB_FILE)
    db.execute("ALTER TABLE cases DROP COLUMN print_plan")
    db.commit()
    db.close()
    capsys.readouterr()
    assert main(["--data-dir", str(root), "cases", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the store could not be read or written (no such column")
    assert "SELECT" not in err and "Traceback" not in err


def test_a_pdf_to_a_full_or_closed_standard_output_is_one_line(tmp_path: Path) -> None:
    """break19d #8: ``--out -`` into /dev/full or a closed stdout gave a traceback; and
    nothing is audited as exported."""
    import os
    import subprocess
    import sys

    root = tmp_path / "kiosk"
    number = _kiosk_with_a_case(root)
    command = [sys.executable, "-m", "kiosk", "--data-dir", str(root), "print", number]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [*command, "--out", "-"], stdout=full, stderr=subprocess.PIPE, text=True, env=env
        )
    assert done.returncode == 1 and done.stderr.startswith("error: standard output: cannot")
    closed = subprocess.run(
        [*command, "--out", "-"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, env=env, pass_fds=(), preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert closed.returncode == 1 and "standard output is closed" in closed.stderr


def test_a_device_as_out_is_written_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """break19e D4: ``receipt --out /dev/full`` renamed a file onto the device (as root it
    replaced /dev/full) and said "wrote"; a full device is an error, and stays a device."""
    import os
    import stat

    root = tmp_path / "kiosk"
    number = _kiosk_with_a_case(root)
    capsys.readouterr()
    assert main(["--data-dir", str(root), "receipt", number, "--out", "/dev/full"]) == 1
    assert "/dev/full: cannot write" in capsys.readouterr().err
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert main(["--data-dir", str(root), "audit", "export", "--since", "2026-01-01",
                 "--out", "/dev/full"]) == 1  # fmt: skip
    assert "/dev/full: cannot write" in capsys.readouterr().err
