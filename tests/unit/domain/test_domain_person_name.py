"""A person's name (b15 #12): digits and spaces between Chinese characters are refused
with a message naming the field; Latin letters are a doubt to confirm; · joins the parts
of a minority name (and the dots an input method offers become it)."""

from __future__ import annotations

import pytest

from kiosk.domain.person_name import MAX_NAME, check_name


@pytest.mark.parametrize("typed", ["张三3", "张三３", "3", "李4兰"])
def test_a_digit_is_refused_naming_the_field(typed: str) -> None:
    name, problems = check_name(typed, "死者姓名")
    assert name is None
    assert [p.code for p in problems] == ["name.digit"]
    assert problems[0].message.startswith("死者姓名") and problems[0].is_error
    assert typed not in problems[0].message_en


@pytest.mark.parametrize("typed", ["张 三", "阿卜杜热合曼 买买提明", "张　三"])
def test_a_space_between_chinese_characters_is_refused(typed: str) -> None:
    name, problems = check_name(typed, "继承人姓名")
    assert name is None and [p.code for p in problems] == ["name.space"]
    assert "继承人姓名" in problems[0].message and "·" in problems[0].message


@pytest.mark.parametrize("typed", ["John", "John Smith", "Ｊｏｈｎ", "张John"])
def test_latin_letters_are_a_doubt_not_a_refusal(typed: str) -> None:
    name, problems = check_name(typed, "申请人姓名")
    assert name == typed
    assert [(p.code, p.is_error) for p in problems] == [("name.latin", False)]


def test_a_minority_name_keeps_its_dot_and_other_dots_become_it() -> None:
    assert check_name("阿卜杜热合曼·买买提明", "姓名") == ("阿卜杜热合曼·买买提明", [])
    assert check_name("阿卜杜热合曼•买买提明", "姓名") == ("阿卜杜热合曼·买买提明", [])
    assert check_name("阿卜杜热合曼・买买提明", "姓名") == ("阿卜杜热合曼·买买提明", [])
    assert check_name("张德明", "姓名") == ("张德明", [])
    assert check_name("𠮷𪚥", "姓名") == ("𠮷𪚥", [])


def test_too_long_is_refused() -> None:
    name, problems = check_name("张" * (MAX_NAME + 1), "姓名")
    assert name is None and [p.code for p in problems] == ["name.too_long"]
    assert check_name("张" * MAX_NAME, "姓名")[0] == "张" * MAX_NAME
