"""The district policy (policy.yaml) and each form's rules block (issue 16)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import catalogue

from kiosk.forms.catalogue import DEFINITIONS_DIR, load_catalogue
from kiosk.forms.engine import FormFill
from kiosk.forms.expr import ExprSyntaxError, compile_expression
from kiosk.forms.loader import FormFileError
from kiosk.forms.policy import UNCONFIRMED, load_policy

FORM = """\
id: d_policy
version: 1
title: 政策参数测试表
short_title: 政策参数
description: "补助${{policy:grant_yuan}}，年满${{policy:min_age}}。"
department: 测试
subject: pid
applicant: pid
routing:
  - {{step: intake, desk: "${{policy:desk_a}}", does: 受理}}
questions:
  - {{type: id_number, name: pid, label: 身份证号码是多少？}}
  - type: number
    name: age_typed
    label: 多大年纪？
    constraint: ". >= policy('{age_name}')"
    constraint_message: 要年满${{policy:min_age}}才能办。
  - {{type: calculate, name: grant, label: 补助, result_type: integer,
     calculation: "policy('grant_yuan') * 2"}}
"""

POLICY = """\
district: 测试区
version: 3
parameters:
  min_age: {label: 年龄, value: 60, unit: 周岁, source: 国发〔2014〕8号 第七条, confirmed: true}
  grant_yuan: {label: 补助, value: 1000, unit: 元, source: 待查, confirmed: false}
  unknown_yuan: {label: 未知, value: null, unit: 元, source: 待查, confirmed: false}
  desk_a: {label: 窗口, value: 民政窗口, unit: 名称, source: 中心, confirmed: false}
"""


def draft_dir(tmp_path: Path, age_name: str = "min_age", policy: str = POLICY) -> Path:
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "d_policy.v1.yaml").write_text(FORM.format(age_name=age_name), encoding="utf-8")
    (folder / "policy.yaml").write_text(policy, encoding="utf-8")
    return folder


def test_a_drafts_policy_file_is_used_and_texts_are_resolved_for_residents(
    tmp_path: Path,
) -> None:
    cat, issues = load_catalogue([draft_dir(tmp_path)])
    assert issues == []
    form = cat.get("d_policy")
    assert cat.policy.district == "测试区" and form.policy is cat.policy
    # A confirmed number is said; an unconfirmed one is hedged; a desk name is as named.
    assert form.description == "补助1000元（以窗口核定为准），年满60周岁。"
    assert form.routing[0].desk == "民政窗口"
    assert form.policy_names == {"min_age", "grant_yuan", "desk_a"}


def test_policy_values_drive_expressions(tmp_path: Path) -> None:
    cat, _ = load_catalogue([draft_dir(tmp_path)])
    fill = FormFill(cat.get("d_policy"), cat.lists, today=dt.date(2026, 11, 20))
    problems = fill.set_answer("age_typed", 59)
    assert [p.problem.message for p in problems if p.is_error] == ["要年满60周岁才能办。"]
    assert fill.set_answer("age_typed", 60) == []
    assert fill.value("grant") == 2000


def test_an_unknown_parameter_in_an_expression_names_file_and_question(tmp_path: Path) -> None:
    folder = draft_dir(tmp_path, age_name="min_agee")
    _, issues = load_catalogue([folder])
    assert [str(i) for i in issues] == [
        f"{folder / 'd_policy.v1.yaml'}: age_typed: constraint: unknown policy parameter 'min_agee'"
    ]


def test_an_unknown_parameter_in_a_text_is_an_error(tmp_path: Path) -> None:
    folder = draft_dir(tmp_path, policy=POLICY.replace("  desk_a:", "  desk_b:"))
    _, issues = load_catalogue([folder])
    assert [i.message for i in issues] == ["text: unknown policy parameter 'desk_a'"]


def test_policy_needs_a_quoted_name() -> None:
    with pytest.raises(ExprSyntaxError, match="policy\\(\\) needs the parameter's name"):
        compile_expression("policy(${x})")


def test_resident_and_staff_texts(tmp_path: Path) -> None:
    policy = load_policy(draft_dir(tmp_path) / "policy.yaml")
    assert policy.resident_text("min_age") == "60周岁"
    assert policy.resident_text("grant_yuan") == "1000元（以窗口核定为准）"
    assert policy.resident_text("unknown_yuan") == "以窗口核定为准"
    assert policy.staff_text("grant_yuan") == f"1000元（{UNCONFIRMED}）"
    assert policy.staff_text("min_age") == "60周岁"


def test_a_bad_policy_file_names_the_parameter(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "district: x\nversion: 1\nparameters:\n  a: {label: a, value: 1, unit: 元}\n",
        encoding="utf-8",
    )
    with pytest.raises(FormFileError) as err:
        load_policy(path)
    assert "parameters.a.source: Field required" in str(err.value)


def test_every_shipped_form_states_its_rules() -> None:
    for form in catalogue().forms.values():
        rules = form.rules
        assert rules is not None, form.id
        assert rules.legal_basis and rules.fee and rules.complaint.phone.strip()
        assert "${policy:" not in rules.deciding_office + rules.complaint.phone


def test_a_shipped_form_without_rules_is_refused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kiosk.forms.catalogue as cat_mod

    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "d_policy.v1.yaml").write_text(FORM.format(age_name="min_age"), encoding="utf-8")
    (shipped / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (shipped / "lists.yaml").write_text((DEFINITIONS_DIR / "lists.yaml").read_text("utf-8"))
    monkeypatch.setattr(cat_mod, "DEFINITIONS_DIR", shipped)
    _, issues = cat_mod.load_catalogue([shipped])
    assert [i.message for i in issues] == [
        "rules: a shipped form states its rules (legal_basis, time_limit, fee, complaint, "
        "deciding_office)"
    ]


def test_the_shipped_policy_marks_what_is_unconfirmed() -> None:
    policy = catalogue().policy
    assert policy.district == "重庆市大足区"
    assert policy.get("hukou_cancel_days").confirmed  # 户口登记条例 第八条
    assert not policy.get("funeral_grant_yuan").confirmed
    for name, param in policy.parameters.items():
        assert param.source.strip(), name


def test_a_scenario_naming_an_unknown_policy_parameter_is_a_broken_file(tmp_path: Path) -> None:
    from kiosk.forms.scenarios import ScenarioFileError, run_test_file

    path = tmp_path / "x.tests.yaml"
    path.write_text(
        "form: elderly_allowance\ntoday: 2026-11-20\npolicy: {elderly_min_age: 75}\n"
        "cases:\n  - name: a\n    steps: []\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioFileError, match="unknown parameter\\(s\\) elderly_min_age"):
        run_test_file(catalogue(), path)


def test_a_bundles_texts_use_the_policy_too(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "defs"
    shutil.copytree(DEFINITIONS_DIR, folder, ignore=shutil.ignore_patterns("examples"))
    bundle = folder / "bundles" / "death_in_family.v5.yaml"  # the newest
    text = bundle.read_text(encoding="utf-8")
    text = text.replace(
        "\ndescription: ", "\ndescription: 户口${policy:hukou_cancel_days}内注销。", 1
    )
    bundle.write_text(text, encoding="utf-8")
    cat, issues = load_catalogue([folder])
    assert issues == []
    assert cat.get("bundle.death_in_family").description.startswith("户口30天内注销。")
    bundle.write_text(text.replace("hukou_cancel_days", "nope"), encoding="utf-8")
    _, issues = load_catalogue([folder])
    assert [i.message for i in issues] == ["text: unknown policy parameter 'nope'"]
