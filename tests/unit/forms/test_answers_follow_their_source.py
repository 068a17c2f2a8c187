"""What an answer was taken from decides how long it holds (家人去世 v5, btaps findings 1, 2):
an heir's 同意 belongs to that heir, not to the row, and a 户主 picked from the people
already known is cleared (with its source mark) when what it was picked from changes."""

from __future__ import annotations

from datetime import date

from helpers import catalogue

from kiosk.forms.engine import FormFill
from kiosk.forms.examples import example_answers
from kiosk.registry import demo

HEIRS = "family_heirs"
AGREES = [f"pension__heirs[{i}].pension__heir_agrees" for i in range(3)]
HEAD = "hukou__new_head_id"
STRANGER = "500111198001011238"  # valid, in no register
WANG_CUIFEN = demo.WANG_CUIFEN  # another registered person
LISTED = "本次填写的其他继承人"


def death_fill() -> FormFill:
    """家人去世 v5 on its example's answers: three heirs, each agreeing; 户主 李桂兰."""
    form = catalogue().get("bundle.death_in_family", 5)
    fill = FormFill(form, catalogue().lists, today=date(2026, 11, 20))
    assert not [p for p in fill.apply_answers(example_answers(form)) if p.is_error]
    assert [fill.value(p) for p in AGREES] == [True, True, True]
    return fill


def test_a_replaced_heirs_consent_is_cleared_and_the_others_kept() -> None:
    fill = death_fill()
    assert not fill.set_answer(f"{HEIRS}[2].heir_id", STRANGER)
    assert [fill.value(p) for p in AGREES] == [True, True, None]
    assert fill.value("pension__heirs[2].pension__heir_id") == STRANGER
    assert any(p.path == AGREES[2] and p.is_error for p in fill.check_all())
    # Another registered person in that row: asked again too.
    assert not fill.set_answer(AGREES[2], True)
    assert not fill.set_answer(f"{HEIRS}[2].heir_id", WANG_CUIFEN)
    assert fill.value(AGREES[2]) is None


def test_a_corrected_name_keeps_the_same_persons_consent() -> None:
    fill = death_fill()
    assert not fill.set_answer(f"{HEIRS}[1].heir_name", "张建华")
    assert [fill.value(p) for p in AGREES] == [True, True, True]


def test_a_head_picked_from_an_heir_goes_when_that_heir_changes() -> None:
    fill = death_fill()
    assert not fill.set_answer(HEAD, "500111197512010427")  # 张秀兰, heir 3
    fill.marks.put(HEAD, LISTED, (f"{HEIRS}[2].heir_id", "deceased_id"))
    assert not fill.set_answer(f"{HEIRS}[1].heir_name", "张建华")  # another heir: kept
    assert fill.value(HEAD) == "500111197512010427" and fill.prefill_label(HEAD) == LISTED

    assert not fill.set_answer(f"{HEIRS}[2].heir_id", STRANGER)
    assert fill.value(HEAD) is None and fill.prefill_label(HEAD) is None
    assert any(p.path == HEAD and p.is_error for p in fill.check_all())  # asked again


def test_a_head_picked_from_an_heir_goes_when_the_heir_is_removed() -> None:
    fill = death_fill()
    assert not fill.set_answer(HEAD, "500111197512010427")
    fill.marks.put(HEAD, LISTED, (f"{HEIRS}[2].heir_id", "deceased_id"))
    fill.remove_item(HEIRS, 0)  # an earlier heir: the pick follows its item
    assert fill.value(HEAD) == "500111197512010427"
    assert fill.prefilled[HEAD]["from"] == f"{HEIRS}[1].heir_id"
    fill.remove_item(HEIRS, 1)  # the picked heir
    assert fill.value(HEAD) is None and fill.prefill_label(HEAD) is None


def test_a_household_pick_goes_when_the_deceased_changes() -> None:
    fill = death_fill()
    assert not fill.set_answer(HEAD, "500111197205190317")  # 张建国
    fill.marks.put(HEAD, "公安户籍（派出所）", ("deceased_id",))
    assert not fill.set_answer("deceased_id", "500111196802140153")
    assert fill.value(HEAD) is None and fill.prefill_label(HEAD) is None


def test_a_typed_head_is_the_persons_answer_and_stays() -> None:
    fill = death_fill()
    assert not fill.set_answer(HEAD, "500111197205190317")  # typed: no mark
    assert not fill.set_answer(f"{HEIRS}[1].heir_id", STRANGER)
    assert fill.value(HEAD) == "500111197205190317"


def test_marks_with_several_origins_survive_a_reload() -> None:
    fill = death_fill()
    assert not fill.set_answer(HEAD, "500111197512010427")
    fill.marks.put(HEAD, LISTED, (f"{HEIRS}[2].heir_id", "deceased_id"))
    again = FormFill(
        fill.form,
        catalogue().lists,
        today=fill.today,
        answers=fill.answers,
        prefilled=fill.marks.snapshot(),
    )
    assert not again.set_answer("deceased_id", "500111196802140153")
    assert again.value(HEAD) is None


def test_the_same_heir_twice_is_refused() -> None:
    """``unique: heir_id`` on the heirs: a number already listed is refused, not saved."""
    fill = death_fill()
    problems = fill.set_answer(f"{HEIRS}[2].heir_id", "500111197205190317")  # heir 2's
    assert [p.problem.code for p in problems] == ["repeat.unique"]
    assert "已经填过这位继承人" in problems[0].problem.message
    assert fill.value(f"{HEIRS}[2].heir_id") == "500111197512010427"  # not saved
    # A whole answers document (the CLI) is told too, at the second one only.
    data = example_answers(fill.form)
    data[HEIRS][2]["heir_id"] = data[HEIRS][1]["heir_id"]
    again = FormFill(fill.form, catalogue().lists, today=fill.today)
    assert not [p for p in again.apply_answers(data) if p.is_error]  # rules come after
    refused = [p for p in again.check_all() if p.problem.code == "repeat.unique"]
    assert [p.path for p in refused] == [f"{HEIRS}[2].heir_id"]


def test_unique_names_a_question_of_its_repeat() -> None:
    import pytest
    from pydantic import ValidationError

    from kiosk.forms.schema import Question

    child = {"type": "text", "name": "who", "label": "谁？"}
    Question(type="repeat", name="people", label="哪些人？", unique="who", children=[child])
    with pytest.raises(ValidationError, match="unique names no question"):
        Question(type="repeat", name="people", label="哪些人？", unique="x", children=[child])


def test_one_name_per_id_number_across_the_bundle() -> None:
    """李桂兰 is heir 1 and the new 户主: her name corrected in one place is corrected in
    every place holding her number (the pension and 户口 forms never disagree)."""
    fill = death_fill()
    assert fill.value(HEAD) == fill.value(f"{HEIRS}[0].heir_id")
    fill.marks.put("hukou__new_head_name", "公安户籍（派出所）", (HEAD,))
    assert not fill.set_answer(f"{HEIRS}[0].heir_name", "李桂芳")
    assert fill.value("hukou__new_head_name") == "李桂芳"
    assert fill.prefill_label("hukou__new_head_name") is None  # no longer the register's
    assert fill.value("pension__heirs[0].pension__heir_name") == "李桂芳"
    assert fill.value(f"{HEIRS}[1].heir_name") == "张建国"  # another number: untouched
    assert not fill.set_answer("hukou__new_head_name", "李桂兰")  # and back, from the head
    assert fill.value(f"{HEIRS}[0].heir_name") == "李桂兰"


def test_an_heir_refixed_after_the_deceased_changed_agrees_anew() -> None:
    """The deceased corrected to heir 1's number makes heir 1 wrong; the heir fixed to
    another person is asked to agree again, the others keep theirs."""
    fill = death_fill()
    assert not fill.set_answer("deceased_id", "500225194512110049")  # heir 1's number
    assert any(p.path == f"{HEIRS}[0].heir_id" for p in fill.check_all() if p.is_error)
    assert not fill.set_answer(f"{HEIRS}[0].heir_id", STRANGER)
    assert [fill.value(p) for p in AGREES] == [None, True, True]
