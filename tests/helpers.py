"""Shared test helpers: the death-benefit form, its example answers, a fixed clock.

Imported as ``helpers`` (tests/ is on sys.path through tests/conftest.py).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import struct
import zlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from kiosk.forms.catalogue import Catalogue, default_catalogue
from kiosk.forms.engine import FormFill
from kiosk.forms.examples import example_path
from kiosk.forms.schema import FormDefinition

FORM_ID = "pension_death_benefit"
# The death benefit's version whose paper walks five desks (村委会 → 民政办 → 卫生院 → 派出所
# → 社保所): the desk console's fixture. v3 (issue 16) goes to the 社保 offices only.
ROUTED_VERSION = 2
# A fixed local time (UTC+8) a few weeks after the example's death date (2026-10-30).
CST = timezone(timedelta(hours=8))
FIXED_NOW = datetime(2026, 11, 20, 10, 30, tzinfo=CST)
TODAY = FIXED_NOW.date()

# People of the example answers (synthetic, valid checksums).
DECEASED_ID = "500225194103080133"  # male, born 1941-03-08
APPLICANT_ID = "50011119681002024X"  # female, born 1968-10-02
DECEASED_NAME = "张德明"
APPLICANT_NAME = "张秀英"


def fixed_clock() -> datetime:
    return FIXED_NOW


@functools.cache
def catalogue() -> Catalogue:
    return default_catalogue()


@functools.cache
def shipped_policy_version() -> int:
    """The version of the shipped policy.yaml: a release the tests publish is a version
    above it (the shipped one is raised when parameters change; never assumed to be 1)."""
    policy = catalogue().policy
    assert policy is not None, "no shipped policy.yaml"
    return policy.version


def form(version: int | None = None) -> FormDefinition:
    """The death-benefit form: the newest version, or an older one (still loadable: v1 asked
    the cause and place of death, which v2 dropped as data the office does not use)."""
    return catalogue().get(FORM_ID, version)


def example_file(version: int | None = None) -> Path:
    return example_path(form(version))


def example(version: int | None = None) -> dict[str, Any]:
    """A fresh deep copy of the shipped example answers (tests may change it)."""
    data: dict[str, Any] = json.loads(example_file(version).read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def new_fill(
    answers: dict[str, Any] | None = None,
    *,
    today: date = TODAY,
    version: int | None = None,
    **kw: Any,
) -> FormFill:
    """An empty fill of the death-benefit form; ``answers`` applied (and checked) if given."""
    fill = FormFill(form(version), catalogue().lists, today=today, **kw)
    if answers is not None:
        problems = [p for p in fill.apply_answers(answers) if p.is_error]
        assert not problems, [str(p) for p in problems]
    return fill


def png_bomb(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` px (grey), with a few rows of data:
    a few hundred bytes that would inflate to gigabytes if decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width + 1) * 4)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def make_store(data_root: Path) -> Path:
    """A kiosk's store (and device key) under ``data_root``, as its first start makes them
    (``kiosk status`` only reads a store that exists); returns ``data_root``."""
    from kiosk.store.uow import Store

    Store.open(data_root).close()
    return data_root


def ui_env(**extra: str) -> dict[str, str]:
    """The environment for a kiosk UI started as a subprocess: speech recorded, not
    played, and Qt offscreen unless an X server (Xvfb) is there; ``extra`` added."""
    env = dict(os.environ, KIOSK_SPEECH="record", **extra)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env
