"""Issue 16, tester's finding 6: a text naming a parameter whose value is not known reads
as a whole sentence for residents — the parameter's fallback, else "<label>以窗口告知为准"
— never "请在以窗口核定为准内申请"; the other sentences keep their values."""

from __future__ import annotations

from kiosk.forms.policy import Policy, resolve_texts

PARAMS = {
    "claim_days": {"label": "零星报销的申请期限", "value": None, "unit": "天",
                   "source": "待查", "confirmed": False},
    "grant_yuan": {"label": "丧葬补助金", "value": None, "unit": "元", "source": "待查",
                   "confirmed": False, "resident_fallback": "有没有丧葬补助金、发多少，请问社保所"},
    "min_age": {"label": "年龄", "value": 60, "unit": "周岁", "source": "条例",
                "confirmed": True},
}  # fmt: skip


def test_a_sentence_naming_an_unknown_value_is_replaced_whole() -> None:
    policy = Policy.model_validate({"district": "测试区", "version": 1, "parameters": PARAMS})
    text = "请在${policy:claim_days}内申请零星报销；年满${policy:min_age}可以办。"
    assert resolve_texts(text, policy) == "零星报销的申请期限以窗口告知为准；年满60周岁可以办。"
    text = "丧葬补助金：${policy:grant_yuan}。"
    assert resolve_texts(text, policy) == "有没有丧葬补助金、发多少，请问社保所。"
    assert "以窗口核定为准内" not in resolve_texts("最迟${policy:claim_days}内申请", policy)


def test_residents_never_read_the_staff_mark() -> None:
    from kiosk.forms.catalogue import default_catalogue
    from kiosk.forms.policy import for_residents
    from kiosk.printing.sheet import rules_lines

    assert for_residents("个人账户继承没有期限（待核实）") == "个人账户继承没有期限"
    assert for_residents("免费（以区残联规定为准，待核实）") == "免费（以区残联规定为准）"
    assert for_residents("待核实") == ""
    catalogue = default_catalogue()
    printed = [line for form in catalogue.forms.values() for line in rules_lines(form)]
    assert printed and not [line for line in printed if "待核实" in line]
