"""Issue 16 (tester's findings 8 and 9): a policy parameter's value is checked against
its declared unit, and a form's rules block against what an 办事指南 must state, at
``kiosk forms check`` and at publish (both load the catalogue)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kiosk.forms.catalogue import DEFINITIONS_DIR, load_catalogue
from kiosk.forms.loader import FormFileError
from kiosk.forms.policy import load_policy
from kiosk.forms.publish import PublishError, check_folder

PARAM = "  p: {{label: 参数, value: {value}, unit: {unit}, source: 文件, confirmed: {confirmed}}}\n"


def policy_with(tmp_path: Path, value: str, unit: str, confirmed: str = "true") -> Path:
    path = tmp_path / "policy.yaml"
    text = "district: 测试区\nversion: 1\nparameters:\n"
    path.write_text(text + PARAM.format(value=value, unit=unit, confirmed=confirmed), "utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "unit", "why"),
    [
        ('"80"', "周岁", "a value in 周岁 is a whole number"),
        ("80.5", "周岁", "a value in 周岁 is a whole number"),
        ("-1", "天", "a value in 天 is a whole number, 0 or more"),
        ("true", "天", "a yes/no is not a parameter value"),
        ('"1000"', "元", "an amount in 元 is a number"),
        ("10.005", "元", "at most two decimals"),
        ("12345", "电话", "a phone number is text of digits"),
        ('"call 12345"', "电话", "a phone number is text of digits"),
        ('""', "名称", "non-empty text"),
        ("30", "公斤", "unknown unit '公斤'"),
        ("[{a: 1}]", "天", "a table is not a value in 天"),
        ("null", "元", "must be confirmed: false"),
    ],
)
def test_a_value_that_does_not_fit_its_unit_names_the_parameter(
    tmp_path: Path, value: str, unit: str, why: str
) -> None:
    with pytest.raises(FormFileError) as err:
        load_policy(policy_with(tmp_path, value, unit))
    (issue,) = err.value.issues
    assert issue.message.startswith("parameters.p")
    assert why in issue.message


@pytest.mark.parametrize(
    ("value", "unit", "confirmed"),
    [
        ("80", "周岁", "true"),
        ("1000.5", "元", "true"),
        ("1000", "元", "true"),
        ('"023-43721234"', "电话", "true"),
        ("重庆市大足区民政局", "名称", "true"),
        ("null", "元", "false"),
        ("[{距领取年龄: 已满60周岁, 最少缴费年限: 0}]", "年", "false"),
    ],
)
def test_values_of_the_right_type_load(
    tmp_path: Path, value: str, unit: str, confirmed: str
) -> None:
    assert "p" in load_policy(policy_with(tmp_path, value, unit, confirmed)).parameters


def shipped_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "defs"
    shutil.copytree(DEFINITIONS_DIR, folder, ignore=shutil.ignore_patterns("examples"))
    return folder


def edit(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, new, text, count=1)
    assert changed != text, pattern
    path.write_text(changed, encoding="utf-8")


def test_a_wrongly_typed_policy_value_is_not_published(tmp_path: Path) -> None:
    folder = shipped_copy(tmp_path)
    edit(
        folder / "policy.yaml",
        r"(elderly_allowance_min_age:\n(?:    .*\n)*?    value: )80",
        r'\g<1>"八十"',
    )
    issues = [str(i) for i in check_folder(folder)]
    assert any("parameters.elderly_allowance_min_age: a value in 周岁" in i for i in issues)
    with pytest.raises(PublishError, match="elderly_allowance_min_age"):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from kiosk.forms.publish import build_release

        build_release(
            folder,
            Ed25519PrivateKey.generate(),
            release=1,
            effective=__import__("datetime").datetime.now().astimezone(),
            publisher="x",
        )


@pytest.mark.parametrize(
    ("pattern", "new", "message"),
    [
        (r"number: 国务院令第649号", "number: 社会救助暂行办法", "rules.legal_basis[0].number"),
        (
            r'phone: "\$\{policy:complaint_phone_government\}"',
            "phone: 打政务热线",
            "rules.complaint.phone: '打政务热线' is not a phone number",
        ),
        (r"fee: 免费", 'fee: " "', "rules.fee: is empty"),
        (
            r"days: welfare_stop_report_days",
            "days: pension_min_age",
            "rules.time_limit.resident.days: policy parameter 'pension_min_age' is in 周岁",
        ),
    ],
)
def test_a_rules_block_that_an_office_could_not_use_is_refused(
    tmp_path: Path, pattern: str, new: str, message: str
) -> None:
    folder = shipped_copy(tmp_path)
    edit(folder / "welfare_stop.v1.yaml", pattern, new)
    _, issues = load_catalogue([folder], require_rules=True)
    ours = [i for i in issues if i.file.endswith("welfare_stop.v1.yaml")]
    assert len(ours) == 1 and message in ours[0].message, issues
    assert any(message in str(i) for i in check_folder(folder))


def test_the_shipped_forms_pass_the_rules_checks() -> None:
    _, issues = load_catalogue([DEFINITIONS_DIR], require_rules=True)
    assert issues == []
