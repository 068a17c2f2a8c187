"""A face's parsed metrics read from the font cache are the parser's own, attribute for
attribute; a damaged, cut-short or swapped metrics file is parsed again and replaced;
a cache that cannot be written only costs the parse (kiosk/printing/face_metrics.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase.ttfonts import TTFontFace, TTFontFile

from kiosk.fontchain import FONT_CHAIN, face_path
from kiosk.printing.face_metrics import MetricsFace, metrics_file

PRIMARY, EXT = FONT_CHAIN[0], FONT_CHAIN[1]  # a face in a collection, a single face


def _state(face: TTFontFace) -> dict[str, Any]:
    kept = {k: v for k, v in vars(face).items() if k not in ("_pdfScale", "_ttf_data")}
    kept["scaled"] = [face._pdfScale(v) for v in (0, 1, 1000, 2048, -256)]
    return kept


def _refuse_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(self: TTFontFile, charInfo: int = 1) -> None:
        raise AssertionError("parsed, though the metrics were cached")

    monkeypatch.setattr(TTFontFile, "extractInfo", parse)


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_FONT_CACHE", str(tmp_path / "fonts"))
    return tmp_path / "fonts"


@pytest.mark.parametrize("face", [PRIMARY, EXT], ids=lambda f: f.family)
def test_cached_metrics_are_the_parsers_own(face: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(face_path(face))
    parsed = TTFontFace(path, subfontIndex=face.subfont_index)
    first = MetricsFace(path, subfontIndex=face.subfont_index)  # parses, writes the file
    _refuse_parsing(monkeypatch)
    second = MetricsFace(path, subfontIndex=face.subfont_index)  # reads the file
    assert _state(first) == _state(parsed)
    assert _state(second) == _state(parsed)
    drawn = max(parsed.charToGlyph)  # the last character the face draws
    assert second.getCharWidth(drawn) == parsed.getCharWidth(drawn) > 0


def _primary_file() -> Path:
    path = face_path(PRIMARY)
    MetricsFace(str(path), subfontIndex=PRIMARY.subfont_index)
    return metrics_file(path, f"-{PRIMARY.subfont_index}")


def _other_face_file() -> Path:
    path = face_path(EXT)
    MetricsFace(str(path), subfontIndex=EXT.subfont_index)
    return metrics_file(path, "")


@pytest.mark.parametrize(
    "damage",
    [
        lambda f: f.write_bytes(b""),
        lambda f: f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2]),
        lambda f: f.write_bytes(f.read_bytes()[:-1] + b"\x00"),
        lambda f: f.write_bytes(b"KIOSKMETRICS-1\n" + b"0" * 64 + b"not a pickle"),
        lambda f: f.write_bytes(_other_face_file().read_bytes()),
    ],
    ids=["empty", "cut-short", "flipped-byte", "garbage", "another-face"],
)
def test_a_damaged_metrics_file_is_parsed_again_and_replaced(damage: Any) -> None:
    cached = _primary_file()
    whole = cached.read_bytes()
    damage(cached)
    path = str(face_path(PRIMARY))
    face = MetricsFace(path, subfontIndex=PRIMARY.subfont_index)
    assert _state(face) == _state(TTFontFace(path, subfontIndex=PRIMARY.subfont_index))
    assert cached.read_bytes() == whole  # replaced by a whole file


def test_a_cache_that_cannot_be_written_only_costs_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("KIOSK_FONT_CACHE", str(blocked / "fonts"))
    path = str(face_path(EXT))
    face = MetricsFace(path, subfontIndex=EXT.subfont_index)
    assert _state(face) == _state(TTFontFace(path, subfontIndex=EXT.subfont_index))


def test_a_changed_font_file_is_parsed_again(tmp_path: Path) -> None:
    copy = tmp_path / "face.ttf"
    copy.write_bytes(face_path(EXT).read_bytes())
    MetricsFace(str(copy))
    before = metrics_file(copy, "")
    copy.write_bytes(face_path(FONT_CHAIN[2]).read_bytes())  # another font, same name
    face = MetricsFace(str(copy))
    assert metrics_file(copy, "") != before
    assert _state(face) == _state(TTFontFace(str(copy)))


def test_printing_registers_its_faces_through_the_cache(cache: Path) -> None:
    import os
    import subprocess
    import sys

    register = "from kiosk.printing.pdf_fonts import register_fonts; register_fonts()"
    env = dict(os.environ, KIOSK_FONT_CACHE=str(cache))
    subprocess.run([sys.executable, "-c", register], check=True, env=env, timeout=120)
    assert metrics_file(face_path(PRIMARY), f"-{PRIMARY.subfont_index}").is_file()
