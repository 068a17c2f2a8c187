"""Every adult of the household signs the 核查授权书 on paper (issue 16.4): a print signer
over a repeat prints one signature box per item; ``kiosk forms check`` refuses a broken one."""

from __future__ import annotations

import json

import pytest
from helpers import catalogue

from kiosk.forms.checks import check_form
from kiosk.forms.examples import example_path
from kiosk.forms.schema import PrintSigner
from kiosk.printing.sheet import signers

FORM = "household_check_authorization"


def test_one_box_per_adult_after_the_applicants_touch_signature() -> None:
    form = catalogue().get(FORM)
    answers = json.loads(example_path(form).read_text(encoding="utf-8"))
    boxes = signers(form, answers, "2026年11月20日")
    assert [(b.role, b.name) for b in boxes] == [
        ("申请人", "冉光明"),
        ("家庭成员", "谭素珍"),
        ("家庭成员", "冉小军"),
    ]
    assert boxes[0].stroke == answers["applicant_signature"]
    assert [b.stroke for b in boxes[1:]] == [None, None]  # they sign the paper


def test_no_other_adult_no_extra_box() -> None:
    form = catalogue().get(FORM)
    answers = json.loads(example_path(form).read_text(encoding="utf-8"))
    answers.pop("adults")
    assert [b.role for b in signers(form, answers, "-")] == ["申请人"]


@pytest.mark.parametrize(
    ("signer", "expected"),
    [
        ({"repeat": "applicant_name"}, "repeat is not a repeat question"),
        ({"repeat": "nowhere"}, "repeat is not a repeat question"),
        ({"name": "applicant_name"}, "not a question of the repeat 'adults'"),
        ({"signature": "applicant_signature"}, "sign on paper"),
    ],
)
def test_forms_check_refuses_a_broken_repeat_signer(signer: dict[str, str], expected: str) -> None:
    form = catalogue().get(FORM)
    broken = PrintSigner.model_validate(
        {"role": "家庭成员", "name": "adult_name", "repeat": "adults"} | signer
    )
    bad = form.model_copy(update={"print_signers": [form.print_signers[0], broken]})
    issues = check_form(bad, "f.yaml", {})
    assert any(expected in i.message for i in issues), issues
    assert not [i for i in check_form(form, "f.yaml", {}) if "print signer" in i.message]
