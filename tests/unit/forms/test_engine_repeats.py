"""Repeat groups in the engine: the heirs of the death-benefit form."""

from __future__ import annotations

import pytest
from helpers import APPLICANT_ID, DECEASED_ID, TODAY, catalogue, example, new_fill

from kiosk.forms.engine import FormFill
from kiosk.forms.schema import FormDefinition

HEIR_FIELDS = ["heir_name", "heir_id", "heir_relationship", "heir_agrees"]
HEIR_2 = {
    "heir_name": "张建国",
    "heir_id": "500111197205190317",
    "heir_relationship": "child",
    "heir_agrees": True,
}


def item_paths(index: int) -> list[str]:
    return [f"heirs[{index}].{f}" for f in HEIR_FIELDS]


def paths(fill: FormFill) -> list[str]:
    return [p.path for p in fill.pages()]


def test_each_item_adds_its_pages_after_the_list_page() -> None:
    fill = new_fill({"is_beneficiary": False})  # v3: heirs only without a beneficiary
    assert fill.add_item("heirs") == 0
    assert fill.add_item("heirs") == 1
    pages = paths(fill)
    start = pages.index("heirs") + 1
    assert pages[start : start + 8] == item_paths(0) + item_paths(1)
    assert pages[start + 8] == "pay_to_social_security_card"
    page = fill.pages()[start + 5]
    assert (page.repeat, page.index, page.question.name) == ("heirs", 1, "heir_id")


def test_next_and_previous_walk_across_items() -> None:
    fill = new_fill(example())  # three heirs
    nxt = fill.next_page
    prev = fill.previous_page
    assert nxt("is_beneficiary").path == "heirs"  # type: ignore[union-attr]
    assert nxt("heirs").path == "heirs[0].heir_name"  # type: ignore[union-attr]
    assert nxt("heirs[0].heir_agrees").path == "heirs[1].heir_name"  # type: ignore[union-attr]
    last = "pay_to_social_security_card"
    assert nxt("heirs[2].heir_agrees").path == last  # type: ignore[union-attr]
    assert prev(last).path == "heirs[2].heir_agrees"  # type: ignore[union-attr]
    assert prev("heirs[1].heir_name").path == "heirs[0].heir_agrees"  # type: ignore[union-attr]
    assert prev("heirs[0].heir_name").path == "heirs"  # type: ignore[union-attr]


def test_navigation_ends_and_unknown_pages() -> None:
    fill = new_fill(example())
    assert fill.next_page(None).path == "deceased_id"  # type: ignore[union-attr]
    assert fill.previous_page("deceased_id") is None
    assert fill.next_page("applicant_signature") is None
    # A page that no longer exists (an item was removed): resume where work is left.
    assert fill.next_page("heirs[7].heir_name") is None  # the example is complete
    assert fill.previous_page("heirs[7].heir_name") is None
    empty = new_fill()
    assert empty.next_page("heirs[0].heir_name").path == "deceased_id"  # type: ignore[union-attr]


def test_walking_next_from_the_start_visits_every_page_once() -> None:
    fill = new_fill(example())
    seen = []
    page = fill.next_page(None)
    while page is not None:
        seen.append(page.path)
        page = fill.next_page(page.path)
    assert seen == paths(fill)
    assert len(seen) == len(set(seen))


def test_removing_an_item_shifts_the_later_ones_up() -> None:
    fill = new_fill(example())
    names = [h["heir_name"] for h in fill.answers["heirs"]]
    fill.remove_item("heirs", 1)
    assert [h["heir_name"] for h in fill.answers["heirs"]] == [names[0], names[2]]
    assert "heirs[2].heir_name" not in paths(fill)
    assert fill.final_answers()["heirs"][1]["heir_name"] == names[2]
    fill.remove_item("heirs", 5)  # out of range: nothing happens
    assert len(fill.answers["heirs"]) == 2


def test_an_empty_item_must_be_filled_or_removed() -> None:
    fill = new_fill(example())
    i = fill.add_item("heirs")
    errors = [(p.path, p.problem.code) for p in fill.check_all()]
    assert errors == [(path, "required") for path in item_paths(i)]
    fill.remove_item("heirs", i)
    assert fill.check_all() == []


def test_item_answers_are_checked_against_the_top_level_answers() -> None:
    fill = new_fill(example())
    i = fill.add_item("heirs")
    for bad in (DECEASED_ID, APPLICANT_ID):
        problems = fill.set_answer(f"heirs[{i}].heir_id", bad)
        assert [(p.path, p.problem.code) for p in problems] == [
            (f"heirs[{i}].heir_id", "constraint")
        ]
        assert problems[0].problem.message_en == (
            "an heir's ID number repeats the deceased's or the applicant's"
        )
    # An heir already listed is refused too (unique: heir_id), another person is not.
    [twice] = fill.set_answer(f"heirs[{i}].heir_id", fill.answers["heirs"][0]["heir_id"])
    assert twice.problem.code == "repeat.unique" and "已经填过这位继承人" in twice.problem.message
    assert fill.set_answer(f"heirs[{i}].heir_id", "500111198001011238") == []
    [problem] = fill.set_answer(f"heirs[{i}].heir_agrees", False)
    assert problem.problem.message.startswith("要所有继承人都同意")
    assert "heir_agrees" not in fill.answers["heirs"][i]


def test_item_titles_number_the_items_from_one() -> None:
    fill = new_fill(example())
    repeat = fill.question("heirs")
    assert [fill.item_title(repeat, i) for i in range(3)] == [
        "第1位继承人",
        "第2位继承人",
        "第3位继承人",
    ]


def test_a_repeat_holds_at_most_its_max_items() -> None:
    fill = new_fill(example() | {"heirs": [HEIR_2] * 12})
    assert fill.check_page("heirs") == []
    fill.add_item("heirs")
    [problem] = fill.check_page("heirs")
    assert problem.problem.code == "repeat.max"
    assert problem.problem.message == "最多只能填12个。"


def test_no_heirs_is_a_complete_answer() -> None:
    fill = new_fill(example() | {"heirs": []})
    assert fill.check_all() == []
    assert "heirs" not in fill.final_answers()  # an empty repeat freezes as absent


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("heir_name", "question.path"),  # an item answer needs its item
        ("heirs[0].deceased_name", "question.path"),  # not a question of the item
        ("spouse[0].heir_name", "question.path"),
        ("heirs[1].heir_name", "question.path"),  # only item 0 exists: add_item first
        ("heirs[99999999999999999999].heir_name", "question.path"),  # never grows the list
        ("no_such_question", "question.unknown"),
    ],
)
def test_set_answer_refuses_paths_that_name_no_answer(path: str, code: str) -> None:
    fill = new_fill()
    fill.add_item("heirs")
    [problem] = fill.set_answer(path, "张三")
    assert (problem.path, problem.problem.code) == (path, code)
    assert fill.answers["heirs"] == [{}]
    assert "deceased_name" not in fill.answers


@pytest.mark.parametrize(
    "heirs",
    [
        "张建国",
        {"heir_name": "张建国"},
        ["张建国"],
        [HEIR_2, "张建国"],
    ],
)
def test_apply_answers_reports_a_badly_shaped_repeat(heirs: object) -> None:
    fill = new_fill()
    problems = fill.apply_answers(example() | {"heirs": heirs})
    assert [(p.path, p.problem.code) for p in problems] == [("heirs", "repeat.shape")]
    assert problems[0].problem.message_en == "a repeat needs a list of objects"


def test_apply_answers_reports_unknown_names_inside_items() -> None:
    fill = new_fill()
    heirs = [HEIR_2 | {"heir_age": 54, "deceased_name": "x"}]
    problems = fill.apply_answers(example() | {"heirs": heirs})
    assert sorted((p.path, p.problem.code) for p in problems) == [
        ("heirs[0].deceased_name", "question.unknown"),
        ("heirs[0].heir_age", "question.unknown"),
    ]
    assert fill.answers["heirs"] == [HEIR_2]


def test_apply_answers_names_the_item_of_a_bad_value() -> None:
    heirs = [HEIR_2, HEIR_2 | {"heir_id": "500111197205190318", "heir_relationship": "self"}]
    fill = new_fill()
    problems = fill.apply_answers(example() | {"heirs": heirs})
    # Types are checked as the document is read; rules once everything is in place.
    problems += [p for p in fill.check_all() if p.path not in {q.path for q in problems}]
    assert [(p.path, p.is_error) for p in problems] == [
        ("heirs[1].heir_id", True),
        ("heirs[1].heir_relationship", True),
    ]


# ----- prefill inside items (a small form of its own: the shipped one has none) ------------

MEMBERS_FORM = {
    "id": "household_members",
    "version": 1,
    "title": "家庭成员",
    "short_title": "家庭成员",
    "description": "test form",
    "department": "民政办",
    "subject": "head_id",
    "applicant": "head_id",
    "routing": [{"step": "civil_affairs", "desk": "民政办", "does": "审核"}],
    "questions": [
        {"type": "id_number", "name": "head_id", "label": "户主的身份证号码是多少？"},
        {
            "type": "repeat",
            "name": "members",
            "label": "家里还有谁？",
            "children": [
                {"type": "id_number", "name": "member_id", "label": "这位的身份证号码？"},
                {
                    "type": "date",
                    "name": "member_birth",
                    "label": "这位是哪天出生的？",
                    "prefill": {"from": "member_id", "field": "birth_date"},
                },
            ],
        },
    ],
}
MEMBER_IDS = ["500225195001010024", "500111197205190317", "500111197512010427"]
BIRTHS = ["1950-01-01", "1972-05-19", "1975-12-01"]


def members_fill() -> FormFill:
    form = FormDefinition.model_validate(MEMBERS_FORM)
    fill = FormFill(form, catalogue().lists, today=TODAY)
    for i, number in enumerate(MEMBER_IDS):
        assert fill.add_item("members") == i
        assert fill.set_answer(f"members[{i}].member_id", number) == []
    return fill


def test_an_items_id_number_prefills_that_item_only() -> None:
    fill = members_fill()
    assert [m["member_birth"] for m in fill.answers["members"]] == BIRTHS
    assert sorted(fill.prefilled) == [f"members[{i}].member_birth" for i in range(3)]


def test_prefill_marks_move_with_their_items_when_one_is_removed() -> None:
    fill = members_fill()
    fill.set_answer("members[2].member_birth", "1975-12-02")  # the person corrected it
    fill.remove_item("members", 0)
    assert fill.prefill_label("members[0].member_birth") == "身份证号码"
    assert list(fill.prefilled) == ["members[0].member_birth"]
    # The corrected answer (now item 1) is the person's: a new ID number leaves it alone.
    fill.set_answer("members[1].member_id", MEMBER_IDS[0])
    assert fill.answers["members"][1]["member_birth"] == "1975-12-02"
    sources = {r.path: r.source for r in fill.summary()}
    assert sources["members[0].member_birth"] == "身份证号码"
    assert sources["members[1].member_birth"] is None


@pytest.mark.parametrize("value", [None, "", [], [{"heir_name": "x"}]])
@pytest.mark.parametrize("path", ["heirs", "death_age", "declaration", "deceased"])
def test_containers_notes_and_calculations_take_no_answer(path: str, value: object) -> None:
    fill = new_fill(example())
    before = fill.final_answers()
    [problem] = fill.set_answer(path, value)
    assert problem.problem.code == "question.not_answerable"
    assert fill.final_answers() == before  # the heirs (and death_age) are still there
