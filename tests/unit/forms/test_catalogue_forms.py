"""The hall's catalogue: every form is complete, checks clean, and its example fills."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import TODAY, catalogue

from kiosk.cli import main
from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.checks import walk
from kiosk.forms.engine import FormFill
from kiosk.forms.examples import example_answers, example_path
from kiosk.services.cases import fill_case, show_case
from kiosk.services.context import KioskContext

DEFINITIONS = Path(__file__).resolve().parents[3] / "kiosk" / "forms" / "definitions"
CATALOGUE_FORMS = [
    "pension_death_benefit",
    "pension_claim",
    "disability_card",
    "elderly_allowance",
    "minimum_living",
    "temporary_assistance",
    "hukou_cancellation",
    "medical_insurance_stop",
    "welfare_stop",
    "enterprise_survivor_benefit",  # the 企业职工 branch of 家人去世 (issue 16)
    # issue 16.4: the forms of the new life events
    "family_planning_reward",
    "senior_card",
    "pension_certification",
    "household_check_authorization",
    "extreme_poverty_support",
    "medical_assistance",
    "disability_living_subsidy",
    "disability_care_subsidy",
    "birth_registration",
    "newborn_medical_insurance",
    "social_security_card",
    "childcare_subsidy",
]


# Life-event bundles, every version.
BUNDLES = [
    "death_in_family.v1",
    "death_in_family.v2",
    "death_in_family.v3",
    "death_in_family.v4",
    "death_in_family.v5",  # issue 15 point 8: fewer taps, the same answers
    "turning_60.v1",
    "turning_60.v2",
    "family_hardship.v1",
    "family_hardship.v2",
    "disability_services.v1",
    "disability_services.v2",
    "newborn.v1",
]


def test_the_catalogue_holds_every_service() -> None:
    assert {f.id for f in catalogue().latest()} == set(CATALOGUE_FORMS)


def test_forms_check_passes_on_every_definition_and_bundle(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, issues = load_catalogue()
    assert issues == []
    assert main(["forms", "check"]) == 0
    out = capsys.readouterr().out
    # Every version is checked: older versions stay loadable for drafts beside the newest
    # (issue 14's v2 without the cause of death, issue 16's corrected forms).
    versions = [p for p in DEFINITIONS.glob("*.yaml") if re.fullmatch(r".+\.v\d+\.yaml", p.name)]
    assert len(versions) > len(CATALOGUE_FORMS)
    assert f"{len(versions)} form(s) ok, 0 problem(s)" in out
    assert f"{len(BUNDLES)} bundle(s) ok" in out


@pytest.mark.parametrize("form_id", CATALOGUE_FORMS)
def test_each_form_says_what_the_hall_needs(form_id: str) -> None:
    form = catalogue().get(form_id)
    assert form.department and form.routing and form.eligibility
    assert form.materials and form.print_sections
    assert form.names.applicant and form.names.subject
    assert example_path(form).exists()


@pytest.mark.parametrize("form_id", CATALOGUE_FORMS)
def test_each_example_fills_through_the_services(ctx: KioskContext, form_id: str) -> None:
    form = catalogue().get(form_id)
    answers = example_answers(form)
    case = fill_case(ctx, form_id, answers, volunteer_id="V001")
    assert case.state == "finalized"
    assert case.department == form.department
    detail = show_case(ctx, case.number)
    # Every answer given in the example is kept (it applies, so nothing is dropped).
    for name in answers:
        assert name in detail.answers, name


@pytest.mark.parametrize("form_id", CATALOGUE_FORMS)
def test_each_example_fills_through_kiosk_fill(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], form_id: str
) -> None:
    form = catalogue().get(form_id)
    code = main(
        ["--data-dir", str(tmp_path / "cli"), "fill", form_id, "--answers", str(example_path(form))]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("case ")


@pytest.mark.parametrize("form_id", CATALOGUE_FORMS)
def test_each_example_leaves_no_problem_on_any_page(form_id: str) -> None:
    form = catalogue().get(form_id)
    fill = FormFill(form, catalogue().lists, today=TODAY)
    problems = fill.apply_answers(json.loads(example_path(form).read_text(encoding="utf-8")))
    assert [str(p) for p in problems if p.is_error] == []
    assert [str(p) for p in fill.check_all()] == []


def test_labels_ask_one_thing_as_a_person_speaks() -> None:
    """Question labels are questions or requests, not database column names."""
    for form in catalogue().latest():
        for q, _ in walk(form.questions):
            if q.type in ("group", "repeat", "calculate", "note"):
                continue
            assert q.label.endswith(("？", "。")), f"{form.id}: {q.name}: {q.label}"


def test_the_example_in_docs_forms_md_is_a_valid_form(tmp_path: Path) -> None:
    docs = Path(__file__).parents[3] / "docs" / "forms.md"
    text = docs.read_text(encoding="utf-8")
    yaml_text = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "senior_card.v1.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    loaded, issues = load_catalogue([path])
    assert [str(i) for i in issues] == []
    form = loaded.get("senior_card")
    fill = FormFill(form, loaded.lists, today=TODAY)
    problems = fill.apply_answers(
        {"elder_id": "500225194103080133", "elder_name": "张德明", "by_agent": False}
    )
    assert problems == []
    assert [p.path for p in fill.check_all()] == ["signature"]
