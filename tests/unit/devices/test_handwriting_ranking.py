"""手写 candidates (kiosk.devices.handwriting, kiosk.devices.hanzi_lists): the 通用规范汉字表's
characters come before Japanese-model kanji, Ext-A and traditional forms (brk15h finding
6), never kana; strokes are normalised so small and off-centre writing reads (finding 8);
更多写法 give the 异体字 no model holds, and each of them prints (finding 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kiosk
from kiosk.devices import hanzi_lists
from kiosk.devices.handwriting import (
    HandwritingUnavailable,
    Recognizer,
    normalise_strokes,
    open_recognizer,
)
from kiosk.printable import printable

DATA_DIR = Path(__file__).parents[2] / "data"
DATA = json.loads((DATA_DIR / "handwriting_strokes.json").read_text())
WIDTH, HEIGHT = DATA["pad"]
# Ways of writing on the 400 px pad: (scale, dx, dy) applied to the character.
OFF_CENTRE = {
    "small, top left": (0.35, 10, 10),
    "small, bottom right": (0.35, 250, 250),
    "half size, right": (0.5, 195, 100),
    "tiny, bottom left": (0.2, 40, 300),
}


def _recognizer() -> Recognizer:
    try:
        return open_recognizer()
    except HandwritingUnavailable as exc:
        pytest.fail(f"handwriting engine missing (scripts/setup.sh installs it): {exc}")


def _moved(strokes: list[list[list[float]]], scale: float, dx: float, dy: float) -> list:
    return [[(x * scale + dx, y * scale + dy) for x, y in s] for s in strokes]


def test_the_common_list_ships_inside_the_package() -> None:
    assert hanzi_lists.COMMON_FILE.is_relative_to(Path(kiosk.__file__).parent)
    table = [
        line.strip()
        for line in (DATA_DIR / "tongyong_guifan.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert hanzi_lists.common_characters() == frozenset(table) and len(table) == 8105


@pytest.mark.parametrize("char", list("张德明石马镇街"))
def test_common_characters_come_before_every_other_ideograph(char: str) -> None:
    found = [
        c.char
        for c in _recognizer().recognize(DATA["characters"][char], width=WIDTH, height=HEIGHT)
    ]
    common = hanzi_lists.common_characters()
    tiers = [c not in common for c in found]
    assert tiers == sorted(tiers), found  # no 弳 before 张, no 犮 㠯 before 石
    assert char in found[:3], found
    assert all(hanzi_lists.is_ideograph(c) for c in found)  # never kana


def test_an_ideograph_outside_the_common_list_is_still_offered() -> None:
    found = [
        c.char
        for c in _recognizer().recognize(
            DATA["characters"]["马"], width=WIDTH, height=HEIGHT, limit=20
        )
    ]
    others = [c for c in found if c not in hanzi_lists.common_characters()]
    assert others and found.index(others[0]) > found.index("马"), found


def test_normalising_centres_and_scales_the_box_keeping_its_proportions() -> None:
    strokes = [[(10.0, 20.0), (50.0, 20.0)], [(30.0, 10.0), (30.0, 30.0)], []]
    out = normalise_strokes(strokes, width=400, height=300)
    xs = [x for s in out for x, _ in s]
    ys = [y for s in out for _, y in s]
    assert len(out) == 2 and [len(s) for s in out] == [2, 2]
    assert (min(xs) + max(xs)) / 2 == pytest.approx(200)
    assert (min(ys) + max(ys)) / 2 == pytest.approx(150)
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert width == pytest.approx(300 * 0.65) and height == pytest.approx(width / 2)
    assert normalise_strokes([[(5.0, 5.0)]], width=400, height=400) == [[(200.0, 200.0)]]


@pytest.mark.parametrize("way", list(OFF_CENTRE))
def test_small_and_off_centre_writing_is_recognised(way: str) -> None:
    """Before normalisation: 0 of 13 in the top five tiny, 1 small in the top left."""
    recognizer = _recognizer()
    missed = []
    for char, strokes in DATA["characters"].items():
        moved = _moved(strokes, *OFF_CENTRE[way])
        found = [c.char for c in recognizer.recognize(moved, width=WIDTH, height=HEIGHT)]
        if char not in found[:5]:
            missed.append((char, "".join(found[:5])))
    assert missed == []


def test_name_variants_no_model_holds_are_offered_and_print() -> None:
    recognizer = _recognizer()
    assert hanzi_lists.variants_of("吉") == ("𠮷",)
    assert hanzi_lists.variants_of("一") == ()
    assert not recognizer.knows("𠮷")
    table = hanzi_lists.name_variants()
    assert len(table) >= 10
    for base, variants in table.items():
        assert hanzi_lists.is_ideograph(base) and variants
        for variant in variants:
            assert variant != base and hanzi_lists.is_ideograph(variant)
            assert printable(variant, "姓名") == variant  # the print fonts draw it
