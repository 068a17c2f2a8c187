"""A store busy at start is waited for, not given up on (kiosk.services.startup,
issue 19's breaker: a 35 s lock left the kiosk saying 本机暂时无法办理 until restarted)."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from kiosk.config import DataRootError, StoreBusy
from kiosk.services.startup import open_when_free, store_is_busy


def _locked() -> OperationalError:
    return OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))


def test_busy_store_is_tried_again_until_it_opens() -> None:
    tries: list[int] = []
    done: Any = object()

    def open_once() -> Any:
        tries.append(1)
        if len(tries) == 1:
            raise StoreBusy("kiosk.sqlite3 is busy")
        if len(tries) == 2:
            raise _locked()  # a later step of opening met the lock
        return done

    assert open_when_free(open_once, stop=threading.Event(), retry_s=0) is done
    assert len(tries) == 3


def test_damage_is_not_waited_for() -> None:
    def open_once() -> Any:
        raise DataRootError("kiosk.sqlite3 is damaged")

    with pytest.raises(DataRootError, match="damaged"):
        open_when_free(open_once, stop=threading.Event(), retry_s=0)


def test_quitting_ends_the_wait() -> None:
    stop = threading.Event()

    def open_once() -> Any:
        stop.set()  # the app quits while the store is busy
        raise StoreBusy("busy")

    assert open_when_free(open_once, stop=stop, retry_s=60) is None


def test_what_counts_as_busy() -> None:
    assert store_is_busy(StoreBusy("x"))
    assert store_is_busy(_locked())
    try:
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.OperationalError as inner:
            raise RuntimeError("loading the demo data failed") from inner
    except RuntimeError as outer:
        assert store_is_busy(outer)
    assert not store_is_busy(DataRootError("damaged"))
    assert not store_is_busy(sqlite3.OperationalError("no such table: cases"))
