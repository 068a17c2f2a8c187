"""Issue 10: the frozen answers are what the resident gave and what applies, by every path.

Each test stands for a kind of defect: hidden answers counting, paths disagreeing,
drafts after a form update, retried commands, reprints judged on another day.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import CST, FIXED_NOW, catalogue

from kiosk.cli import main
from kiosk.domain.case_hash import content_hash
from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.engine import FormFill
from kiosk.forms.examples import example_answers
from kiosk.forms.paths import parse_path
from kiosk.services import cases
from kiosk.services.context import KioskContext, open_kiosk

FORMS = sorted({fid for fid, _ in catalogue().forms})


def _example(form_id: str) -> dict[str, Any]:
    return example_answers(catalogue().get(form_id))


def _value_at(answers: dict[str, Any], path: str) -> Any:
    name, inst = parse_path(path)
    here: Any = answers
    for repeat, index in inst:
        here = here[repeat][index]
    return here.get(name)


def _page_by_page(ctx: KioskContext, form_id: str, answers: dict[str, Any]) -> str:
    """Fill a draft the way the screens do: visible pages in order, items added as listed."""
    draft = cases.start_case(ctx, form_id)
    case_id = draft.case.id
    fill: FormFill = draft.fill
    done: set[str] = set()
    for _ in range(400):
        page = next((p for p in fill.pages() if p.path not in done), None)
        if page is None:
            break
        done.add(page.path)
        if page.question.type == "repeat":
            wanted = _value_at(answers, page.path) or []
            for _ in range(len(wanted) - len(fill.items(page.path))):
                fill = cases.add_item(ctx, case_id, page.path).draft.fill
            continue
        value = _value_at(answers, page.path)
        if value is not None:
            result = cases.answer(ctx, case_id, page.path, value)
            assert result.ok, [str(p) for p in result.problems]
            fill = result.draft.fill
    return cases.finalize_case(ctx, case_id).id


@pytest.mark.parametrize("form_id", FORMS)
def test_every_path_freezes_the_same_answers_and_hash(
    ctx: KioskContext, form_id: str, tmp_path: Path
) -> None:
    answers = _example(form_id)
    by_fill = cases.fill_case(ctx, form_id, answers)
    reversed_doc = dict(reversed(list(answers.items())))  # key order does not matter
    by_reversed = cases.fill_case(ctx, form_id, reversed_doc)
    # The screens refuse a second claim for the same subject on one kiosk: another kiosk.
    other = open_kiosk(tmp_path / "other", catalogue=ctx.catalogue, clock=ctx.clock)
    try:
        by_pages = cases.show_case(other, _page_by_page(other, form_id, answers))
    finally:
        other.close()
    shown = [cases.show_case(ctx, c) for c in (by_fill.id, by_reversed.id)] + [by_pages]
    assert shown[0].answers == shown[1].answers == shown[2].answers
    assert shown[0].content_hash == shown[1].content_hash == shown[2].content_hash


def test_a_hidden_income_never_counts(ctx: KioskContext) -> None:
    answers = _example("minimum_living")
    assert "wages" not in answers["income_types"]
    summary = cases.fill_case(ctx, "minimum_living", answers | {"income_wages": 30000})
    frozen = cases.show_case(ctx, summary.id).answers
    assert frozen["income_total"] == "4800.00"
    assert "income_wages" not in frozen


def test_adding_an_item_recalculates_what_counts_items(ctx: KioskContext) -> None:
    draft = cases.start_case(ctx, "pension_death_benefit")
    draft = cases.answer(ctx, draft.case.id, "is_beneficiary", False).draft  # v3: heirs count
    assert "heirs_consent" not in {m.id for m in draft.fill.materials()}
    fill = cases.add_item(ctx, draft.case.id, "heirs").draft.fill
    assert "heirs_consent" in {m.id for m in fill.materials()}  # count(${heirs}) > 0


def test_fill_with_a_case_id_is_safe_to_retry(ctx: KioskContext, tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(_example("elderly_allowance"), ensure_ascii=False), "utf-8")
    home = ["--data-dir", str(ctx.data_root)]
    case_id = "7C9E6679-7425-40DE-944B-E07FC1F90AE7"  # any spelling of a UUID
    args = [*home, "fill", "elderly_allowance", "--answers", str(answers), "--case-id", case_id]
    assert main(args) == 0
    assert main(args) == 0  # "already exists", nothing created
    found = [c for c in cases.list_cases(ctx) if c.form_id == "elderly_allowance"]
    assert [c.id for c in found] == [case_id.lower()]


def test_a_retry_with_other_answers_is_refused(ctx: KioskContext, tmp_path: Path) -> None:
    first = _example("elderly_allowance")
    case_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    cases.fill_case(ctx, "elderly_allowance", first, case_id=case_id)
    other = dict(first)
    other["contact_phone"] = "13900001111"
    with pytest.raises(cases.CaseExists) as caught:
        cases.fill_case(ctx, "elderly_allowance", other, case_id=case_id)
    assert not caught.value.same_content


@pytest.mark.parametrize("amount", ["1" * 40, "1e30", "1E3", "nan", "inf", "12.345", "-5", "¥-0.5"])
def test_bad_money_is_an_answer_problem_not_a_traceback(
    amount: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = _example("minimum_living") | {"income_farming": amount}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    code = main(
        ["--data-dir", str(tmp_path / "home"), "fill", "minimum_living", "--answers", str(path)]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "income_farming" in err and "Traceback" not in err


def test_minus_zero_money_is_refused(ctx: KioskContext) -> None:
    answers = _example("minimum_living") | {"income_farming": "-0"}
    with pytest.raises(cases.InvalidAnswers) as caught:
        cases.fill_case(ctx, "minimum_living", answers)
    assert [p.problem.code for p in caught.value.problems] == ["number.minus_zero"]


def test_finalized_at_is_the_kiosks_clock(ctx: KioskContext) -> None:
    summary = cases.fill_case(ctx, "elderly_allowance", _example("elderly_allowance"))
    stored = cases.show_case(ctx, summary.id).summary.finalized_at
    assert stored == FIXED_NOW.astimezone(UTC).replace(tzinfo=None)


DATED = """
id: t10_dated
version: 1
title: 日期材料测试表
short_title: 日期材料
description: 材料按办理当天判断（测试用）。
department: 测试
subject: pid
applicant: pid
routing: [{step: intake, desk: 测试台, does: 受理}]
materials:
  - {id: card, label: 身份证, copies: 原件}
  - {id: old_age_paper, label: 八十岁以上证明, relevant: "age(${birth}) >= 80"}
questions:
  - {type: id_number, name: pid, label: 身份证号码是多少？, required: true}
  - {type: date, name: birth, label: 哪天出生？, required: true}
"""


def test_a_reprint_lists_the_materials_of_the_finalize_day(tmp_path: Path) -> None:
    from kiosk.services.printing import render_case_pdf

    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "t10_dated.v1.yaml").write_text(DATED, encoding="utf-8")
    cat, issues = load_catalogue([folder])
    assert not issues
    day_before_80th = datetime(2026, 3, 7, 10, 0, tzinfo=CST)
    clock = [day_before_80th]
    kiosk = open_kiosk(tmp_path / "home", catalogue=cat, clock=lambda: clock[0])
    try:
        answers = {"pid": "500225194103080133", "birth": "1946-03-08"}
        case = cases.fill_case(kiosk, "t10_dated", answers)
        first = render_case_pdf(kiosk, case.id)
        clock[0] = day_before_80th + timedelta(days=400)  # printed again a year later
        again = render_case_pdf(kiosk, case.id)
    finally:
        kiosk.close()
    assert _materials_text(first) == _materials_text(again)
    assert "八十岁以上证明" not in _materials_text(again)


def _materials_text(pdf: bytes) -> str:
    import subprocess

    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


def test_content_hash_is_over_the_frozen_answers(ctx: KioskContext) -> None:
    summary = cases.fill_case(ctx, "elderly_allowance", _example("elderly_allowance"))
    detail = cases.show_case(ctx, summary.id)
    expected = content_hash("elderly_allowance", summary.form_version, detail.answers)
    assert detail.content_hash == expected


MIGRATING_V1 = """
id: t10_moving
version: 1
title: 迁移测试表
short_title: 迁移
description: 草稿跨版本（测试用）。
department: 测试
subject: pid
applicant: pid
routing: [{step: intake, desk: 测试台, does: 受理}]
choices:
  kin: [{value: son, label: 儿子}, {value: cousin, label: 表亲}]
questions:
  - {type: id_number, name: pid, label: 身份证号码是多少？, required: true}
  - type: repeat
    name: heirs
    label: 继承人
    children:
      - {type: text, name: heir_nm, label: 叫什么名字？, required: true}
      - {type: select_one, name: kin, label: 是什么关系？, choices: kin, required: true}
"""


def test_a_draft_from_an_older_version_goes_to_each_answer_that_no_longer_fits(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "t10_moving.v1.yaml").write_text(MIGRATING_V1, encoding="utf-8")
    old, _ = load_catalogue([folder])
    kiosk = open_kiosk(tmp_path / "home", catalogue=old, clock=lambda: FIXED_NOW)
    draft = cases.start_case(kiosk, "t10_moving")
    case_id = draft.case.id
    cases.answer(kiosk, case_id, "pid", "500225194103080133")
    cases.add_item(kiosk, case_id, "heirs")
    cases.answer(kiosk, case_id, "heirs[0].heir_nm", "张三")
    cases.answer(kiosk, case_id, "heirs[0].kin", "cousin")
    kiosk.close()

    v2 = MIGRATING_V1.replace("version: 1", "version: 2").replace(
        "name: heir_nm", "name: heir_name"
    )
    v2 = v2.replace(", {value: cousin, label: 表亲}", "")
    v2 += "migrations: [{from_version: 1, rename: {heir_nm: heir_name}}]\n"
    (folder / "t10_moving.v2.yaml").write_text(v2, encoding="utf-8")
    new, issues = load_catalogue([folder])
    assert not issues
    kiosk = open_kiosk(tmp_path / "home", catalogue=new, clock=lambda: FIXED_NOW)
    try:
        draft = cases.load_draft(kiosk, case_id)
        assert draft.case.form_version == 2
        assert draft.fill.value("heirs[0].heir_name") == "张三"
        assert draft.current_page == "heirs[0].kin"  # taken to what no longer fits
        with pytest.raises(cases.InvalidAnswers) as caught:
            cases.finalize_case(kiosk, case_id)
        assert [p.path for p in caught.value.problems] == ["heirs[0].kin"]
        assert cases.answer(kiosk, case_id, "heirs[0].kin", "son").ok
        frozen = cases.show_case(kiosk, cases.finalize_case(kiosk, case_id).id).answers
        assert frozen["heirs"] == [{"heir_name": "张三", "kin": "son"}]
    finally:
        kiosk.close()


def test_moving_an_item_through_the_services(ctx: KioskContext) -> None:
    draft = cases.start_case(ctx, "pension_death_benefit")
    case_id = draft.case.id
    for name in ("甲", "乙"):
        fill = cases.add_item(ctx, case_id, "heirs").draft.fill
        index = len(fill.items("heirs")) - 1
        assert cases.answer(ctx, case_id, f"heirs[{index}].heir_name", name).ok
    moved = cases.move_item(ctx, case_id, "heirs", 1, 0).draft.fill
    assert [i["heir_name"] for i in moved.items("heirs")] == ["乙", "甲"]
    assert [a.action for a in cases.show_case(ctx, case_id).audit][-1] == "item_moved"
