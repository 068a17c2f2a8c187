"""Bundles as data: checks that catch broken bundle files, composing and splitting answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import catalogue

from kiosk.forms.bundle import BundleForm
from kiosk.forms.bundle_compose import composed_path, split_answers, split_marks
from kiosk.forms.catalogue import DEFINITIONS_DIR, load_catalogue
from kiosk.forms.checks import walk

BUNDLE_FILE = DEFINITIONS_DIR / "bundles" / "death_in_family.v1.yaml"


def composed_names() -> dict[str, str | None]:
    form = catalogue().get("bundle.death_in_family")
    return {q.name: q.relevant for q, _ in walk(form.questions)}


def test_shared_questions_are_asked_once_and_each_form_gets_a_group() -> None:
    names = composed_names()
    assert list(names).count("deceased_id") == 1
    assert names["pension"] == "${drew_pension} = true()"
    # v3 (issue 16): the 企业职工 branch, six benefits to stop, the 医保 form only for bills
    # or a 职工医保 account; the 户口 is always cancelled.
    assert names["enterprise"] == "${had_enterprise_pension} = true()"
    welfare = str(names["welfare"])
    assert welfare.startswith("${had_elderly_allowance} = true() or ${had_dibao} = true()")
    assert welfare.endswith("${had_special_care} = true()") and welfare.count(" or ") == 5
    medical = "${had_employee_medical} = true() or ${medical_pending_bills} = true()"
    assert names["medical"] == medical
    assert names["hukou"] is None
    # Mapped questions are not asked again inside the forms' groups.
    assert "pension__deceased_id" not in names and "welfare__stop_dibao" not in names
    # A form's expressions follow the renaming (stop_dibao is the shared had_dibao).
    assert names["welfare__dibao_others_remain"] == "${had_dibao} = true()"


def test_composed_prefill_sources_and_choice_lists_are_renamed() -> None:
    form = catalogue().get("bundle.death_in_family", 1)  # v1 still asked the cause of death
    qs = {q.name: q for q, _ in walk(form.questions)}
    assert qs["pension__death_reason"].choices == "pension__death_reasons"
    assert "pension__death_reasons" in form.choices
    assert qs["deceased_name"].prefill is not None
    heir_id = qs["pension__heir_id"]
    assert heir_id.constraint == ". != ${deceased_id} and . != ${applicant_id}"


def test_split_answers_gives_each_form_its_own_names() -> None:
    bf = BundleForm(
        form="welfare_stop",
        version=1,
        key="w",
        same=["deceased_id"],
        rename={"stop_dibao": "had_dibao"},
    )
    composed = {
        "deceased_id": "X",
        "had_dibao": True,
        "w__dibao_others_remain": False,
        "w__items": [{"w__a": 1}],
        "other__thing": 1,
    }
    assert split_answers(bf, composed) == {
        "deceased_id": "X",
        "stop_dibao": True,
        "dibao_others_remain": False,
        "items": [{"a": 1}],
    }
    assert composed_path(bf, "stop_dibao") == "had_dibao"
    assert composed_path(bf, "items[2].a") == "w__items[2].w__a"
    assert composed_path(bf, "x") == "w__x"


def broken_bundle(tmp_path: Path, find: str, replace: str) -> list[str]:
    """Check a copy of the shipped definitions with one change to the bundle file."""
    root = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, root)
    for other in (root / "bundles").glob("death_in_family.v*.yaml"):
        if other.name != BUNDLE_FILE.name:
            other.unlink()  # only the broken version: a broken bundle is never offered
    path = root / "bundles" / BUNDLE_FILE.name
    text = path.read_text(encoding="utf-8")
    assert text.count(find) == 1, find
    path.write_text(text.replace(find, replace), encoding="utf-8")
    catalogue_, issues = load_catalogue([root])
    # A broken bundle is never offered; the other life events still are.
    assert not [key for key in catalogue_.bundles if key[0] == "death_in_family"]
    assert catalogue_.bundles
    return [str(i) for i in issues]


@pytest.mark.parametrize(
    ("find", "replace", "message"),
    [
        (
            "rename: {stop_elderly_allowance: had_elderly_allowance",
            "rename: {stop_allowance: had_elderly_allowance",
            "forms.welfare: stop_allowance: not a question of welfare_stop v1",
        ),
        (
            "rename: {stop_elderly_allowance: had_elderly_allowance",
            "rename: {stop_elderly_allowance: had_allowance",
            "'had_allowance' is not a shared question",
        ),
        (
            'when: "${drew_pension} = true()"',
            "when: \"${pension__death_reason} = 'illness'\"",
            "forms.pension.when: ${pension__death_reason} is not a shared question",
        ),
        (
            'when: "${drew_pension} = true()"',
            'when: "${drew_pension} = "',
            "forms.pension.when: ",
        ),
        (
            "  - form: hukou_cancellation\n    version: 1",
            "  - form: hukou_cancellation\n    version: 7",
            "no form hukou_cancellation version 7 in the catalogue",
        ),
        (
            "rename: {stop_elderly_allowance: had_elderly_allowance, stop_dibao: had_dibao}",
            "rename: {stop_elderly_allowance: had_elderly_allowance, stop_dibao: death_date}",
            "shared question is a date, the form's is a yes_no",
        ),
    ],
)
def test_broken_bundles_are_reported(tmp_path: Path, find: str, replace: str, message: str) -> None:
    issues = broken_bundle(tmp_path, find, replace)
    assert any(message in issue for issue in issues), issues
    assert all(issue.startswith(str(tmp_path)) for issue in issues)


def test_a_shared_choice_the_form_does_not_know_is_reported(tmp_path: Path) -> None:
    issues = broken_bundle(
        tmp_path,
        "    - {value: elsewhere, label: 在别的地方}",
        "    - {value: elsewhere, label: 在别的地方}\n    - {value: road, label: 在路上}",
    )
    assert any("choices road are not choices of the form" in i for i in issues), issues


def test_a_material_with_two_labels_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, root)
    hukou = root / "hukou_cancellation.v1.yaml"
    text = hukou.read_text(encoding="utf-8")
    hukou.write_text(text.replace("label: 户口本,", "label: 家里的户口本,"), encoding="utf-8")
    _, issues = load_catalogue([root])
    assert any("material 'hukou_book' has another label" in str(i) for i in issues)


def test_split_marks_gives_each_form_its_sources_by_its_own_names() -> None:
    """A source marked on the intake (the new 户主 picked from the household register)
    goes to the form's case under the form's own path; a shared answer's mark under each
    name the form gives it; a shared list's items stay with the intake."""
    bundle = catalogue().bundle("death_in_family", 5)
    [hukou] = [bf for bf in bundle.forms if bf.key == "hukou"]
    marks = {
        "hukou__new_head_id": {"label": "公安户籍（派出所）", "from": None},
        "deceased_name": {"label": "公安户籍（派出所）", "from": "deceased_id"},
        "family_heirs[0].heir_name": {"label": "户籍登记", "from": None},
        "pension__heirs[0].pension__heir_name": {"label": "户籍登记", "from": None},
    }
    assert split_marks(hukou, marks) == {
        "new_head_id": "公安户籍（派出所）",
        "deceased_name": "公安户籍（派出所）",
    }
    [pension] = [bf for bf in bundle.forms if bf.key == "pension"]
    assert split_marks(pension, marks)["heirs[0].heir_name"] == "户籍登记"
