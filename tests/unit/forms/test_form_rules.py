"""Each form's special rules: bad data gives the field's own message, good data passes."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import TODAY, catalogue

from kiosk.domain.idcard import make_id_number
from kiosk.forms.engine import AnswerProblem, FormFill
from kiosk.forms.examples import example_answers
from kiosk.forms.schema import FormDefinition


def fill_of(form: FormDefinition, answers: dict[str, Any]) -> list[AnswerProblem]:
    """Every error of a whole answers document, as `kiosk fill` reports them."""
    fill = FormFill(form, catalogue().lists, today=TODAY)
    problems = [p for p in fill.apply_answers(answers) if p.is_error]
    reported = {p.path for p in problems}  # a rejected value also reads as missing
    return problems + [p for p in fill.check_all() if p.is_error and p.path not in reported]


def example(form_id: str, **changes: Any) -> tuple[FormDefinition, dict[str, Any]]:
    form = catalogue().get(form_id)
    return form, example_answers(form) | changes


def only_problem(problems: list[AnswerProblem], path: str) -> AnswerProblem:
    assert [p.path for p in problems] == [path], [str(p) for p in problems]
    return problems[0]


def born_years_ago(years: int, *, days: int = 0, male: bool = True) -> str:
    birth = TODAY.replace(year=TODAY.year - years)
    birth = birth.fromordinal(birth.toordinal() + days)
    return make_id_number("500111", birth, 11 if male else 12)


# ----- pension_claim: age ≥ 60; contribution years a staff check ------------------------


def test_pension_claim_refuses_someone_under_sixty() -> None:
    form, answers = example("pension_claim", applicant_id=born_years_ago(60, days=1))
    p = only_problem(fill_of(form, answers), "applicant_birth_date")
    assert p.problem.message == form_question(form, "applicant_birth_date").constraint_message
    assert "60" in p.problem.message


def test_pension_claim_accepts_the_sixtieth_birthday() -> None:
    form, answers = example("pension_claim", applicant_id=born_years_ago(60))
    assert fill_of(form, answers) == []


@pytest.mark.parametrize("met", [True, False])
def test_pension_claim_contribution_years_are_a_staff_check_not_a_refusal(met: bool) -> None:
    """国发〔2014〕8号 art. 7: older cohorts pay fewer years, arrears may be paid, so the
    records' "not met" is printed for 社保所 to check, never a refusal (issue 16 point 3)."""
    form, answers = example("pension_claim", contribution_met=met)
    assert fill_of(form, answers) == []
    fill = FormFill(form, catalogue().lists, today=TODAY)
    fill.apply_answers(answers)
    check = fill.answers["staff_contribution_check"]
    assert (check == "参保记录显示已符合") is met
    assert met or "待社保所" in check


def test_pension_claim_asks_for_the_certificate_only_without_a_record() -> None:
    form, answers = example("pension_claim", only_child_registered=False)
    fill = FormFill(form, catalogue().lists, today=TODAY)
    fill.apply_answers(answers)
    needed = {m.id for m in form.materials if not m.relevant or fill.holds(m.relevant)}
    assert "only_child_certificate" in needed
    fill.set_answer("only_child_registered", True)
    needed = {m.id for m in form.materials if not m.relevant or fill.holds(m.relevant)}
    assert "only_child_certificate" not in needed


# ----- elderly_allowance: the threshold comes from the district policy (policy.yaml) -----------


def test_elderly_allowance_refuses_someone_under_the_threshold() -> None:
    form, answers = example("elderly_allowance", elder_id=born_years_ago(79, male=False))
    p = only_problem(fill_of(form, answers), "elder_birth_date")
    assert p.problem.message.startswith("高龄津贴要年满80周岁")


def test_elderly_allowance_threshold_is_the_policy_parameter() -> None:
    form, answers = example("elderly_allowance", elder_id=born_years_ago(79, male=False))
    policy = form.policy
    assert policy.expression_value("elderly_allowance_min_age") == 80
    param = policy.get("elderly_allowance_min_age").model_copy(update={"value": 75})
    lowered_policy = policy.model_copy(
        update={"parameters": {**policy.parameters, "elderly_allowance_min_age": param}}
    )
    lowered = form.model_copy().with_policy(lowered_policy, form.policy_names)
    assert fill_of(lowered, answers) == []


def test_elderly_allowance_proxy_needs_a_relationship() -> None:
    form, answers = example("elderly_allowance")
    del answers["proxy_relationship"]
    p = only_problem(fill_of(form, answers), "proxy_relationship")
    assert p.problem.code == "required"


# ----- disability_card: a guardian for minors and for 智力 / 精神 ---------------------------------


def adult_without_guardian(category: str) -> tuple[FormDefinition, dict[str, Any]]:
    form, answers = example(
        "disability_card", person_id=born_years_ago(40), disability_category=category
    )
    for name in ("guardian_id", "guardian_name", "guardian_relationship", "guardian_phone"):
        answers.pop(name)
    answers["person_phone"] = "13512345678"
    # An adult is asked what the 申请表 asks from 16 and 18 (v2, issue 16).
    answers |= {"marital_status": "married", "employment": "farming"}
    return form, answers


@pytest.mark.parametrize("category", ["5", "6"])
def test_intellectual_or_mental_disability_needs_a_guardian(category: str) -> None:
    form, answers = adult_without_guardian(category)
    problems = fill_of(form, answers)
    guardian = [p for p in problems if p.path == "guardian_id"]
    assert guardian, [str(p) for p in problems]
    expected = form_question(form, "guardian_id").required_message
    assert guardian[0].problem.message == expected
    assert "监护人" in guardian[0].problem.message


def test_a_minor_needs_a_guardian_whatever_the_category() -> None:
    form, answers = example("disability_card", disability_category="4")
    answers.pop("guardian_id")
    problems = fill_of(form, answers)
    assert [p.path for p in problems] == ["guardian_id"]


def test_an_adult_with_a_physical_disability_applies_alone() -> None:
    form, answers = adult_without_guardian("4")
    assert fill_of(form, answers) == []


def test_multiple_disability_names_at_least_two_categories() -> None:
    form, answers = example("disability_card", disability_category="7", multiple_categories=["4"])
    p = only_problem(fill_of(form, answers), "multiple_categories")
    assert p.problem.message == "多重残疾要选两种或两种以上。"


# ----- minimum_living: household members ---------------------------------------------------------


def test_a_household_member_without_relationship_gets_its_own_message() -> None:
    form, answers = example("minimum_living")
    del answers["members"][0]["member_relationship"]
    p = only_problem(fill_of(form, answers), "members[0].member_relationship")
    assert p.problem.message == "请选这位家人是您的什么人，比如配偶、子女。"


def test_income_by_type_asks_only_the_chosen_types() -> None:
    form, answers = example("minimum_living", income_types=["farming", "wages"])
    p = only_problem(fill_of(form, answers), "income_wages")
    assert p.problem.code == "required"


def test_income_total_adds_the_types() -> None:
    form, answers = example("minimum_living")
    fill = FormFill(form, catalogue().lists, today=TODAY)
    fill.apply_answers(answers)
    assert fill.answers["income_total"] == "4800.00"


# ----- temporary_assistance, welfare_stop ---------------------------------------------------


def test_urgent_assistance_asks_why() -> None:
    form, answers = example("temporary_assistance")
    del answers["urgent_reason"]
    assert only_problem(fill_of(form, answers), "urgent_reason").problem.code == "required"


def test_assistance_event_cannot_be_in_the_future() -> None:
    form, answers = example("temporary_assistance", event_date="2026-12-01")
    p = only_problem(fill_of(form, answers), "event_date")
    assert p.problem.message == "日期不能晚于今天。"


def test_welfare_stop_needs_something_to_stop() -> None:
    stops = "elderly_allowance dibao disability_living disability_care family_planning special_care"
    nothing = {f"stop_{name}": False for name in stops.split()}
    form, answers = example("welfare_stop", **nothing)
    p = only_problem(fill_of(form, answers), "stop_special_care")
    assert p.problem.message.startswith("上面这些待遇一样都没有在领")


def form_question(form: FormDefinition, name: str) -> Any:
    from kiosk.forms.checks import walk

    return next(q for q, _ in walk(form.questions) if q.name == name)
