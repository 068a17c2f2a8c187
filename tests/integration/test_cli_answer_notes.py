"""``kiosk bundle fill`` / ``kiosk fill`` say what the answers file holds that the cases
will not (btaps 8: answers the rules drop) and what disagrees with the register (btaps 6,
7): one English note per field on stderr, register values never printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import catalogue

from kiosk.cli import main
from kiosk.forms.examples import example_path

STRANGER = "500111198001011238"  # valid, in no register


def example() -> dict[str, Any]:
    form = catalogue().get("bundle.death_in_family")
    data: dict[str, Any] = json.loads(example_path(form).read_text(encoding="utf-8"))
    return data


def fill(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: dict[str, Any]) -> list[str]:
    home = ["--data-dir", str(tmp_path / "cli")]
    assert main([*home, "registry", "demo"]) == 0
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main([*home, "bundle", "fill", "death_in_family", "--answers", str(answers)]) == 0
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]


def test_the_example_is_noted_only_where_it_differs_from_the_register(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example says he drew a 计生 support the demo register does not know of: the
    file's answer stands, said as a doubt (btaps: beneficiary_flag_forced is the same)."""
    [note] = fill(tmp_path, capsys, example())
    assert note.endswith(
        "had_family_planning: warning: differs from what 卫健办（演示数据） has for the ID "
        "number at deceased_id"
    )


def test_dropped_answers_are_named_one_by_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = example()
    data["death_proof"] = "medical"  # paper: the certificate number is not asked
    data["pension__heirs"].append({"pension__heir_agrees": True})  # four for three heirs
    data["pension__is_beneficiary"] = True  # derived
    data["applicant_is_beneficiary"] = True  # no beneficiary on record: not asked
    notes = fill(tmp_path, capsys, data)
    expected = {
        "hukou__death_certificate_number: ignored: not asked",
        "pension__heirs[3]: ignored: the list has 3 item(s), one per item of family_heirs",
        "pension__is_beneficiary: ignored: derived",
        "applicant_is_beneficiary: ignored: not asked",
    }
    for text in expected:
        assert any(text in n for n in notes), (text, notes)
    assert len(notes) == len(expected) + 1, notes  # + had_family_planning, as above


def test_names_and_a_head_that_disagree_with_the_register_are_warned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = example()
    data["family_heirs"][0]["heir_name"] = "王五"  # 李桂兰's number, another name
    data["hukou__new_head_id"] = STRANGER
    data["hukou__new_head_name"] = "陌生人"
    notes = fill(tmp_path, capsys, data)
    assert any("family_heirs[0].heir_name: warning: differs from what" in n for n in notes)
    assert any("hukou__new_head_id: warning: not in the household" in n for n in notes)
    assert not any("李桂兰" in n or "王五" in n for n in notes)  # fields named, not people


def test_a_flag_forced_against_the_register_is_warned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = example() | {"had_pension_beneficiary": True, "applicant_is_beneficiary": True}
    notes = fill(tmp_path, capsys, data)
    assert any("had_pension_beneficiary: warning: differs from what" in n for n in notes)
