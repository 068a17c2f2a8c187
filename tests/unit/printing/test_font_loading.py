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
