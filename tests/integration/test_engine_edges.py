"""Issue 10, second round: what a fresh tester broke (each test stands for its kind)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import catalogue

from kiosk.cli import main
from kiosk.forms.catalogue import DEFINITIONS_DIR, load_catalogue
from kiosk.forms.checks import check_form
from kiosk.forms.engine import FormFill
from kiosk.forms.examples import example_answers
from kiosk.forms.prefill import ChainedPrefill, IdNumberPrefill, PrefillValue
from kiosk.forms.schema import FormDefinition, Question
from kiosk.forms.values import coerce
from kiosk.services import cases
from kiosk.services.context import open_kiosk

TODAY = date(2026, 11, 20)
MOTHER = "50011119681002024X"
SON = "500111197205190317"


def form_of(questions: list[dict[str, Any]], **extra: Any) -> FormDefinition:
    return FormDefinition.model_validate(
        {
            "id": "t10_edge",
            "version": 1,
            "title": "边界测试表",
            "short_title": "边界",
            "description": "测试用",
            "department": "测试",
            "subject": "pid",
            "applicant": "pid",
            "routing": [{"step": "intake", "desk": "测试台", "does": "受理"}],
            "questions": [{"type": "id_number", "name": "pid", "label": "号码？"}, *questions],
            **extra,
        }
    )


class _Registry:
    def __init__(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        self.records = records

    def lookup(self, id_number: str, *, today: date) -> Mapping[str, PrefillValue]:
        return {k: PrefillValue(v, "公安户籍") for k, v in self.records.get(id_number, {}).items()}


def test_a_documents_own_answers_win_over_the_residents_records(tmp_path: Path) -> None:
    """kiosk fill --resident SON with the mother's number and the son's own name and phone:
    the document says who the applicant is and how to reach them; nothing is replaced."""
    registry = _Registry(
        {SON: {"name": "刘志强", "phone": "13709871234"}, MOTHER: {"name": "王翠芬"}}
    )
    kiosk = open_kiosk(
        tmp_path / "home",
        catalogue=catalogue(),
        prefill=ChainedPrefill([IdNumberPrefill(), registry]),
        clock=lambda: datetime(2026, 11, 20, 10, tzinfo=timezone(timedelta(hours=8))),
    )
    try:
        answers = example_answers(catalogue().get("minimum_living"))
        answers |= {"applicant_id": MOTHER, "applicant_name": "刘志强"}
        answers["applicant_phone"] = "13709871234"
        case = cases.fill_case(kiosk, "minimum_living", answers, resident_id=SON)
        frozen = cases.show_case(kiosk, case.id).answers
    finally:
        kiosk.close()
    assert frozen["applicant_name"] == "刘志强"
    assert frozen["applicant_phone"] == "13709871234"


def test_a_calculation_beyond_any_amount_is_empty_not_a_crash() -> None:
    form = form_of(
        [
            {"type": "money", "name": "monthly", "label": "每月多少？"},
            {"type": "number", "name": "people", "label": "几个人？"},
            {
                "type": "calculate",
                "name": "total",
                "label": "合计",
                "calculation": "${monthly} * ${people}",
            },
        ]
    )
    fill = FormFill(form, {}, today=TODAY)
    assert fill.set_answer("monthly", "999999999999.99") == []
    assert fill.set_answer("people", 999999999999999) == []
    assert "total" not in fill.final_answers()


def test_text_is_ordered_as_numbers_or_not_at_all() -> None:
    form = form_of(
        [
            {"type": "text", "name": "x", "label": "x？"},
            {"type": "text", "name": "y", "label": "y？"},
            {"type": "calculate", "name": "lt", "label": "小于", "calculation": "${x} < ${y}"},
        ]
    )
    fill = FormFill(form, {}, today=TODAY)
    fill.set_answer("x", "100")
    fill.set_answer("y", "9")
    assert fill.final_answers()["lt"] is False
    fill.set_answer("x", "甲")
    assert fill.final_answers()["lt"] is False


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ([{"type": "calculate", "name": "c", "calculation": "1"}], "needs a label"),
        ([{"type": "calculate", "name": "c", "label": "  ", "calculation": "1"}], "needs a label"),
        (
            [
                {
                    "type": "repeat",
                    "name": "r",
                    "label": "项",
                    "children": [{"type": "number", "name": "x", "label": "几？"}],
                },
                {"type": "calculate", "name": "c", "label": "合计", "calculation": "sum(${x} * 2)"},
            ],
            "inside the repeat 'r'",
        ),
        (
            [
                {
                    "type": "calculate",
                    "name": "c",
                    "label": "第一",
                    "calculation": "indexed-repeat(${pid}, ${pid}, 1)",
                }
            ],
            "is not a repeat",
        ),
        (
            [
                {
                    "type": "repeat",
                    "name": "m",
                    "label": "人",
                    "children": [
                        {
                            "type": "repeat",
                            "name": "i",
                            "label": "收入",
                            "children": [{"type": "money", "name": "amt", "label": "多少？"}],
                        }
                    ],
                },
                {
                    "type": "calculate",
                    "name": "c",
                    "label": "第一",
                    "calculation": "indexed-repeat(${amt}, ${m}, 1)",
                },
            ],
            "not a field of the repeat 'm' itself",
        ),
        (
            [
                {
                    "type": "select_multiple",
                    "name": "s",
                    "label": "选？",
                    "choices": [{"value": "a b", "label": "甲乙"}, {"value": "a", "label": "甲"}],
                }
            ],
            "has a space",
        ),
        (
            [
                {
                    "type": "select_one",
                    "name": "s",
                    "label": "选？",
                    "choices": [{"value": "a", "label": "甲"}, {"value": "a", "label": "乙"}],
                }
            ],
            "listed twice",
        ),
    ],
)
def test_forms_check_refuses_what_would_print_blank_or_compute_nothing(
    questions: list[dict[str, Any]], message: str
) -> None:
    issues = check_form(form_of(questions), "f.yaml", {})
    assert any(message in i.message for i in issues), [str(i) for i in issues]


@pytest.mark.parametrize(
    ("kind", "raw", "ok"),
    [
        ("money", "1,200.50", "1200.50"),
        ("money", "3,6", None),
        ("money", ",,1", None),
        ("money", "٣", None),
        ("number", "๓", None),
        ("number", "1,000", 1000),
        ("decimal", "2.500000000000000000000000000000001", None),
        ("text", "张\u0000三", None),
        ("text", "张\u202e三", None),
        ("text", "\ud800", None),
        ("signature", "M 1 2 L 3 4", "M 1 2 L 3 4"),
        ("signature", "<script>", None),
    ],
)
def test_input_that_is_not_plainly_what_it_says_is_refused(kind: str, raw: str, ok: Any) -> None:
    q = Question(type=kind, name="x", label="x？")  # type: ignore[arg-type]
    value, problems = coerce(q, raw, today=TODAY, choices=[])
    assert value == ok, problems


def test_answers_files_refuse_duplicate_keys_and_deep_nesting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--data-dir", str(tmp_path / "h")]
    dup = tmp_path / "dup.json"
    dup.write_text('{"elder_id": "1", "elder_id": "2"}', encoding="utf-8")
    assert main([*home, "fill", "elderly_allowance", "--answers", str(dup)]) == 2
    assert "written twice" in capsys.readouterr().err
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    assert main([*home, "fill", "elderly_allowance", "--answers", str(deep)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_form_key_written_twice_is_an_error(tmp_path: Path) -> None:
    text = (DEFINITIONS_DIR / "elderly_allowance.v1.yaml").read_text(encoding="utf-8")
    text = text.replace("department:", "title: 又一个标题\ndepartment:", 1)
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "elderly_allowance.v1.yaml").write_text(text, encoding="utf-8")
    _, issues = load_catalogue([folder])
    assert any("written twice" in i.message for i in issues)


def test_a_dry_run_saves_nothing_and_unknown_forms_never_crash_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "dept"
    folder.mkdir()
    data = form_of([]).model_dump(by_alias=True, exclude_defaults=True)
    (folder / "t10_edge.v1.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"pid": SON}), encoding="utf-8")
    home = ["--data-dir", str(tmp_path / "h")]
    fill = [*home, "fill", "t10_edge", "--answers", str(answers), "--forms-dir", str(folder)]
    assert main([*fill, "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out)["answers"] == {"pid": SON}
    assert main([*home, "cases", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(fill) == 0
    capsys.readouterr()
    assert main([*home, "cases", "list"]) == 0  # the draft form's case is listed, no crash
    assert "t10_edge" in capsys.readouterr().out


def test_times_follow_the_kiosks_clock(tmp_path: Path) -> None:
    then = datetime(2025, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    kiosk = open_kiosk(tmp_path / "home", catalogue=catalogue(), clock=lambda: then)
    try:
        answers = example_answers(catalogue().get("elderly_allowance"))
        detail = cases.show_case(kiosk, cases.fill_case(kiosk, "elderly_allowance", answers).id)
    finally:
        kiosk.close()
    utc = datetime(2025, 3, 1, 1, 0)
    assert detail.summary.created_at == utc and detail.summary.finalized_at == utc
    assert {a.at for a in detail.audit} == {utc}
