"""The XForms model of the engine (issue 10): dependency order, cycles, nested repeats,
prefill provenance, migrations into repeat items. Conformance scenarios live in
tests/forms/conformance; these are the mechanisms' own tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from kiosk.cli import main
from kiosk.forms.engine import FormFill
from kiosk.forms.migrate import migrate_draft
from kiosk.forms.model import model_of
from kiosk.forms.prefill import ChainedPrefill, IdNumberPrefill, PrefillValue
from kiosk.forms.schema import FormDefinition

TODAY = date(2026, 11, 20)
PID = "500225194103080133"
OTHER = "500111197205190317"


def make(questions: list[dict[str, Any]], **extra: Any) -> FormDefinition:
    data = {
        "id": "t_model",
        "version": 1,
        "title": "测试表",
        "short_title": "测试",
        "description": "测试用",
        "department": "测试",
        "subject": "pid",
        "applicant": "pid",
        "routing": [{"step": "intake", "desk": "测试台", "does": "受理"}],
        "questions": [{"type": "id_number", "name": "pid", "label": "号码？"}, *questions],
        **extra,
    }
    return FormDefinition.model_validate(data)


def fill_of(form: FormDefinition, **kw: Any) -> FormFill:
    return FormFill(form, {}, today=TODAY, **kw)


def test_calculations_run_in_dependency_order_not_file_order() -> None:
    form = make(
        [
            {"type": "calculate", "name": "z", "label": "z", "calculation": "${y} * 2"},
            {"type": "calculate", "name": "y", "label": "y", "calculation": "${x} + 1"},
            {"type": "number", "name": "x", "label": "几？"},
        ]
    )
    fill = fill_of(form)
    fill.set_answer("x", 4)
    assert fill.final_answers() == {"x": 4, "y": 5, "z": 10}
    assert model_of(form).order.index("y") < model_of(form).order.index("z")


def test_a_change_recomputes_only_its_dependents() -> None:
    form = make(
        [
            {"type": "number", "name": "a", "label": "a？"},
            {"type": "number", "name": "b", "label": "b？"},
            {"type": "calculate", "name": "a2", "label": "a2", "calculation": "${a} * 2"},
            {"type": "calculate", "name": "b2", "label": "b2", "calculation": "${b} * 2"},
        ]
    )
    model = model_of(form)
    assert model.dependents({"a"}) == ["a2"]
    assert model_of(form) is model  # compiled once per definition


def test_a_cycle_is_refused_by_forms_check_naming_file_and_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = make(
        [
            {"type": "calculate", "name": "p", "label": "p", "calculation": "${q} + 1"},
            {"type": "calculate", "name": "q", "label": "q", "calculation": "${p} + 1"},
        ]
    )
    assert model_of(form).cycle == ["p", "q", "p"]
    path = tmp_path / "t_model.v1.yaml"
    path.write_text(yaml.safe_dump(form.model_dump(by_alias=True, exclude_defaults=True)), "utf-8")
    assert main(["forms", "check", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert f"{path}: p: circular dependency: p → q → p" in out
    # Every command that loads a department's folder refuses it the same way.
    answers = tmp_path / "a.json"
    answers.write_text("{}", "utf-8")
    code = main(["fill", "t_model", "--answers", str(answers), "--forms-dir", str(tmp_path)])
    assert code == 2
    assert "circular dependency" in capsys.readouterr().err


def test_a_repeat_field_used_as_one_value_is_refused(tmp_path: Path) -> None:
    form = make(
        [
            {
                "type": "repeat",
                "name": "heirs",
                "label": "继承人",
                "children": [{"type": "money", "name": "share", "label": "份额？"}],
            },
            {"type": "text", "name": "why", "label": "为什么？", "relevant": "${share} > 100"},
            {
                "type": "calculate",
                "name": "total",
                "label": "total",
                "calculation": "sum(${share})",
            },
        ]
    )
    from kiosk.forms.checks import check_form

    issues = check_form(form, "f.yaml", {})
    assert [(i.question, "inside the repeat 'heirs'" in i.message) for i in issues] == [
        ("why", True)
    ]


def test_a_calculation_needs_a_label() -> None:
    from kiosk.forms.checks import check_form

    form = make(
        [{"type": "calculate", "name": "n", "label": " ", "calculation": "1 + 1"}],
        print=[{"title": "合计", "questions": ["n"]}],
    )
    issues = check_form(form, "f.yaml", {})
    assert {i.question for i in issues} == {"n"}
    assert all("needs a label" in i.message for i in issues)


NESTED = [
    {
        "type": "repeat",
        "name": "members",
        "label": "家庭成员",
        "children": [
            {"type": "text", "name": "m_name", "label": "名字？"},
            {
                "type": "repeat",
                "name": "incomes",
                "label": "收入",
                "children": [
                    {"type": "money", "name": "amount", "label": "多少？"},
                    {
                        "type": "calculate",
                        "name": "nth",
                        "label": "nth",
                        "calculation": "position()",
                    },
                ],
            },
            {
                "type": "calculate",
                "name": "m_total",
                "label": "m_total",
                "calculation": "sum(${amount})",
            },
        ],
    },
    {
        "type": "calculate",
        "name": "all_total",
        "label": "all_total",
        "calculation": "sum(${amount})",
    },
    {"type": "calculate", "name": "people", "label": "people", "calculation": "count(${members})"},
]


def test_nested_repeats_sum_per_item_and_over_all() -> None:
    fill = fill_of(make(NESTED))
    for _ in range(2):
        fill.add_item("members")
    fill.add_item("members[0].incomes")
    fill.add_item("members[0].incomes")
    fill.add_item("members[1].incomes")
    assert fill.set_answer("members[0].incomes[0].amount", "100") == []
    assert fill.set_answer("members[0].incomes[1].amount", "20.5") == []
    assert fill.set_answer("members[1].incomes[0].amount", "3") == []
    final = fill.final_answers()
    assert final["all_total"] == "123.50"
    assert final["people"] == 2
    assert [m["m_total"] for m in final["members"]] == ["120.50", "3.00"]
    assert [i["nth"] for i in final["members"][0]["incomes"]] == [1, 2]
    assert [p.path for p in fill.pages()][:5] == [
        "pid",
        "members",
        "members[0].m_name",
        "members[0].incomes",
        "members[0].incomes[0].amount",
    ]
    fill.remove_item("members", 0)
    assert fill.final_answers()["all_total"] == "3.00"


class _Registry:
    def __init__(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        self.records = records

    def lookup(self, id_number: str, *, today: date) -> Mapping[str, PrefillValue]:
        return {k: PrefillValue(v, "公安户籍") for k, v in self.records.get(id_number, {}).items()}


PREFILLED = [
    {
        "type": "text",
        "name": "name",
        "label": "名字？",
        "prefill": {"from": "pid", "field": "name"},
    },
    {
        "type": "text",
        "name": "phone",
        "label": "电话？",
        "prefill": {"from": "pid", "field": "phone"},
    },
]


def test_prefill_from_an_old_number_never_outlives_it() -> None:
    registry = _Registry({PID: {"name": "张德明", "phone": "13800138000"}, OTHER: {"name": "李四"}})
    fill = fill_of(make(PREFILLED), prefill=ChainedPrefill([IdNumberPrefill(), registry]))
    fill.set_answer("pid", PID)
    assert fill.value("name") == "张德明" and fill.prefill_label("name") == "公安户籍"
    fill.set_answer("pid", OTHER)
    assert fill.value("name") == "李四"
    assert fill.value("phone") is None  # the first person's phone is not kept
    fill.set_answer("name", "李四娃")  # the person's own correction is theirs
    assert fill.prefill_label("name") is None
    fill.set_answer("pid", PID)
    assert fill.value("name") == "李四娃" and fill.value("phone") == "13800138000"
    fill.set_answer("pid", None)
    assert fill.value("phone") is None and fill.value("name") == "李四娃"


def test_migration_reaches_into_items_and_rechecks_every_answer() -> None:
    v1 = make(
        [
            {
                "type": "repeat",
                "name": "heirs",
                "label": "继承人",
                "children": [
                    {"type": "text", "name": "heir_nm", "label": "名字？"},
                    {"type": "text", "name": "old_note", "label": "备注？"},
                    {"type": "select_one", "name": "kin", "label": "关系？", "choices": "kins"},
                ],
            }
        ],
        choices={"kins": [{"value": "son", "label": "儿子"}, {"value": "cousin", "label": "表亲"}]},
    )
    data = v1.model_dump(by_alias=True, exclude_defaults=True)
    data["version"] = 2
    heirs = data["questions"][1]["children"]
    data["questions"][1]["children"] = [heirs[0] | {"name": "heir_name"}, heirs[2]]
    data["choices"] = {"kins": [{"value": "son", "label": "儿子"}]}
    data["migrations"] = [
        {"from_version": 1, "rename": {"heir_nm": "heir_name"}, "drop": ["old_note"]}
    ]
    v2 = FormDefinition.model_validate(data)
    answers = {"pid": PID, "heirs": [{"heir_nm": "甲", "old_note": "x", "kin": "cousin"}]}
    moved = migrate_draft(lambda n: v1 if n == 1 else None, v2, 1, answers, {})
    assert moved is not None
    fill = fill_of(v2, answers=moved[0])
    assert fill.value("heirs[0].heir_name") == "甲"
    assert "old_note" not in fill.items("heirs")[0]
    assert fill.stale_answers() == ["heirs[0].kin"]  # 表亲 is no longer a choice
    assert [p.path for p in fill.check_all()] == ["heirs[0].kin"]
