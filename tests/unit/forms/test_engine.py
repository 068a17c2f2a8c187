"""The form engine on the real death-benefit form: pages, visibility, checks, prefill, results."""

from __future__ import annotations

import pytest
from engine_cases import TOP_PAGES, paths
from helpers import APPLICANT_ID, DECEASED_ID, TODAY, example, new_fill

from kiosk.forms.engine import FormFill

ID_SOURCE = "身份证号码"
# Another synthetic valid ID number: female, born 1950-01-01.
OTHER_DECEASED_ID = "500225195001010024"


def labels(fill: FormFill) -> dict[str, str]:
    return {p: m["label"] for p, m in fill.prefilled.items()}


def codes(problems: list) -> list[tuple[str, str]]:
    return [(p.path, p.problem.code) for p in problems]


# ----- pages and visibility ---------------------------------------------------------------


def test_an_empty_form_has_one_page_per_question_in_form_order() -> None:
    fill = new_fill()
    assert paths(fill) == TOP_PAGES
    # Calculations never get a page; groups give their label as the section.
    assert "death_age" not in paths(fill)
    sections = {p.path: p.section for p in fill.pages()}
    assert sections["deceased_id"] == "去世的老人"
    assert sections["applicant_phone"] == "来办事的人"
    assert sections["pay_to_social_security_card"] == "钱打到哪里"
    # v3: the heirs are asked once the applicant is not the registered beneficiary, the
    # bank account once the money does not go to the 社保卡.
    fill.set_answer("is_beneficiary", False)
    fill.set_answer("pay_to_social_security_card", False)
    pages = paths(fill)
    assert pages[pages.index("is_beneficiary") + 1] == "heirs"
    assert pages[-5:-2] == ["bank_name", "bank_account", "account_is_applicants"]


def test_other_death_reason_shows_its_own_page_right_after() -> None:
    fill = new_fill(version=1)  # v1 still asked the cause of death
    assert not fill.visible("death_reason_other")
    assert fill.set_answer("death_reason", "other") == []
    assert fill.visible("death_reason_other")
    pages = paths(fill)
    assert pages[pages.index("death_reason") + 1] == "death_reason_other"
    fill.set_answer("death_reason", "illness")
    assert "death_reason_other" not in paths(fill)


def test_account_holder_is_asked_only_when_the_account_is_not_the_applicants() -> None:
    fill = new_fill()
    fill.set_answer("pay_to_social_security_card", False)
    assert "account_holder" not in paths(fill)
    fill.set_answer("account_is_applicants", "否")
    assert fill.answers["account_is_applicants"] is False
    assert paths(fill)[-3:] == ["account_holder", "declaration", "applicant_signature"]
    fill.set_answer("account_is_applicants", True)
    assert "account_holder" not in paths(fill)


def test_labels_can_be_given_instead_of_codes() -> None:
    fill = new_fill(version=1)
    assert fill.set_answer("death_reason", "其他原因") == []
    assert fill.answers["death_reason"] == "other"


# ----- required and constraints -----------------------------------------------------------


def test_a_required_question_left_empty_says_so_in_both_languages() -> None:
    fill = new_fill()
    [problem] = fill.check_page("deceased_name")
    assert problem.path == "deceased_name"
    assert problem.label == "老人叫什么名字？"
    assert problem.problem.code == "required"
    assert problem.problem.message == "这一题需要回答。"
    assert problem.problem.message_en == "an answer is required"
    assert problem.is_error


def test_an_optional_or_hidden_question_has_nothing_to_say() -> None:
    fill = new_fill(version=1)
    assert fill.check_page("declaration") == []  # a note
    # death_reason_other is required only when shown; check_all follows visibility.
    assert "death_reason_other" not in [p.path for p in fill.check_all()]
    fill.set_answer("death_reason", "other")
    assert ("death_reason_other", "required") in codes(fill.check_all())


def test_constraint_failure_carries_the_forms_messages() -> None:
    fill = new_fill()
    fill.set_answer("deceased_id", DECEASED_ID)
    problems = fill.set_answer("applicant_id", DECEASED_ID)
    assert codes(problems) == [("applicant_id", "constraint")]
    assert problems[0].problem.message == (
        "这是去世老人的号码。请输入来办事的家属自己的身份证号码。"
    )
    assert problems[0].problem.message_en == "the applicant's ID number is the deceased's"
    assert str(problems[0]) == "applicant_id: the applicant's ID number is the deceased's"


def test_a_rejected_answer_is_not_stored_and_keeps_the_previous_one() -> None:
    fill = new_fill()
    fill.set_answer("deceased_id", DECEASED_ID)
    assert fill.set_answer("applicant_id", APPLICANT_ID) == []
    assert codes(fill.set_answer("applicant_id", DECEASED_ID)) == [("applicant_id", "constraint")]
    assert fill.answers["applicant_id"] == APPLICANT_ID
    # A value the type rejects (broken checksum) is not stored either.
    problems = fill.set_answer("applicant_id", APPLICANT_ID[:-1] + "1")
    assert [p.is_error for p in problems] == [True]
    assert problems[0].problem.message  # Chinese words for the resident
    assert fill.answers["applicant_id"] == APPLICANT_ID


@pytest.mark.parametrize(
    ("death_date", "ok"),
    [
        ("2026-10-30", True),
        (TODAY.isoformat(), True),  # today is allowed
        ("2026-11-21", False),  # tomorrow
        ("1941-03-08", True),  # the birth day itself
        ("1941-03-07", False),  # before birth
    ],
)
def test_death_date_lies_between_birth_and_today(death_date: str, ok: bool) -> None:
    fill = new_fill()
    fill.set_answer("deceased_id", DECEASED_ID)  # birth date 1941-03-08 from the ID
    problems = fill.set_answer("death_date", death_date)
    if ok:
        assert problems == []
        assert fill.answers["death_date"] == death_date
    else:
        assert codes(problems) == [("death_date", "constraint")]
        assert problems[0].problem.message == "去世的日期不能晚于今天，也不能早于出生日期。"
        assert "death_date" not in fill.answers


def test_an_impossible_date_is_refused() -> None:
    fill = new_fill()
    problems = fill.set_answer("death_date", "2026-02-30")
    assert [p.path for p in problems] == ["death_date"]
    assert problems[0].is_error
    assert "death_date" not in fill.answers


def test_check_all_lists_every_missing_answer_in_page_order() -> None:
    fill = new_fill()
    problems = fill.check_all()
    required = [p.path for p in problems if p.problem.code == "required"]
    assert required == [p for p in TOP_PAGES if p not in ("heirs", "declaration")]
    assert fill.first_unfinished().path == "deceased_id"  # type: ignore[union-attr]
    assert new_fill(example()).check_all() == []


# ----- prefill ----------------------------------------------------------------------------


def test_the_id_number_prefills_sex_and_birth_date_with_their_source() -> None:
    fill = new_fill()
    fill.set_answer("deceased_id", DECEASED_ID)
    assert fill.answers["deceased_sex"] == "male"
    assert fill.answers["deceased_birth_date"] == "1941-03-08"
    assert labels(fill) == {"deceased_sex": ID_SOURCE, "deceased_birth_date": ID_SOURCE}
    # The registry fields (name, village) stay for the person to answer.
    assert "deceased_name" not in fill.answers


def test_a_persons_own_answer_is_never_overwritten_by_prefill() -> None:
    fill = new_fill()
    fill.set_answer("deceased_sex", "female")
    fill.set_answer("deceased_id", DECEASED_ID)
    assert fill.answers["deceased_sex"] == "female"
    assert "deceased_sex" not in fill.prefilled
    assert labels(fill) == {"deceased_birth_date": ID_SOURCE}


def test_changing_a_prefilled_answer_removes_its_mark() -> None:
    fill = new_fill()
    fill.set_answer("deceased_id", DECEASED_ID)
    fill.set_answer("deceased_birth_date", "1941-03-09")
    assert fill.answers["deceased_birth_date"] == "1941-03-09"
    assert "deceased_birth_date" not in fill.prefilled
    # A new ID number refreshes what is still prefilled, and leaves the person's answer.
    fill.set_answer("deceased_id", OTHER_DECEASED_ID)
    assert fill.answers["deceased_sex"] == "female"
    assert fill.prefill_label("deceased_sex") == ID_SOURCE
    assert fill.answers["deceased_birth_date"] == "1941-03-09"


def test_the_identified_resident_prefills_the_applicants_id() -> None:
    fill = new_fill(resident_id=APPLICANT_ID)
    assert fill.answers["applicant_id"] == APPLICANT_ID
    assert labels(fill) == {"applicant_id": ID_SOURCE}


def test_prefill_marks_show_in_the_summary() -> None:
    rows = {r.path: r for r in new_fill(example()).summary()}
    assert rows["deceased_sex"].source == ID_SOURCE
    assert rows["deceased_sex"].display == "男"
    assert rows["deceased_birth_date"].display == "1941年3月8日"
    assert rows["deceased_name"].source is None


# ----- calculation and results ------------------------------------------------------------


@pytest.mark.parametrize(
    ("death_date", "age"), [("2026-10-30", 85), ("2026-03-08", 85), ("2026-03-07", 84)]
)
def test_death_age_is_calculated_in_whole_years(death_date: str, age: int) -> None:
    answers = example() | {"death_date": death_date}
    fill = new_fill(answers)
    assert fill.answers["death_age"] == age
    assert fill.final_answers()["death_age"] == age


def test_death_age_follows_a_changed_answer_and_clears_when_unknown() -> None:
    fill = new_fill(example())
    fill.set_answer("deceased_birth_date", "1950-12-31")
    assert fill.answers["death_age"] == 75
    fill.set_answer("death_date", "")
    assert "death_age" not in fill.answers


def test_final_answers_drop_the_answers_of_hidden_questions() -> None:
    answers = example(1) | {
        "death_reason": "other",
        "death_reason_other": "摔了一跤",
        "account_is_applicants": False,
        "account_holder": "张建国",
    }
    fill = new_fill(answers, version=1)
    final = fill.final_answers()
    assert final["death_reason_other"] == "摔了一跤"
    assert final["account_holder"] == "张建国"
    fill.set_answer("death_reason", "illness")
    fill.set_answer("account_is_applicants", True)
    final = fill.final_answers()
    assert "death_reason_other" not in final
    assert "account_holder" not in final
    assert fill.answers["death_reason_other"] == "摔了一跤"  # kept in the draft, in case
    assert fill.check_all() == []


def test_final_answers_hold_what_applies_and_nothing_else() -> None:
    ex = example()
    final = new_fill(ex).final_answers()
    expected = set(ex) | {"deceased_sex", "deceased_birth_date", "death_age"}
    assert set(final) == expected
    assert final["heirs"] == ex["heirs"]


def test_summary_rows_follow_the_pages_with_sections_and_item_titles() -> None:
    fill = new_fill(example())
    rows = fill.summary()
    page_paths = [p for p in paths(fill) if p not in ("heirs", "declaration")]
    assert [r.path for r in rows] == page_paths
    by_path = {r.path: r for r in rows}
    assert by_path["heirs[0].heir_name"].item_title == "第1位继承人"
    assert by_path["heirs[2].heir_relationship"].item_title == "第3位继承人"
    assert by_path["heirs[2].heir_relationship"].display == "子女"
    assert by_path["heirs[0].heir_agrees"].display == "是"
    assert by_path["deceased_village"].display == "新店村4组"
    assert by_path["bank_account"].display == "6217 1700 0012 3456 780"
    assert by_path["applicant_signature"].display == "已签名"
    assert by_path["bank_name"].section == "钱打到哪里"
    assert by_path["deceased_id"].item_title is None


# ----- apply_answers ----------------------------------------------------------------------


def test_apply_answers_reports_unknown_names_and_keeps_going() -> None:
    fill = new_fill()
    answers = example() | {"nickname": "老张", "heir_name": "李四"}
    problems = fill.apply_answers(answers)
    assert sorted(codes(problems)) == [
        ("heir_name", "question.unknown"),
        ("nickname", "question.unknown"),
    ]
    assert problems[0].problem.message == "没有这一题。"
    assert fill.answers["deceased_name"] == "张德明"


def test_apply_answers_reports_every_bad_value_by_question() -> None:
    answers = example(1) | {
        "deceased_id": "500225194103080134",  # checksum broken
        "applicant_phone": "1389601234",  # one digit short
        "death_reason": "struck by lightning",
    }
    problems = new_fill(version=1).apply_answers(answers)
    errors = [p.path for p in problems if p.is_error]
    assert errors == ["deceased_id", "death_reason", "applicant_phone"]
