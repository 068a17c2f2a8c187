"""What an answers document says that the case will not hold, or holds in doubt
(``kiosk fill`` / ``kiosk bundle fill``): notes in English, one per field, for the
operator. Nothing here refuses: errors are the fill's own (kiosk.services.cases).

- Dropped answers: a question whose condition does not hold (纸质的 death proof with a
  certificate number), a derived answer (computed from others, whatever the file says),
  a copied list's field (it follows its source), an item beyond those a copied list has
  (four consents for three heirs).
- Doubts against the register: an answer (a name, a flag) that differs from what the records
  say for its ID number, two names for one number in the document, and a number offered as a known
  person (the new 户主) outside the subject's household. Register values are never
  printed: the note names the fields only.
"""

from __future__ import annotations

from typing import Any

from kiosk.domain.errors import DomainError
from kiosk.forms.engine import FormFill
from kiosk.forms.one_name import name_pairs
from kiosk.forms.paths import Instance, format_path
from kiosk.forms.schema import FormDefinition
from kiosk.forms.value_problems import is_empty
from kiosk.forms.values import coerce
from kiosk.services.context import KioskContext


def answer_notes(
    ctx: KioskContext,
    form: FormDefinition,
    answers: dict[str, Any],
    *,
    resident_id: str | None = None,
) -> list[str]:
    """Every note on ``answers`` for ``form`` (``path: what``), in document order."""
    fill = FormFill(
        form, ctx.catalogue.lists, today=ctx.today(), prefill=ctx.prefill, resident_id=resident_id
    )
    fill.apply_answers(answers)
    notes: list[str] = []
    _dropped(fill, answers, (), notes)
    return notes + _registered(ctx, fill) + _names(ctx, fill) + _households(ctx, fill)


def _dropped(fill: FormFill, doc: dict[str, Any], inst: Instance, out: list[str]) -> None:
    chain = tuple(r for r, _ in inst)
    model = fill.model
    for key, value in doc.items():
        node = model.nodes.get(str(key))
        if node is None or node.repeats != chain or is_empty(value):
            continue  # an unknown question is an error of the fill itself
        q = node.question
        path = format_path(q.name, inst)
        if q.type == "calculate":
            out.append(f"{path}: ignored: derived from other answers, not taken from the file")
        elif not fill.relevant(q.name, inst):
            out.append(f"{path}: ignored: not asked with these answers (its condition is false)")
        elif q.name in model.copied:
            if fill.value(path) != value:
                out.append(f"{path}: ignored: copied from the shared list, not from the file")
        elif q.type == "repeat" and isinstance(value, list):
            have = len(fill.raw_items(q.name, inst))
            for i, item in enumerate(value):
                if i >= have:
                    source = q.copy_items.source if q.copy_items else q.name
                    out.append(
                        f"{format_path(q.name, inst)}[{i}]: ignored: the list has {have} "
                        f"item(s), one per item of {source}"
                    )
                elif isinstance(item, dict):
                    _dropped(fill, item, (*inst, (q.name, i)), out)


def _registered(ctx: KioskContext, fill: FormFill) -> list[str]:
    """An answer the file gives against what the records say for its ID number (a name, a
    flag such as a beneficiary on record): the file's answer stands, said as a doubt."""
    out: list[str] = []
    for node in fill.model.nodes.values():
        q = node.question
        if q.prefill is None or q.name in fill.model.copied:
            continue
        source = q.prefill.source
        if source == "@resident" or fill.model.nodes[source].repeats != node.repeats:
            continue  # the resident's own number is the file's to give
        for inst in fill.instances_from((), node.repeats):
            id_path = format_path(source, inst)
            number = fill.value(id_path)
            value = fill.value(format_path(q.name, inst))
            if is_empty(number) or is_empty(value) or not fill.relevant(q.name, inst):
                continue
            known = ctx.prefill.lookup(str(number), today=fill.today).get(q.prefill.field)
            if known is None:
                continue
            expected, problems = coerce(q, known.value, today=fill.today, choices=fill.choices(q))
            if expected is None or any(p.is_error for p in problems) or expected == value:
                continue
            out.append(
                f"{format_path(q.name, inst)}: warning: differs from what {known.source} has "
                f"for the ID number at {id_path}"
            )
    return out


def _names(ctx: KioskContext, fill: FormFill) -> list[str]:
    """Two names for the same number in the document (the 户主 beside an heir)."""
    out: list[str] = []
    first: dict[str, tuple[str, Any]] = {}
    for id_q, name_q in name_pairs(fill.model):
        for inst in fill.instances_from((), fill.model.nodes[id_q].repeats):
            if not (fill.relevant(id_q, inst) and fill.relevant(name_q, inst)):
                continue
            number = fill.value(format_path(id_q, inst))
            name = fill.value(format_path(name_q, inst))
            if is_empty(number) or is_empty(name):
                continue
            path = format_path(name_q, inst)
            seen = first.setdefault(str(number), (path, name))
            if seen[1] != name:
                out.append(f"{path}: warning: another name for the same ID number as {seen[0]}")
    return out


def _households(ctx: KioskContext, fill: FormFill) -> list[str]:
    """A known-person number (the new 户主) outside the subject's household."""
    from kiosk.services import registry

    subject = fill.answers.get(fill.form.subject)
    asks = [n for n in fill.model.nodes.values() if n.question.pick_known_person]
    if not asks or is_empty(subject):
        return []
    try:
        members = {m.id_number for m in registry.household_members(ctx, str(subject))}
    except DomainError:
        return []  # a bad subject number is the fill's own error
    out = []
    for node in asks:
        for inst in fill.instances_from((), node.repeats):
            path = format_path(node.name, inst)
            value = fill.value(path)
            inside = is_empty(value) or str(value).upper() in members
            if members and fill.relevant(node.name, inst) and not inside:
                out.append(
                    f"{path}: warning: not in the household of {fill.form.subject} per the register"
                )
    return out
