"""One check for every text that reaches paper (kiosk.printable): NFC first, then the
font chain; the refusal says what is wrong with which character."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.config import ConfigError, Settings, load_settings
from kiosk.forms.schema import Question
from kiosk.forms.values import coerce
from kiosk.printable import UnprintableText, kind, printable


@pytest.mark.parametrize("ch", ["\U00031350", "\U0002ebf0"], ids=["ext-h", "ext-i"])
def test_a_character_the_fonts_lack_is_named_as_a_character(ch: str) -> None:
    with pytest.raises(UnprintableText) as caught:
        printable(f"张{ch}", "姓名")
    assert kind(ch) == "missing"
    assert f"「姓名」里的“{ch}”字暂时打印不出来" in caught.value.message
    assert "看不见" not in caught.value.message


@pytest.mark.parametrize(
    ("ch", "words"),
    [
        ("😀", "是表情符号"),
        ("🇨", "是表情符号"),
        ("\ue000", "私人造字"),
        ("\U000f0000", "私人造字"),
        ("\uffff", "不是文字的编码"),
        ("\u200b", "看不见的字符"),
        ("\ufeff", "看不见的字符"),
        ("\u202e", "看不见的字符"),
        ("\x07", "看不见的字符"),
        ("\ufe0f", "看不见的字符"),
    ],
    ids=["emoji", "flag", "pua", "pua-supp", "nonchar", "zwsp", "bom", "rlo", "bel", "vs16"],
)
def test_each_kind_has_its_own_words(ch: str, words: str) -> None:
    with pytest.raises(UnprintableText) as caught:
        printable(f"张{ch}三", "姓名", "name")
    message = caught.value.message
    assert words in message and "「姓名」" in message
    others = {"是表情符号", "私人造字", "不是文字的编码", "看不见的字符", "字暂时打印不出来"}
    assert not [w for w in others - {words} if w in message]
    assert f"U+{ord(ch):04X}" in caught.value.message_en
    assert "张" not in caught.value.message_en  # code points only, never the text


def test_text_is_normalised_to_nfc() -> None:
    assert printable("Lu\u0308 Wei", "姓名") == "Lü Wei"
    q = Question(type="text", name="heir_name", label="叫什么名字？", print_label="姓名")
    value, problems = coerce(q, "Lu\u0308 Wei", today=date(2026, 1, 1), choices=[])
    # Kept as NFC; Latin letters in a name only ask (name.latin, a warning: b15 #12).
    assert value == "Lü Wei" and [p.code for p in problems] == ["name.latin"]
    assert all(p.severity == "warning" for p in problems)


def test_an_answer_with_an_ext_h_character_says_which_character() -> None:
    q = Question(type="text", name="heir_name", label="叫什么名字？", print_label="姓名")
    value, problems = coerce(q, "张\U00031350", today=date(2026, 1, 1), choices=[])
    assert value is None and "「姓名」里的“\U00031350”字暂时打印不出来" in problems[0].message
    assert "看不见" not in problems[0].message


def test_the_hall_name_on_every_page_is_checked_too(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text(
        'device_name = "石马镇😀中心 帮办机"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"device_name: .*U\+1F600"):
        load_settings(tmp_path)
    assert Settings(device_name="Lu\u0308 中心").device_name == "Lü 中心"
