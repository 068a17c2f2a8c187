"""SMS texts of the desk console (kiosk.server.desk.sms): one segment of at most 70
characters; where to go is never cut, the list of materials is ("…等N项")."""

from __future__ import annotations

import pytest

from kiosk.server.desk.sms import MAX_CHARS, completed_text, needs_materials_text

HALL = "石马镇便民服务中心"
NUMBER = "261120-01-001"
LONG = [
    "居民死亡医学证明（推断）书或火化证明",
    "去世的人的身份证",
    "户口本",
    "其他继承人的身份证复印件和签字的同意书",
    "村里开的亲属关系证明原件",
    "收钱用的银行卡或存折",
]


def test_a_short_list_is_sent_whole() -> None:
    text = needs_materials_text(HALL, NUMBER, ["户口本", "火化证明原件"], "民政办")
    assert text == f"【{HALL}】您的办件{NUMBER}需补材料：户口本、火化证明原件。请带齐后到民政办。"


@pytest.mark.parametrize("count", [2, 3, 6])
@pytest.mark.parametrize(
    "where", ["民政办", "规划建设管理环保办", "新店村村委会", "石马社区居委会"]
)
def test_a_long_list_is_shortened_never_the_destination(count: int, where: str) -> None:
    text = needs_materials_text(HALL, NUMBER, LONG[:count], where)
    assert len(text) <= MAX_CHARS, text
    assert text.endswith(f"。请带齐后到{where}。") and NUMBER in text
    assert LONG[0] in text or "…" in text
    whole = f"【{HALL}】您的办件{NUMBER}需补材料：{'、'.join(LONG[:count])}。请带齐后到{where}。"
    if len(whole) > MAX_CHARS:
        assert f"等{count}项" in text


def test_names_too_long_for_one_segment_still_keep_the_number_and_the_place() -> None:
    huge = ["某" * 90]
    text = needs_materials_text(HALL, "261120-K7MQ9XAT-001", huge, "规划建设管理环保办")
    assert len(text) <= MAX_CHARS and text.endswith("请带齐后到规划建设管理环保办。")
    assert "等1项" not in text and "…" in text
    long_hall = "重庆市大足区石马镇人民政府便民服务中心（综合窗口）"
    text = needs_materials_text(long_hall, "261120-K7MQ9XAT-001", LONG, "规划建设管理环保办")
    assert len(text) <= MAX_CHARS, text
    assert "261120-K7MQ9XAT-001" in text and text.endswith("请带齐后到规划建设管理环保办。")


def test_nothing_named_still_says_where_to_ask() -> None:
    text = needs_materials_text(HALL, NUMBER, [], "民政办")
    assert text == f"【{HALL}】您的办件{NUMBER}需补材料，请到民政办问清。"


def test_completed_keeps_the_desks_words_when_they_fit() -> None:
    assert completed_text(HALL, NUMBER, "") == f"【{HALL}】您的办件{NUMBER}已办结。"
    short = completed_text(HALL, NUMBER, "丧葬补助金下月10日前到账")
    assert short.endswith("已办结。丧葬补助金下月10日前到账")
    long = completed_text(HALL, NUMBER, "丧葬补助金下月10日前到账" * 5)
    assert len(long) == MAX_CHARS and long.endswith("…") and "已办结" in long
