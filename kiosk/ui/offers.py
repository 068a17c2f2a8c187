"""What a person can start (a service form, or a life-event bundle), in plain data."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.forms.policy import for_residents
from kiosk.forms.schema import FormDefinition, Material
from kiosk.ui import strings as S


@dataclass(frozen=True)
class Offer:
    """One thing a person can start: a form, or a life-event bundle of forms."""

    key: str  # form id or bundle id
    title: str
    description: str
    group: str  # department, or 生活事件
    materials: list[Material] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # eligibility, or the forms in a bundle
    is_bundle: bool = False
    # The resident's deadlines from the forms' rules (办理时限), shown before starting.
    deadlines: list[str] = field(default_factory=list)


def offer_for_form(form: FormDefinition) -> Offer:
    return Offer(
        form.id,
        form.title,
        form.description,
        form.department,
        list(form.materials),
        list(form.eligibility),
        deadlines=[for_residents(form.rules.time_limit.resident.text)] if form.rules else [],
    )


def material_line(m: Material) -> str:
    text = (
        S.MATERIAL_LINE.format(label=m.label, copies=m.copies or "") if m.copies else f"□ {m.label}"
    )
    return text + (S.MATERIALS_IF if m.relevant else "")
