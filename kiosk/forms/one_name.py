"""One name per ID number across a form (a bundle: the heirs, the new 户主, the applicant).

A name question hangs off an ID-number question when its prefill says so
(``prefill: {from: heir_id, field: name}``): the pair names one person. When a person
corrects the name in one pair, every other pair holding the same number takes the
corrected name (its register mark goes: the register said otherwise), so the pension
form and the 户口 form never name one number two ways. A number the form refuses in one
of the places (the applicant's number typed as the deceased's) is a mistake, not one
person: its names are left alone. Lists copied from another
(kiosk.forms.copy_items) follow their source and are left alone here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.forms.paths import Instance, format_path
from kiosk.forms.value_problems import is_empty

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill
    from kiosk.forms.model import FormModel

NAME_FIELD = "name"


def name_pairs(model: FormModel) -> list[tuple[str, str]]:
    """(ID-number question, its name question) for every name prefilled from a number in
    the same item, copied lists left out."""
    out = []
    for node in model.nodes.values():
        q = node.question
        if q.prefill is None or q.prefill.field != NAME_FIELD or q.name in model.copied:
            continue
        source = model.nodes.get(q.prefill.source)
        if source is None or source.question.type != "id_number":
            continue
        if source.repeats == node.repeats:
            out.append((source.name, q.name))
    return out


def follow_name(fill: FormFill, name_q: str, inst: Instance, value: Any) -> set[str]:
    """The person set ``name_q`` at ``inst`` to ``value``: the other names of the same ID
    number take it. Returns the question names whose value changed."""
    pairs = name_pairs(fill.model)
    mine = next((i for i, n in pairs if n == name_q), None)
    if mine is None or is_empty(value):
        return set()
    number = fill.value(format_path(mine, inst))
    if is_empty(number) or _refused(fill, format_path(mine, inst)):
        return set()
    changed: set[str] = set()
    for id_q, other_name in pairs:
        for other in fill.instances_from((), fill.model.nodes[id_q].repeats):
            id_path = format_path(id_q, other)
            if (id_q, other) == (mine, inst) or fill.value(id_path) != number:
                continue
            if _refused(fill, id_path):
                continue  # one number in two places the form forbids (the deceased's as
                # the applicant's): a mistake to fix, not one person to name alike
            path = format_path(other_name, other)
            current = fill.value(path)
            if is_empty(current) or current == value:
                continue  # nothing to disagree with (an empty name is asked or prefilled)
            fill.marks.forget(path)
            fill.store_unchecked(path, value)
            changed.add(other_name)
    return changed


def _refused(fill: FormFill, id_path: str) -> bool:
    return any(p.is_error for p in fill.check_page(id_path))
