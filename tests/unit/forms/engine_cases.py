"""What the engine tests share: the top-level pages of the death-benefit form in order,
and ``paths`` of the pages a fill shows."""

from __future__ import annotations

from kiosk.forms.engine import FormFill

TOP_PAGES = [
    "deceased_id",
    "deceased_name",
    "deceased_sex",
    "deceased_birth_date",
    "deceased_village",
    "death_date",
    "drew_pension",
    "death_proof_type",
    "applicant_id",
    "applicant_name",
    "applicant_relationship",
    "applicant_phone",
    "is_beneficiary",
    "pay_to_social_security_card",
    "declaration",
    "applicant_signature",
]


def paths(fill: FormFill) -> list[str]:
    return [p.path for p in fill.pages()]
