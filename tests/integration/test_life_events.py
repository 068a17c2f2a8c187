"""The life events of issue 16.4 (满60岁, 家里困难, 残疾人服务, 新生儿出生) end to end:
listed, their shipped example becomes one case per applicable form through the CLI, and
the whole set prints (one PDF: a cover, then each form)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import catalogue

from kiosk.cli import main
from kiosk.forms.examples import example_path
from kiosk.services.bundles import fill_bundle, list_bundles
from kiosk.services.context import KioskContext

# bundle id → the forms its shipped example makes cases of, in bundle order
EXAMPLES = {
    "turning_60": ["pension_claim", "family_planning_reward", "senior_card"],
    "family_hardship": ["household_check_authorization", "minimum_living", "medical_assistance"],
    "disability_services": ["disability_living_subsidy", "disability_care_subsidy"],
    "newborn": [
        "birth_registration",
        "newborn_medical_insurance",
        "social_security_card",
        "childcare_subsidy",
    ],
}


def example(bundle_id: str) -> dict[str, object]:
    form = catalogue().get(f"bundle.{bundle_id}")
    data: dict[str, object] = json.loads(example_path(form).read_text(encoding="utf-8"))
    return data


def test_the_life_events_are_listed(ctx: KioskContext) -> None:
    listed = {info.id: info for info in list_bundles(ctx)}
    assert set(EXAMPLES) <= set(listed)
    for bundle_id in EXAMPLES:
        bundle = ctx.catalogue.bundle(bundle_id)
        assert listed[bundle_id].form_ids == [bf.form for bf in bundle.forms]


@pytest.mark.parametrize("bundle_id", sorted(EXAMPLES))
def test_the_example_makes_one_case_per_applicable_form(ctx: KioskContext, bundle_id: str) -> None:
    cases = fill_bundle(ctx, bundle_id, example(bundle_id), volunteer_id="V001")
    assert [c.form_id for c in cases] == EXAMPLES[bundle_id]
    assert len({c.bundle_id for c in cases}) == 1


@pytest.mark.parametrize("bundle_id", sorted(EXAMPLES))
def test_cli_fill_and_print_the_whole_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bundle_id: str
) -> None:
    home = ["--data-dir", str(tmp_path / "cli")]
    assert main(["bundle", "example", bundle_id]) == 0
    answers = tmp_path / "answers.json"
    answers.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main([*home, "bundle", "fill", bundle_id, "--answers", str(answers)]) == 0
    *lines, bundle_line = capsys.readouterr().out.splitlines()
    assert [line.split()[3] for line in lines] == EXAMPLES[bundle_id]
    found = re.search(r"bundle ([0-9a-f-]{36})", bundle_line)
    assert found is not None
    pdf = tmp_path / "set.pdf"
    assert main([*home, "print", "--bundle", found.group(1), "--out", str(pdf)]) == 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    # a cover page, then at least one page per form
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) > len(EXAMPLES[bundle_id])
