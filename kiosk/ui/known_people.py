"""People the case already holds, offered on an ID-number question to pick with one touch
(a form's ``pick_known_person``: the new 户主 after a death). No Qt here: the lookup runs
off the GUI thread like every service call (kiosk/ui/ops.py).

Two places know people: the household register (the members of the subject's household,
the subject left out) and the answers themselves (the people named in the form's lists,
e.g. the heirs the resident entered, each item's name and ID number). A picked person's
number is saved as the answer marked with where it came from (据…，请核对) and checked by
the form like a typed number (``cases.answer_from_record``): a number the form refuses is
refused, never saved silently. When the register knows the subject's household, the
people outside it are labelled so on their button (不在户口本上), and a typed number
outside it comes back with a warning to confirm (``answer_known_person``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kiosk.domain.errors import ValidationProblem
from kiosk.forms.engine import FormFill
from kiosk.forms.results import AnswerProblem
from kiosk.forms.schema import Question
from kiosk.services import cases
from kiosk.services.context import KioskContext
from kiosk.services.views import AnswerResult
from kiosk.ui.backend import optional

log = logging.getLogger(__name__)
HOUSEHOLD_SOURCE = "户籍登记"  # when the register does not name its own source
LISTED_SOURCE = "本次填写的{list}"  # 本次填写的其他继承人
NOT_IN_BOOK = "，不在户口本上"  # 张秀兰（其他继承人，不在户口本上）
OUTSIDE_HOUSEHOLD = (
    "户籍登记里，这个号码的人不在{subject}的户口本上。新户主一般是同一个户口本上的人，"
    "请再核对一下号码；确实是他（她），就点“继续，用这个号码”。"
)


@dataclass(frozen=True)
class KnownPerson:
    """One person to pick: ``text`` as shown on the button (李桂兰（户主的配偶）), the ID
    number copied into the answer, and the source its mark says (户籍登记)."""

    text: str
    id_number: str
    source: str
    origins: tuple[str, ...] = ()  # the answers it was taken from (kiosk.forms.prefill_marks)


def known_people(
    ctx: KioskContext, fill: FormFill, *, with_register: bool = True
) -> list[KnownPerson]:
    """The household register's members of the subject's household (only ``with_register``:
    a typed number alone shows no registry data), then the people named in the answers'
    lists, each ID number once (the register's entry first), the subject never. [] when
    neither knows anyone; a failing register lookup is logged (no personal data) and
    leaves its people out."""
    subject = str(fill.answers.get(fill.form.subject) or "")
    out: list[KnownPerson] = []
    seen = {subject} if subject else set()
    household = _household(ctx, fill, subject) if with_register else []
    for person in [*household, *_listed(fill)]:
        if person.id_number not in seen:
            seen.add(person.id_number)
            out.append(person)
    if household:  # the register knows the household: say who is not in it
        members = {p.id_number for p in household}
        out = [p if p.id_number in members else _outside(p) for p in out]
    return out


def _outside(person: KnownPerson) -> KnownPerson:
    """张秀兰（其他继承人） → 张秀兰（其他继承人，不在户口本上）."""
    text = person.text[:-1] + NOT_IN_BOOK + "）" if person.text.endswith("）") else person.text
    return KnownPerson(text, person.id_number, person.source, person.origins)


def _household(ctx: KioskContext, fill: FormFill, subject: str) -> list[KnownPerson]:
    registry = optional("kiosk.services.registry")
    members_of = getattr(registry, "household_members", None)
    if members_of is None or not subject:
        return []
    try:
        members = members_of(ctx, subject, include_self=False)
        found = registry.find_resident(ctx, subject)  # type: ignore[union-attr]
    except Exception:
        log.exception("household lookup failed")
        return []
    source = (found.sources.get("household") if found else None) or HOUSEHOLD_SOURCE
    origins = (fill.form.subject,)  # another subject, another household: asked again
    return [
        KnownPerson(f"{m.name}（{m.role_label}）", m.id_number, source, origins) for m in members
    ]


def _listed(fill: FormFill) -> list[KnownPerson]:
    """Each item of a top-level list with a name (its first text question) and an ID
    number: the heirs the resident entered. Copied lists (a bundle's form list filled from
    the shared one) repeat the same people and are left out."""
    out = []
    for q in _lists(fill.form.questions):
        name_q = next((c.name for c in q.children if c.type == "text"), None)
        id_q = next((c.name for c in q.children if c.type == "id_number"), None)
        if not (name_q and id_q):
            continue
        title = q.print_label or q.label
        source = LISTED_SOURCE.format(list=title)
        for i, item in enumerate(fill.items(q.name)):
            name, number = item.get(name_q), item.get(id_q)
            if name and number:
                # Taken from this item's number, for this subject: a change to either
                # clears the pick (kiosk.forms.prefill_marks).
                origins = (f"{q.name}[{i}].{id_q}", fill.form.subject)
                out.append(KnownPerson(f"{name}（{title}）", str(number), source, origins))
    return out


def _lists(questions: list[Question]) -> list[Question]:
    found = []
    for q in questions:
        if q.type == "repeat" and q.copy_items is None:
            found.append(q)
        elif q.type == "group":
            found += _lists(q.children)
    return found


def pick_person(
    ctx: KioskContext, case_id: str, path: str, person: KnownPerson, actor: str
) -> AnswerResult:
    """Save ``person``'s ID number as the answer at ``path``, marked with its source; the
    form's checks run as for a typed number (problems come back, nothing saved on error)."""
    return cases.answer_from_record(
        ctx,
        case_id,
        {path: person.id_number},
        person.source,
        actor=actor,
        origins={path: person.origins},
    )


def answer_known_person(
    ctx: KioskContext,
    case_id: str,
    path: str,
    value: object,
    actor: str,
    *,
    with_register: bool,
) -> AnswerResult:
    """Save a typed number on a ``pick_known_person`` question (``cases.answer``); when
    the session may see the register (``with_register``) and it knows the subject's
    household, a number outside it comes back with a warning (OUTSIDE_HOUSEHOLD): the
    flow shows it with 继续，用这个号码, never silence. The register failing: no warning
    (logged, no personal data)."""
    result = cases.answer(ctx, case_id, path, value, actor=actor)
    if not with_register or not result.ok or not value:
        return result
    fill = result.draft.fill
    subject = str(fill.answers.get(fill.form.subject) or "")
    household = _household(ctx, fill, subject)
    if not household or str(value).upper() in {p.id_number for p in household}:
        return result
    names = fill.form.names
    who = fill.answers.get(names.subject) if names and names.subject else None
    message = OUTSIDE_HOUSEHOLD.format(subject=who or "去世的人")
    en = "the number is not in the subject's household"
    doubt = ValidationProblem("household.outside", message, en, severity="warning")
    return AnswerResult(
        [*result.problems, AnswerProblem(path, fill.question(path).label, doubt)], result.draft
    )
