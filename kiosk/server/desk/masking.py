"""Numbers on the case page: ID numbers, bank accounts and phones are masked, as on
every screen outside the page where they were entered (docs/privacy.md), in the answers
as in the header. Staff who must read one (to compare with the ID card in hand) press
显示完整号码: an audited action that shows that page once with the numbers in clear.
Names stay in clear on the case page: the desk calls the resident by name.
"""

from __future__ import annotations

from typing import Any

from kiosk.domain.masking import mask_bank_account, mask_id_number, mask_phone
from kiosk.forms.engine import FormFill
from kiosk.forms.schema import Question

MASKS = {"id_number": mask_id_number, "bank_account": mask_bank_account, "phone": mask_phone}


def has_numbers(questions: list[Question]) -> bool:
    """Whether a form asks for any number the page masks (at any depth)."""
    return any(q.type in MASKS or has_numbers(q.children) for q in questions)


class MaskedNumbersFill(FormFill):
    """A fill whose answers in words (``display``) mask ID, bank and phone numbers; the
    print sections built from it (kiosk.printing.sheet.build_sections) are the page's."""

    def display(self, q: Question, value: Any) -> str:
        mask = MASKS.get(q.type)
        if mask is None:
            return super().display(q, value)
        text = super().display(q, value)
        return mask(text) if text else text
