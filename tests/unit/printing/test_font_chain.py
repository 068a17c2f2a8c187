"""The font chain draws the 通用规范汉字表, Ext A-B and the GB 18030-2022 name characters;
what it cannot draw is refused at entry with a Chinese message naming the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from kiosk.fontchain import FONT_CHAIN, face_for, undrawable
from kiosk.forms.schema import Question
from kiosk.forms.values import coerce, display

DATA = Path(__file__).resolve().parents[2] / "data"
RARE = "𠮷䶮𡈽𪚥𫖮𬌗𬘡"


def test_every_character_of_the_tongyong_guifan_table_is_drawn() -> None:
    chars = [
        line.strip()
        for line in (DATA / "tongyong_guifan.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(chars) == 8105
    assert [c for c in chars if face_for(c) is None] == []


@pytest.mark.parametrize(
    ("first", "last"), [(0x3400, 0x4DBF), (0x20000, 0x2A6DF)], ids=["ext-a", "ext-b"]
)
def test_ext_a_and_ext_b_are_complete(first: int, last: int) -> None:
    assert [hex(cp) for cp in range(first, last + 1) if face_for(chr(cp)) is None] == []


def test_rare_name_characters_and_their_faces() -> None:
    assert undrawable("𠮷田堃犇昇喆" + RARE) == []
    assert face_for("张") == 0  # the primary face (Chinese Hei forms) first
    assert {face_for(c) for c in RARE} <= set(range(len(FONT_CHAIN)))


@pytest.mark.parametrize("bad", ["😀", "\ue000", "\U000f0001", "\u200d", "\x07"])
def test_emoji_private_use_and_invisible_characters_are_undrawable(bad: str) -> None:
    assert undrawable(f"张{bad}三") == [bad]


def test_entry_refuses_what_cannot_print_naming_the_field() -> None:
    q = Question(type="text", name="heir_name", label="这位继承人叫什么名字？", print_label="姓名")
    value, problems = coerce(q, "张三😀", today=date(2026, 1, 1), choices=[])
    assert value is None and problems[0].code == "text.unprintable"
    assert "「姓名」" in problems[0].message and "😀" in problems[0].message
    assert "U+1F600" in problems[0].message_en and "张三" not in problems[0].message_en
    value, problems = coerce(q, "𠮷田" + RARE, today=date(2026, 1, 1), choices=[])
    assert value == "𠮷田" + RARE and problems == []


@pytest.mark.parametrize(
    ("value_type", "raw", "shown"),
    [
        ("money", 4800, "4,800.00 元"),
        ("money", "4800.00", "4,800.00 元"),
        ("money", 4800.5, "4,800.50 元"),
        ("yes_no", True, "是"),
        ("yes_no", "false", "否"),
        ("yes_no", 0, "否"),
        ("integer", "85.0", "85岁"),
    ],
)
def test_a_calculated_value_prints_in_its_type(value_type: str, raw: object, shown: str) -> None:
    q = Question(
        type="calculate",
        name="x",
        calculation="1",
        result_type=value_type,
        unit="岁",  # type: ignore[arg-type]
    )
    assert display(q, raw, []) == shown


def test_each_rare_character_is_drawn_not_blank(tmp_path: Path) -> None:
    """Each character drawn alone in a box: the rendered box has ink in it."""
    import shutil
    import subprocess

    from PIL import Image

    from kiosk.printing.layout import register_font, text

    if shutil.which("pdftoppm") is None:
        pytest.skip("needs poppler-utils")
    register_font()
    pdf = tmp_path / "chars.pdf"
    c = Canvas(str(pdf), pagesize=(60 * len(RARE), 60))
    for i, ch in enumerate(RARE):
        text(c, 60 * i + 10, 15, ch, 40)
    c.save()
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-png", pdf, tmp_path / "p"], check=True)
    image = Image.open(next(tmp_path.glob("p-*.png"))).convert("L")
    for i, ch in enumerate(RARE):
        cell = image.crop((60 * i + 5, 5, 60 * i + 55, 55))
        dark = sum(1 for v in cell.tobytes() if v < 128)  # one byte a pixel in mode L
        assert dark > 40, f"{ch} drew {dark} dark pixels"
    out = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True)
    assert out.stdout.replace(" ", "").strip() == RARE  # ToUnicode right beyond the BMP
