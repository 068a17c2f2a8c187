"""A data folder or store that cannot be used gets one line naming it, never a traceback,
and nothing is made in its place (b19's issue-19 break: a read-only disk, a file given as
--data-dir, a damaged or newer database, a device key that was removed)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import DataRootError, make_private_root, resolve_data_root
from kiosk.store.crypto import KEY_FILE
from kiosk.store.database import DB_FILE
from kiosk.store.uow import Store


def cli(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(root), *args])
    return code, capsys.readouterr().err


def made_store(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    Store.open(root).close()
    return root


def test_a_file_given_as_the_data_folder_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("x")
    code, err = cli(capsys, file, "cases", "list")
    assert code == 1 and err.startswith("error: data folder") and "is a file" in err
    assert "Traceback" not in err and file.read_text() == "x"


def test_an_empty_data_dir_is_refused_not_the_default_folder() -> None:
    with pytest.raises(DataRootError, match="--data-dir is empty"):
        resolve_data_root("")


def test_a_read_only_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ro"
    root.mkdir(mode=0o755)

    def read_only(*_: object, **__: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "chmod", read_only)  # a read-only mount refuses the chmod
    with pytest.raises(DataRootError, match=f"data folder {root} cannot be used: Read-only"):
        make_private_root(root)


def test_a_damaged_database_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = made_store(tmp_path)
    (root / DB_FILE).write_bytes(b"this is not a database" * 100)
    code, err = cli(capsys, root, "cases", "list")
    assert code == 1 and f"{root / DB_FILE} is damaged" in err and "Traceback" not in err


def test_a_database_from_a_newer_kiosk_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = made_store(tmp_path)
    with sqlite3.connect(root / DB_FILE) as db:
        db.execute("UPDATE alembic_version SET version_num = '0099_future'")
    code, err = cli(capsys, root, "cases", "list")
    assert code == 1 and "schema this kiosk version does not know" in err
    assert "Traceback" not in err


def test_a_removed_device_key_is_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = made_store(tmp_path)
    (root / KEY_FILE).unlink()
    code, err = cli(capsys, root, "cases", "list")
    assert code == 1 and f"{root / KEY_FILE} is missing" in err
    assert not (root / KEY_FILE).exists()  # no new key beside the old fields
