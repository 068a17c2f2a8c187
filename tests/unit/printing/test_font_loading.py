"""Fonts cost once per process and only when needed: the coverage tables come from a
cache on disk, and a fallback face is parsed only when a text needs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.fontchain import FONT_CHAIN, _parse_coverage, coverage

ROOT = Path(__file__).resolve().parents[3]


def test_the_cached_coverage_is_the_fonts_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_FONT_CACHE", str(tmp_path))
    coverage.cache_clear()
    try:
        parsed = frozenset(_parse_coverage(FONT_CHAIN[1]))
        assert coverage(1) == parsed  # parsed and written
        assert len(list(tmp_path.glob("*.cmap"))) == 1
        coverage.cache_clear()
        assert coverage(1) == parsed  # read back from the file
    finally:
        coverage.cache_clear()


def loaded_faces(text: str, cache: Path) -> list[str]:
    code = (
        "from reportlab.pdfbase import pdfmetrics\n"
        "from kiosk.printing.layout import wrap\n"
        f"wrap({text!r}, 10, 200)\n"
        "from kiosk.fontchain import FONT_CHAIN\n"
        "names = set(pdfmetrics.getRegisteredFontNames())\n"
        "print('|'.join(f.family for f in FONT_CHAIN if f.family in names))\n"
    )
    env = {"KIOSK_FONT_CACHE": str(cache), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().split("|")


def test_a_fallback_face_is_loaded_only_for_a_character_that_needs_it(tmp_path: Path) -> None:
    assert loaded_faces("张秀英 申请丧葬补助金", tmp_path) == [FONT_CHAIN[0].family]
    rare = loaded_faces("𠮷田", tmp_path)
    assert rare[0] == FONT_CHAIN[0].family and len(rare) == 2


@pytest.mark.parametrize(
    "damage",
    [
        b"",  # a crash before the data reached the disk
        b"\x00" * 4096,
        b"garbage!" * 100,  # a multiple of 4 bytes: the old format read it as code points
        None,  # the first half of a good file
        "old",  # the format before the check: bare code points
        "swapped",  # each face's good file copied onto the other's name (break19d #1)
    ],
)
def test_a_damaged_coverage_file_is_parsed_again_and_replaced(
    damage: bytes | str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """break19c #1: an emptied or overwritten cache dropped a name's rare characters
    from the paper and refused 张建国 at fill; the table's checksum catches it."""
    from kiosk.fontchain import undrawable

    monkeypatch.setenv("KIOSK_FONT_CACHE", str(tmp_path))
    coverage.cache_clear()
    try:
        parsed = [frozenset(_parse_coverage(FONT_CHAIN[i])) for i in (0, 1)]
        assert [coverage(0), coverage(1)] == parsed
        files = sorted(tmp_path.glob("*.cmap"))
        assert len(files) == 2
        good = [f.read_bytes() for f in files]
        for file, other in zip(files, reversed(good), strict=True):
            data = file.read_bytes()
            if damage == "swapped":
                file.write_bytes(other)
            elif damage is None:
                file.write_bytes(data[: len(data) // 2])
            elif damage == "old":
                file.write_bytes(b"".join(cp.to_bytes(4, sys.byteorder) for cp in (65, 66)))
            else:
                assert isinstance(damage, bytes)
                file.write_bytes(damage)
        coverage.cache_clear()
        assert [coverage(0), coverage(1)] == parsed
        assert undrawable("张建国 张𬌗䶮 李𠀾珺") == []
        assert [f.read_bytes() for f in files] == good  # replaced by a good file
    finally:
        coverage.cache_clear()
