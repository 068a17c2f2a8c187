"""Properties of the form engine on the death-benefit form (Hypothesis): the order of
answering does not matter, every date between birth and today is accepted, left-out
answers are reported exactly, and any input gives problems, never a crash."""

from __future__ import annotations

from datetime import date

from engine_cases import TOP_PAGES, paths
from helpers import DECEASED_ID, TODAY, example, new_fill
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.forms.engine import FormFill

# ----- property: the order of answering does not matter -----------------------------------

_EXAMPLE = example()
_TOP_NAMES = [k for k in _EXAMPLE if k != "heirs"]


def _answer_in_order(order: list[str]) -> FormFill:
    fill = new_fill()
    for name in order:
        assert fill.set_answer(name, _EXAMPLE[name]) == [], name
    for heir in _EXAMPLE["heirs"]:
        i = fill.add_item("heirs")
        for key, value in heir.items():
            assert fill.set_answer(f"heirs[{i}].{key}", value) == []
    return fill


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(_TOP_NAMES))
def test_any_answering_order_gives_the_same_final_answers(order: list[str]) -> None:
    expected = new_fill(_EXAMPLE).final_answers()
    fill = _answer_in_order(list(order))
    assert fill.final_answers() == expected
    assert fill.check_all() == []


@settings(max_examples=30, deadline=None)
@given(st.dates(min_value=date(1941, 3, 8), max_value=TODAY))
def test_any_death_date_between_birth_and_today_is_accepted(death: date) -> None:
    fill = new_fill()
    fill.set_answer("deceased_id", DECEASED_ID)
    assert fill.set_answer("death_date", death.isoformat()) == []
    age = fill.answers["death_age"]
    assert 0 <= age <= TODAY.year - 1941


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(_TOP_NAMES), max_size=5))
def test_leaving_out_answers_reports_exactly_those_as_required(left_out: set[str]) -> None:
    answers = {k: v for k, v in _EXAMPLE.items() if k not in left_out}
    fill = new_fill()
    assert fill.apply_answers(answers) == []
    expected = set(left_out)
    if "deceased_id" in left_out:  # nothing to prefill sex and birth date from
        expected |= {"deceased_sex", "deceased_birth_date"}
    if "pay_to_social_security_card" in left_out:  # the account pages are not asked yet
        expected -= {"bank_name", "bank_account", "account_is_applicants"}
    problems = fill.check_all()
    assert {p.path for p in problems} == expected
    assert all(p.problem.code == "required" for p in problems)
    # Reported in page order.
    order = paths(fill)
    assert [p.path for p in problems] == sorted(expected, key=order.index)


_ANY_PATH = st.sampled_from(
    [*TOP_PAGES, "death_reason_other", "account_holder", "death_age", "heirs[3].heir_name"]
    + [f"heirs[{i}].{f}" for i in range(3) for f in ("heir_name", "heir_id", "heir_agrees")]
)
_ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["2026-02-30", "2999-01-01", "other", "self", "否", "v03-0", DECEASED_ID]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_ANY_PATH, _ANY_VALUE), max_size=6))
def test_any_input_gives_problems_never_a_crash(steps: list[tuple[str, object]]) -> None:
    fill = new_fill(example())
    for path, value in steps:
        problems = fill.set_answer(path, value)
        assert all(p.path == path and p.problem.message for p in problems)
    fill.check_all()
    fill.summary()
    # Answering never adds or drops items (hidden by is_beneficiary, they are kept).
    assert len(fill.answers["heirs"]) == 3
