"""The Zinnia recognizer (kiosk.devices.handwriting) on strokes drawn from stroke data:
张德明 and an address word come back among the top candidates; a missing engine is a
clear HandwritingUnavailable, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.devices import handwriting
from kiosk.devices.handwriting import HandwritingUnavailable, open_recognizer

DATA = json.loads((Path(__file__).parents[2] / "data" / "handwriting_strokes.json").read_text())
WIDTH, HEIGHT = DATA["pad"]


def _recognizer() -> handwriting.Recognizer:
    try:
        return open_recognizer()
    except HandwritingUnavailable as exc:  # setup.sh installs it; say so if not
        pytest.fail(f"handwriting engine missing (scripts/setup.sh installs it): {exc}")


@pytest.mark.parametrize("char", list("张德明石马镇街"))
def test_common_characters_are_in_the_top_five(char: str) -> None:
    found = _recognizer().recognize(DATA["characters"][char], width=WIDTH, height=HEIGHT)
    assert char in [c.char for c in found[:5]], [c.char for c in found]


def test_a_rare_character_outside_gb2312_is_reachable() -> None:
    recognizer = _recognizer()
    chinese_only = handwriting.Recognizer(handwriting.load_library(), handwriting.find_models()[:1])
    assert not chinese_only.knows("昇") and recognizer.knows("昇")
    found = recognizer.recognize(DATA["characters"]["昇"], width=WIDTH, height=HEIGHT)
    assert "昇" in [c.char for c in found[:5]]
    assert all(handwriting._is_ideograph(c.char) for c in found)  # no kana offered


@pytest.mark.parametrize("char", list("堃喆祎彧垚"))
def test_name_characters_outside_every_debian_model_are_reachable(char: str) -> None:
    """The kiosk's own 生僻字 model (assets/handwriting, scripts/build_handwriting_model.py)
    adds what GB 2312 and JIS X 0208 lack; written smaller and off-centre here."""
    recognizer = _recognizer()
    debian = [p for p in handwriting.find_models() if p.name != handwriting.RARE_MODEL]
    assert not handwriting.Recognizer(handwriting.load_library(), debian).knows(char)
    found = recognizer.recognize(DATA["characters"][char], width=WIDTH, height=HEIGHT)
    assert char in [c.char for c in found[:5]], [c.char for c in found]


def test_candidates_are_ranked_and_limited() -> None:
    found = _recognizer().recognize(DATA["characters"]["明"], width=WIDTH, height=HEIGHT, limit=4)
    assert len(found) == 4
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert _recognizer().recognize([[], []], width=WIDTH, height=HEIGHT) == []


def test_missing_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(handwriting, "SYSTEM_MODEL_DIRS", ())
    monkeypatch.setenv("KIOSK_HANDWRITING_MODELS", str(tmp_path))
    with pytest.raises(HandwritingUnavailable, match=r"handwriting-zh_CN\.model"):
        handwriting.find_models()


def test_missing_library_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handwriting, "LIBRARY_NAMES", ("libnot-zinnia.so.0",))
    monkeypatch.setattr(handwriting.ctypes.util, "find_library", lambda name: None)
    with pytest.raises(HandwritingUnavailable, match="libzinnia"):
        handwriting.load_library()
