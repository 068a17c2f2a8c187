"""`kiosk forms check`: broken definitions are reported as ``file: question: message``."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import form

from kiosk.cli import main
from kiosk.forms.catalogue import DEFINITIONS_DIR, load_catalogue

SHIPPED = DEFINITIONS_DIR / "pension_death_benefit.v1.yaml"

# (what is broken, text to find in the shipped file, its replacement, question, message part)
BREAKAGES = [
    (
        "unknown reference",
        "relevant: \"${death_reason} = 'other'\"",
        "relevant: \"${death_cause} = 'other'\"",
        "death_reason_other",
        "relevant: unknown reference ${death_cause}",
    ),
    (
        "unknown choice list",
        "choices: death_places",
        "choices: death_locations",
        "death_place",
        "choices: unknown choice list 'death_locations'",
    ),
    (
        "expression syntax error",
        'calculation: "years-between(${deceased_birth_date}, ${death_date})"',
        'calculation: "years-between(${deceased_birth_date}, ${death_date}"',
        "death_age",
        "calculation: ",
    ),
    (
        "duplicated name",
        "name: death_place\n",
        "name: death_reason\n",
        "death_reason",
        "the name is used twice",
    ),
    (
        "missing label",
        "        label: 老人叫什么名字？\n",
        "",
        "deceased_name",
        "a question needs a label",
    ),
    (
        "bad YAML",
        "choices: death_reasons\n",
        "choices: [death_reasons\n",
        "-",
        "not valid YAML (line ",
    ),
    (
        "unknown prefill source",
        "prefill: {from: applicant_id, field: phone}",
        "prefill: {from: applicant_number, field: phone}",
        "applicant_phone",
        "prefill: unknown source question 'applicant_number'",
    ),
]


def broken_copy(tmp_path: Path, find: str, replace: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert text.count(find) == 1, f"the test's anchor {find!r} must occur once"
    path = tmp_path / SHIPPED.name
    path.write_text(text.replace(find, replace), encoding="utf-8")
    return path


def test_the_shipped_catalogue_has_no_issues() -> None:
    catalogue, issues = load_catalogue()
    assert issues == []
    assert (form().id, form().version) in catalogue.forms


def test_the_good_file_checks_clean_from_a_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = broken_copy(tmp_path, "department: 社保所", "department: 社保所")
    assert main(["forms", "check", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "1 form(s) ok, 0 problem(s)"


@pytest.mark.parametrize(
    ("find", "replace", "question", "message"),
    [b[1:] for b in BREAKAGES],
    ids=[b[0] for b in BREAKAGES],
)
def test_a_broken_file_is_reported_by_file_and_question(
    tmp_path: Path, find: str, replace: str, question: str, message: str
) -> None:
    path = broken_copy(tmp_path, find, replace)
    catalogue, issues = load_catalogue([path])
    assert catalogue.forms == {}  # a broken form is never offered
    assert issues
    matching = [i for i in issues if i.question == question and message in i.message]
    assert matching, [str(i) for i in issues]
    assert all(i.file == str(path) for i in issues)
    assert str(matching[0]).startswith(f"{path}: {question}: ")


@pytest.mark.parametrize(
    ("find", "replace", "question", "message"),
    [b[1:] for b in BREAKAGES],
    ids=[b[0] for b in BREAKAGES],
)
def test_forms_check_exits_1_and_prints_each_issue(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    find: str,
    replace: str,
    question: str,
    message: str,
) -> None:
    path = broken_copy(tmp_path, find, replace)
    assert main(["forms", "check", str(path)]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{path}: {question}: ") and message in line for line in lines), (
        lines
    )
    assert lines[-1].startswith("0 form(s) ok, ")


def test_a_folder_is_checked_file_by_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken_copy(tmp_path, "choices: death_places", "choices: death_locations")
    (tmp_path / "notes.txt").write_text("not a form", encoding="utf-8")
    assert main(["forms", "check", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "death_place: choices: unknown choice list 'death_locations'" in out
    assert "notes.txt" not in out


def test_a_file_named_for_another_version_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "pension_death_benefit.v2.yaml"
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    _, issues = load_catalogue([path])
    assert [str(i) for i in issues] == [
        f"{path}: -: file name should be pension_death_benefit.v1.yaml"
    ]


def test_a_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "pension_death_benefit.v1.yaml"
    _, issues = load_catalogue([path])
    assert len(issues) == 1
    assert issues[0].file == str(path)
    assert issues[0].message.startswith("cannot read")
