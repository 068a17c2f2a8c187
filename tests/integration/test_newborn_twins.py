"""Twins (issue 16.4): a parent's second child is a claim of its own, not 同样的申请.

The newborn forms and bundle name a ``duplicate_key`` (the child's name and birth date):
the duplicate check compares the parent's ID number together with the child, so the
second twin's intake goes through, while the same child twice is still stopped.
"""

from __future__ import annotations

import json

import pytest
from helpers import catalogue

from kiosk.forms.examples import example_path
from kiosk.services.bundles import fill_bundle
from kiosk.services.context import KioskContext
from kiosk.services.duplicates import DuplicateClaim

FORMS = [
    "birth_registration",
    "newborn_medical_insurance",
    "social_security_card",
    "childcare_subsidy",
]


def newborn() -> dict[str, object]:
    form = catalogue().get("bundle.newborn")
    data: dict[str, object] = json.loads(example_path(form).read_text(encoding="utf-8"))
    return data


def test_the_second_twin_is_not_a_duplicate(ctx: KioskContext) -> None:
    first = fill_bundle(ctx, "newborn", newborn(), volunteer_id="V001")
    twin = fill_bundle(ctx, "newborn", newborn() | {"child_name": "冉小雨"}, volunteer_id="V001")
    assert [c.form_id for c in first] == [c.form_id for c in twin] == FORMS
    assert {c.number for c in first}.isdisjoint({c.number for c in twin})


def test_the_same_child_twice_is_still_a_duplicate(ctx: KioskContext) -> None:
    fill_bundle(ctx, "newborn", newborn(), volunteer_id="V001")
    # A stray space in the name is the same child.
    again = newborn() | {"child_name": f" {newborn()['child_name']} "}
    with pytest.raises(DuplicateClaim):
        fill_bundle(ctx, "newborn", again, volunteer_id="V001")


def test_the_claim_identity_joins_the_subject_and_the_key() -> None:
    form = catalogue().get("birth_registration")
    answers = {"applicant_id": "X", "child_name": " 小明 ", "child_birth_date": "2026-10-02"}
    assert form.claim_identity(answers) == "X|小明|2026-10-02"
    assert form.claim_identity({"child_name": "小明"}) is None
    # Forms without a key keep one claim per subject.
    assert catalogue().get("minimum_living").claim_identity({"applicant_id": "X"}) == "X"
