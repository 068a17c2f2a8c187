"""What goes on the paper: a finalized case turned into plain print data (no drawing here).

Sections follow the form's ``print`` layout and the skip logic: only the answers
frozen at finalize (the ones that applied) appear, a repeat becomes a table, and
any answered question a layout forgot is still printed under 其他 rather than
silently dropped. Labels are the questions' ``print_label`` (the noun an official
form uses: 姓名, 公民身份号码), values are formatted by the question's type. The
form's routing gives one approval section per office, ``print_signers`` the
signature boxes. The renderer (kiosk.printing.pdf) only draws what this builds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from kiosk.domain.case_packet import CasePacket
from kiosk.forms.engine import FormFill
from kiosk.forms.policy import for_residents
from kiosk.forms.schema import Choice, FormDefinition, PrintSigner, Question
from kiosk.forms.value_problems import is_empty
from kiosk.printing.compact import item_slots, top_slots
from kiosk.printing.sheet_data import (
    Approval,
    BundleCover,
    CaseSheet,
    Desk,
    Material,
    Row,
    Section,
    Signer,
    Table,
    needs_materials_notice,
)

# The print data's classes live in kiosk.printing.sheet_data (no form code); named here too.
__all__ = [
    "Approval",
    "BundleCover",
    "CaseSheet",
    "Desk",
    "Material",
    "Row",
    "Section",
    "Signer",
    "Table",
    "approvals",
    "build_sections",
    "build_sheet",
    "combine_materials",
    "materials_needed",
    "merge_copies",
    "needs_materials_notice",
    "print_label",
    "rules_lines",
    "short_label",
    "signers",
    "summary",
]

NOT_PRINTED = frozenset({"signature", "note"})  # drawn as boxes / declaration instead
# Values printed on one line whatever the column width (a wrapped ID number is misread).
WHOLE = frozenset({"id_number", "bank_account", "phone", "date", "money", "number"})


def rules_lines(form: FormDefinition) -> list[str]:
    """The printed 办事规则 of a form (empty when the form states none)."""
    rules = form.rules
    if rules is None:
        return []
    # Residents read the sheet: no staff mark 待核实 (kiosk.forms.policy.for_residents).
    basis = "；".join(
        for_residents(d.title)
        + (f"（{number}）" if (number := for_residents(d.number)) else "")
        + for_residents(d.article)
        for d in rules.legal_basis
    )
    # Three lines, not six: the block must not push a typical case off one sheet (issue 13).
    return [
        f"办理依据：{basis}",
        f"办理时限（申请人）：{for_residents(rules.time_limit.resident.text)}；"
        f"办结时限（办理机关）：{for_residents(rules.time_limit.office)}",
        f"收费：{for_residents(rules.fee)}；审批机关：{rules.deciding_office}；"
        f"监督投诉：{rules.complaint.name} {rules.complaint.phone}",
    ]


def _fill(
    form: FormDefinition, lists: dict[str, list[Choice]], answers: dict[str, Any], as_of: date
) -> FormFill:
    # The rules (materials) are judged as of the finalize day: a reprint shows what the
    # resident was told then, not what a later day's age or deadline would say.
    return FormFill(form, lists, today=as_of, answers=answers)


def print_label(q: Question) -> str:
    """The label on paper: the question's print_label, else its label without "？"."""
    return q.print_label or short_label(q.label)


def _row(fill: FormFill, q: Question, value: Any) -> Row:
    return Row(print_label(q), fill.display(q, value), q.type in WHOLE)


def _cell(fill: FormFill, q: Question, value: Any) -> str:
    if q.type != "repeat":
        return fill.display(q, value)
    # A nested repeat inside a table cell: its items one after the other.
    parts = []
    for n, item in enumerate(value or [], 1):
        words = "，".join(
            f"{print_label(c)}{fill.display(c, item.get(c.name))}"
            for c in item_slots(q)
            if c.type not in NOT_PRINTED and not is_empty(item.get(c.name))
        )
        parts.append(f"{n}. {words}")
    return "；".join(parts)


def _table(fill: FormFill, repeat: Question, items: list[dict[str, Any]]) -> Table:
    columns = [q for q in item_slots(repeat) if q.type not in NOT_PRINTED]
    used = [q for q in columns if any(not is_empty(i.get(q.name)) for i in items)]
    headers = ["序号", *(print_label(q) for q in used)]
    rows = [
        [str(n), *(_cell(fill, q, item.get(q.name)) for q in used)]
        for n, item in enumerate(items, 1)
    ]
    return Table(headers, rows, [True, *(q.type in WHOLE for q in used)])


def short_label(label: str) -> str:
    """A question without a print_label: drop the question mark, keep every word (a
    shortened header such as 人姓名 misleads more than a long one)."""
    return label.rstrip("？?。").strip()


def build_sections(fill: FormFill, answers: dict[str, Any]) -> list[Section]:
    form = fill.form
    slots = {q.name: q for q in top_slots(form)}
    printed: set[str] = set()
    sections: list[Section] = []
    layout = [(s.title, s.questions) for s in form.print_sections] or [
        (q.label or q.name, [c.name for c in item_slots(q)])
        for q in form.questions
        if q.type == "group"
    ]
    for title, names in layout:
        blocks = _blocks(fill, [slots[n] for n in names if n in slots], answers)
        printed.update(names)
        if blocks:
            sections.append(Section(title, blocks))
    rest = [q for name, q in slots.items() if name not in printed]
    blocks = _blocks(fill, rest, answers)
    if blocks:
        sections.append(Section("其他", blocks))
    return sections


def _blocks(
    fill: FormFill, questions: list[Question], answers: dict[str, Any]
) -> list[Row | Table]:
    blocks: list[Row | Table] = []
    for q in questions:
        value: Any = answers.get(q.name)
        if is_empty(value) or q.type in NOT_PRINTED:
            continue
        if q.type == "repeat":
            blocks.append(_table(fill, q, list(value)))
        else:
            blocks.append(_row(fill, q, value))
    return blocks


def materials_needed(fill: FormFill, photographed: dict[str, int] | None = None) -> list[Material]:
    """The materials that apply to these answers (a material's ``relevant`` is an
    expression), each with the pages photographed of it (material id → pages)."""
    pages = photographed or {}
    return [Material(m.label, m.copies or "", m.id, pages.get(m.id, 0)) for m in fill.materials()]


def build_sheet(
    form: FormDefinition,
    lists: dict[str, list[Choice]],
    packet: CasePacket,
    *,
    hall: str,
    volunteer: str,
    identity_payload: str,
    data_payloads: list[str],
    notices: list[str] | None = None,
    consent: str = "",
    photographed: dict[str, int] | None = None,
) -> CaseSheet:
    """``notices``: the hall's word on the case so far (需补材料 and what is missing);
    ``photographed``: pages captured per material id (printed as 已拍照 N 页)."""
    fill = _fill(form, lists, packet.answers, _local_date(packet.finalized_at) or date.today())
    declaration = next(
        (q.label for q in _all_questions(form.questions) if q.type == "note" and "保证" in q.label),
        "我保证以上填写的内容真实。如不真实，愿意承担相应责任。",
    )
    signed = any(
        q.type == "signature" and not is_empty(packet.answers.get(q.name)) for q in top_slots(form)
    )
    title = form.print_title or form.title
    return CaseSheet(
        title=title,
        department=form.department,
        hall=hall,
        number=packet.number,
        form_ref=f"{form.id} v{form.version}",
        finalized=_date_words(packet.finalized_at),
        sections=build_sections(fill, packet.answers),
        materials=materials_needed(fill, photographed),
        routing=[Desk(s.desk, s.does) for s in form.routing],
        declaration=f"{declaration}\n{consent}" if consent else declaration,
        signed_on_screen=signed,
        volunteer=volunteer,
        identity_payload=identity_payload,
        data_payloads=data_payloads,
        notices=list(notices or []),
        signers=signers(form, packet.answers, _date_words(packet.finalized_at)),
        approvals=approvals(form),
        summary=summary(fill, packet.answers, packet.number, title),
        photo=form.print_photo,
        consent=consent,
        rules=rules_lines(form),
    )


def signers(form: FormDefinition, answers: dict[str, Any], when: str) -> list[Signer]:
    """The signature boxes: ``print_signers`` whose name was answered (a 代办人 or
    监护人 only when one acted; the first, the 申请人, always), else one 申请人 box.

    One touch signature may be listed on several signers ("请申请人或监护人签名"): it is
    drawn in the box of the last of them who is present, the person at the screen."""
    listed = form.print_signers or [
        PrintSigner(
            role="申请人",
            name=form.names.applicant or "",
            signature=next((q.name for q in top_slots(form) if q.type == "signature"), None),
        )
    ]
    single = [s for s in listed if s.repeat is None]
    present = [s for k, s in enumerate(single) if k == 0 or not is_empty(answers.get(s.name))]
    owner = {s.signature: s for s in present if s.signature}  # the last present one wins
    out = []
    for s in listed:
        if s.repeat is not None:
            # Every item of the repeat signs the paper (每个成年家庭成员): a box each.
            for item in answers.get(s.repeat) or []:
                name = item.get(s.name) if isinstance(item, dict) else None
                out.append(Signer(s.role, str(name or ""), None, when))
            continue
        if s not in present:
            continue
        stroke = answers.get(s.signature) if s.signature and owner[s.signature] is s else None
        name = answers.get(s.name)
        out.append(Signer(s.role, str(name or ""), str(stroke) if stroke else None, when))
    return out


def approvals(form: FormDefinition) -> list[Approval]:
    """One approval section per routing step (unless ``approval: false``), in order."""
    out = []
    for step in form.routing:
        if step.approval is False:
            continue
        title = step.approval if isinstance(step.approval, str) else f"{step.desk}意见"
        out.append(Approval(title, list(step.roles)))
    return out


def summary(fill: FormFill, answers: dict[str, Any], number: str, title: str) -> list[Row]:
    """Who and what, printed with the declaration so the signed sheet names its case."""
    form = fill.form
    slots = {q.name: q for q in top_slots(form)}
    rows = [Row("申请事项", title), Row("办件编号", number, True)]
    people = [("申请人", form.names.applicant, form.applicant)]
    if form.subject != form.applicant:
        people.append(("事由人", form.names.subject, form.subject))
    for role, name_q, id_q in people:
        name = answers.get(name_q or "")
        if not is_empty(name):
            who = f"{name}（{print_label(slots[id_q])} {answers.get(id_q, '')}）"
            label = role if role == "申请人" else print_label(slots[name_q or ""])
            rows.append(Row(label, who))
    return rows


def _all_questions(qs: list[Question]) -> list[Question]:
    out = []
    for q in qs:
        out.append(q)
        out.extend(_all_questions(q.children))
    return out


def _local_date(iso: str) -> date | None:
    """The finalize time (UTC, ISO with Z) as the hall's local date."""
    try:
        moment = datetime.fromisoformat(iso.removesuffix("Z")).replace(tzinfo=UTC)
    except ValueError:
        return None
    return moment.astimezone().date()


def _date_words(iso: str) -> str:
    d = _local_date(iso)
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"


def combine_materials(sheets: list[CaseSheet]) -> list[Material]:
    """Each material once, in first-seen order (a bundle's forms often ask for the same ID
    card): merged by material id (the label for one without), the copies reconciled
    (``merge_copies``), the photographed pages the most any form has."""
    seen: dict[str, Material] = {}
    for sheet in sheets:
        for m in sheet.materials:
            key = m.id or m.label
            first = seen.get(key)
            if first is None:
                seen[key] = m
                continue
            seen[key] = replace(
                first,
                copies=merge_copies(first.copies, m.copies) or "",
                photographed=max(first.photographed, m.photographed),
            )
    return list(seen.values())


def merge_copies(first: str | None, second: str | None) -> str | None:
    """One paper needed by two forms: the copies that serve both. When one form's ask
    holds the other's ("原件" within "原件和复印件1份") the larger is enough; else both
    are said ("原件（交回）；复印件2份"). Never "原件；原件和复印件1份" (brk16 finding 11)."""
    if not first or not second or first == second:
        return first or second
    if first in second:
        return second
    if second in first:
        return first
    return f"{first}；{second}"
