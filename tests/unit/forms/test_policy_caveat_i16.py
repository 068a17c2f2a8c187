"""Issue 16, tester's finding 6: a number computed from an unconfirmed (待核实) policy
parameter is never shown as a promise — on the check-answers page and on paper it ends
in （以窗口核定为准）, also when it is computed from such a computed number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.engine import FormFill
from kiosk.forms.policy import RESIDENT_UNCONFIRMED
from kiosk.printing.sheet import Row, build_sections

FORM = """\
id: d_caveat
version: 1
title: 补助测算表
short_title: 补助测算
description: 测试。
department: 测试
subject: pid
applicant: pid
routing:
  - {step: intake, desk: 民政办, does: 受理}
questions:
  - {type: id_number, name: pid, label: 身份证号码是多少？}
  - {type: number, name: months, label: 几个月？}
  - {type: calculate, name: grant, label: 补助, result_type: money,
     calculation: "policy('grant_yuan') * ${months}"}
  - {type: calculate, name: grant_plus, label: 合计, result_type: money,
     calculation: "${grant} + 100"}
  - {type: calculate, name: age_next, label: 明年起领年龄, result_type: integer,
     calculation: "policy('min_age') + 1"}
"""

POLICY = """\
district: 测试区
version: 1
parameters:
  min_age: {label: 年龄, value: 60, unit: 周岁, source: 国发〔2014〕8号, confirmed: true}
  grant_yuan: {label: 补助, value: 1000, unit: 元, source: 待查, confirmed: false}
"""


def test_values_computed_from_an_unconfirmed_parameter_carry_the_caveat(tmp_path: Path) -> None:
    (tmp_path / "d_caveat.v1.yaml").write_text(FORM, encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    catalogue, issues = load_catalogue([tmp_path])
    assert issues == []
    form = catalogue.get("d_caveat")
    fill = FormFill(form, catalogue.lists, today=dt.date(2026, 11, 20))
    assert fill.set_answer("months", 2) == []
    assert fill.value("grant") is not None
    # On paper (the PDF and its preview on screen) and wherever an answer is put in words.
    printed = {
        block.label: block.value
        for section in build_sections(fill, fill.final_answers())
        for block in section.blocks
        if isinstance(block, Row)
    }
    assert printed["补助"] == f"2,000.00 元（{RESIDENT_UNCONFIRMED}）"
    assert printed["合计"] == f"2,100.00 元（{RESIDENT_UNCONFIRMED}）"  # derived from it
    assert printed["明年起领年龄"] == "61"  # a confirmed parameter: said as it is
    assert printed["几个月"] == "2"
    grant = form.questions[2]
    assert fill.display(grant, fill.value("grant")).endswith(f"（{RESIDENT_UNCONFIRMED}）")
