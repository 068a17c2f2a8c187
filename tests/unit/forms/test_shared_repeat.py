"""A bundle's shared repeat (the household asked once): copies, filters, sync, freeze, check."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers import catalogue

from kiosk.forms.bundle_compose import applicable, split_answers
from kiosk.forms.catalogue import DEFINITIONS_DIR, load_catalogue
from kiosk.forms.copy_items import match_items
from kiosk.forms.engine import FormFill
from kiosk.forms.paths import BadPath

TODAY = date(2026, 11, 20)
APPLICANT = "500111196802140153"
WIFE = "500111197008220249"  # 56 on TODAY
SON = "500111201206010372"  # 14 on TODAY
BUNDLE_FILE = DEFINITIONS_DIR / "bundles" / "family_hardship.v2.yaml"


def hardship() -> FormFill:
    cat = catalogue()
    fill = FormFill(cat.get("bundle.family_hardship", 2), cat.lists, today=TODAY)
    assert not fill.set_answer("applicant_id", APPLICANT)
    assert not fill.set_answer("needs", ["low_income"])
    return fill


def add_member(fill: FormFill, name: str, id_number: str, relationship: str) -> None:
    i = fill.add_item("household")
    for field, value in (
        ("member_name", name),
        ("member_id", id_number),
        ("member_relationship", relationship),
    ):
        assert not fill.set_answer(f"household[{i}].{field}", value)


def test_adults_are_copied_to_the_authorization_and_everyone_to_the_dibao_members() -> None:
    fill = hardship()
    add_member(fill, "谭素珍", WIFE, "spouse")
    add_member(fill, "冉小军", SON, "child")
    # The age comes from the copied ID number in each form's item, as if typed there.
    assert fill.items("household")[1]["member_age"] == 14
    adults = fill.items("consent__adults")
    assert adults == [
        {
            "consent__adult_name": "谭素珍",
            "consent__adult_id": WIFE,
            "consent__adult_relationship": "spouse",
        }
    ]
    members = fill.items("dibao__members")
    assert [m["dibao__member_id"] for m in members] == [WIFE, SON]
    assert [m["dibao__member_age"] for m in members] == [56, 14]


def test_the_copies_follow_changes_and_keep_each_members_own_answers() -> None:
    fill = hardship()
    add_member(fill, "谭素珍", WIFE, "spouse")
    add_member(fill, "冉小军", SON, "child")
    assert not fill.set_answer("dibao__members[0].dibao__member_health", "serious")
    assert not fill.set_answer("dibao__members[1].dibao__member_health", "healthy")
    # A corrected name: the same member (matched by the ID number) keeps the answer.
    assert not fill.set_answer("household[0].member_name", "谭素贞")
    assert fill.items("consent__adults")[0]["consent__adult_name"] == "谭素贞"
    assert fill.items("dibao__members")[0]["dibao__member_health"] == "serious"
    # The first member removed: the second's answers move up with that member.
    fill.remove_item("household", 0)
    assert fill.items("consent__adults") == []
    assert fill.items("dibao__members") == [
        {
            "dibao__member_name": "冉小军",
            "dibao__member_id": SON,
            "dibao__member_relationship": "child",
            "dibao__member_age": 14,
            "dibao__member_health": "healthy",
        }
    ]


def test_copied_fields_and_items_are_not_answered_in_the_form() -> None:
    fill = hardship()
    add_member(fill, "谭素珍", WIFE, "spouse")
    problems = fill.set_answer("dibao__members[0].dibao__member_name", "别人")
    assert [p.path for p in problems] == ["dibao__members[0].dibao__member_name"]
    with pytest.raises(BadPath):
        fill.add_item("dibao__members")
    with pytest.raises(BadPath):
        fill.remove_item("consent__adults", 0)
    paths = [p.path for p in fill.pages()]
    assert "household[0].member_name" in paths
    assert "dibao__members" not in paths and "consent__adults" not in paths
    assert "dibao__members[0].dibao__member_name" not in paths
    assert "dibao__members[0].dibao__member_health" in paths


def test_each_form_freezes_its_own_complete_repeat() -> None:
    cat = catalogue()
    fill = hardship()
    add_member(fill, "谭素珍", WIFE, "spouse")
    bundle = cat.bundles[("family_hardship", 2)]
    final = fill.final_answers()
    by_form = {bf.form: split_answers(bf, final) for bf in applicable(bundle, fill)}
    assert by_form["household_check_authorization"]["adults"] == [
        {"adult_name": "谭素珍", "adult_id": WIFE, "adult_relationship": "spouse"}
    ]
    member = by_form["minimum_living"]["members"][0]
    assert member["member_id"] == WIFE and member["member_age"] == 56
    # Each form's answers stand alone: its own form accepts them.
    own = FormFill(cat.get("household_check_authorization", 1), cat.lists, today=TODAY)
    assert not own.apply_answers(by_form["household_check_authorization"])
    assert own.items("adults")[0]["adult_id"] == WIFE


def test_a_draft_reopened_keeps_the_copies_in_step() -> None:
    cat = catalogue()
    fill = hardship()
    add_member(fill, "谭素珍", WIFE, "spouse")
    again = FormFill(
        cat.get("bundle.family_hardship", 2),
        cat.lists,
        today=TODAY,
        answers=fill.answers,
        prefilled=fill.prefilled,
    )
    assert again.answers == fill.answers


def test_a_derived_answer_is_frozen_as_the_forms_own() -> None:
    cat = catalogue()
    fill = hardship()
    assert not fill.set_answer("needs", ["low_income", "medical"])
    bundle = cat.bundles[("family_hardship", 2)]
    medical = next(bf for bf in bundle.forms if bf.form == "medical_assistance")
    paths = [p.path for p in fill.pages()]
    assert "medical__payout" not in paths and paths.count("pay_to_social_security_card") == 1
    for value, payout in ((True, "sscard"), (False, "bank")):
        assert not fill.set_answer("pay_to_social_security_card", value)
        assert split_answers(medical, fill.final_answers())["payout"] == payout
    # 家庭人口 is the household listed once, with the applicant.
    dibao = next(bf for bf in bundle.forms if bf.form == "minimum_living")
    assert int(split_answers(dibao, fill.final_answers())["household_size"]) == 1
    add_member(fill, "谭素珍", WIFE, "spouse")
    assert int(split_answers(dibao, fill.final_answers())["household_size"]) == 2


def test_matching_prefers_shared_values_then_blank_items_by_position() -> None:
    old = [{"n": "a", "i": "1", "x": 1}, {"n": "b", "i": "2", "x": 2}, {"x": 3}]
    wanted = [{"n": "b", "i": "2"}, {"n": "c", "i": "9"}, {"n": "a2", "i": "1"}]
    assert match_items(old, wanted, ["n", "i"]) == [1, None, 0]
    assert match_items([{"x": 1}, {"x": 2}], [{"n": "a"}, {"n": "b"}], ["n"]) == [0, 1]


def broken(tmp_path: Path, find: str, replace: str) -> list[str]:
    root = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, root)
    path = root / "bundles" / BUNDLE_FILE.name
    text = path.read_text(encoding="utf-8")
    assert text.count(find) == 1, find
    path.write_text(text.replace(find, replace), encoding="utf-8")
    cat, issues = load_catalogue([root])
    assert ("family_hardship", 2) not in cat.bundles
    return [str(i) for i in issues]


@pytest.mark.parametrize(
    ("find", "replace", "message"),
    [
        (
            "adult_name: member_name,",
            "adult_nom: member_name,",
            "adult_nom: not a field of the repeat 'adults'",
        ),
        (
            "adult_name: member_name,",
            "adult_name: member_nom,",
            "'member_nom' is not a field of 'household'",
        ),
        (
            "adult_name: member_name,",
            "adult_name: member_age,",
            "shared field is a number, the form's is a text",
        ),
        (
            "      adults:\n        from: household",
            "      adults:\n        from: needs",
            "'needs' is not a shared top-level repeat",
        ),
        (
            "      adults:\n        from: household",
            "      adult:\n        from: household",
            "not a top-level repeat of household_check_authorization v1",
        ),
        (
            "derive: {payout: \"if(${pay_to_social_security_card}, 'sscard', 'bank')\"}\n\n",
            "derive: {payout: \"if(${dibao__x}, 'sscard', 'bank')\"}\n\n",
            "derive.payout: ${dibao__x} is not a shared question",
        ),
        (
            'where: "${member_age} >= 18"',
            'where: "${dibao__member_age} >= 18"',
            "${dibao__member_age} is not a shared question",
        ),
        (
            "    max_items: 15\n    children:\n      - type: text\n        name: member_name",
            "    max_items: 30\n    children:\n      - type: text\n        name: member_name",
            "'household' allows more items (30) than the form's repeat (15)",
        ),
    ],
)
def test_broken_shared_repeats_are_reported(
    tmp_path: Path, find: str, replace: str, message: str
) -> None:
    issues = broken(tmp_path, find, replace)
    assert any(message in issue for issue in issues), issues
