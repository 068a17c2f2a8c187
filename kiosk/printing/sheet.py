"""What goes on the paper: a finalized case turned into plain print data (no drawing here).

Sections follow the form's ``print`` layout and the skip logic: only the answers
frozen at finalize (the ones that applied) appear, a repeat becomes a table, and
any answered question a layout forgot is still printed under 其他 rather than
silently dropped. The renderer (kiosk.printing.pdf) only draws what this builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from kiosk.domain.case_packet import CasePacket
from kiosk.forms.engine import FormFill
from kiosk.forms.schema import Choice, FormDefinition, Question
from kiosk.forms.values import display, is_empty
from kiosk.printing.compact import item_slots, top_slots

NOT_PRINTED = frozenset({"signature", "note"})  # drawn as boxes / declaration instead


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list[Row | Table]


@dataclass(frozen=True)
class Material:
    label: str
    copies: str


@dataclass(frozen=True)
class Desk:
    desk: str
    does: str


@dataclass
class CaseSheet:
    """One case's printed form."""

    title: str
    department: str
    hall: str
    number: str
    form_ref: str  # "pension_death_benefit v1"
    finalized: str  # date in words
    sections: list[Section]
    materials: list[Material]
    routing: list[Desk]
    declaration: str
    signed_on_screen: bool
    volunteer: str  # "V001 王芳" or "" when the resident filled it alone
    identity_payload: str
    data_payloads: list[str]
    eligibility: list[str] = field(default_factory=list)
    # The notice-and-consent record in one sentence (kiosk.services.consent); printed
    # under the declaration until the layout gives it its own small section.
    consent: str = ""


@dataclass
class BundleCover:
    """The cover page of a life-event bundle: every form, the materials once."""

    title: str
    hall: str
    cases: list[tuple[str, str, str]]  # (number, title, department)
    materials: list[Material]
    volunteer: str


def _fill(
    form: FormDefinition, lists: dict[str, list[Choice]], answers: dict[str, Any]
) -> FormFill:
    # today only matters to expressions; the answers are frozen and not re-checked here
    return FormFill(form, lists, today=date.today(), answers=answers)


def _row(fill: FormFill, q: Question, value: Any) -> Row:
    label = q.label.rstrip("？?")
    return Row(label, display(q, value, fill.choices(q)))


def _table(fill: FormFill, repeat: Question, items: list[dict[str, Any]]) -> Table:
    columns = [q for q in item_slots(repeat) if q.type not in NOT_PRINTED]
    used = [q for q in columns if any(not is_empty(i.get(q.name)) for i in items)]
    headers = ["序号", *(_short(q.label) for q in used)]
    rows = [
        [str(n), *(display(q, item.get(q.name), fill.choices(q)) for q in used)]
        for n, item in enumerate(items, 1)
    ]
    return Table(headers, rows)


# Table headers are narrow: a question in the words of the desk becomes a column name.
_HEADER_PHRASES = (
    ("叫什么名字", "姓名"),
    ("身份证号码是多少", "身份证号码"),
    ("是老人的什么人", "与老人的关系"),
    ("是多少", ""),
    ("是什么", ""),
)


def _short(label: str) -> str:
    """这位继承人叫什么名字？ → 姓名: drop the repeated subject and the question form."""
    for prefix in ("这位继承人", "这位", "这个"):
        label = label.removeprefix(prefix)
    label = label.rstrip("？?").removeprefix("的")
    for phrase, noun in _HEADER_PHRASES:
        if label.endswith(phrase):
            return label[: -len(phrase)] + noun or label
    return label


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


def materials_needed(fill: FormFill) -> list[Material]:
    """The materials that apply to these answers (a material's ``relevant`` is an expression)."""
    return [Material(m.label, m.copies or "") for m in fill.materials()]


def build_sheet(
    form: FormDefinition,
    lists: dict[str, list[Choice]],
    packet: CasePacket,
    *,
    hall: str,
    volunteer: str,
    identity_payload: str,
    data_payloads: list[str],
    consent: str = "",
) -> CaseSheet:
    fill = _fill(form, lists, packet.answers)
    declaration = next(
        (q.label for q in _all_questions(form.questions) if q.type == "note" and "保证" in q.label),
        "我保证以上填写的内容真实。如不真实，愿意承担相应责任。",
    )
    signed = any(
        q.type == "signature" and not is_empty(packet.answers.get(q.name)) for q in top_slots(form)
    )
    return CaseSheet(
        title=form.title,
        department=form.department,
        hall=hall,
        number=packet.number,
        form_ref=f"{form.id} v{form.version}",
        finalized=_date_words(packet.finalized_at),
        sections=build_sections(fill, packet.answers),
        materials=materials_needed(fill),
        routing=[Desk(s.desk, s.does) for s in form.routing],
        declaration=f"{declaration}\n{consent}" if consent else declaration,
        signed_on_screen=signed,
        volunteer=volunteer,
        identity_payload=identity_payload,
        data_payloads=data_payloads,
        consent=consent,
    )


def _all_questions(qs: list[Question]) -> list[Question]:
    out = []
    for q in qs:
        out.append(q)
        out.extend(_all_questions(q.children))
    return out


def _date_words(iso: str) -> str:
    """The finalize time (UTC, ISO with Z) as the hall's local date in words."""
    try:
        moment = datetime.fromisoformat(iso.removesuffix("Z")).replace(tzinfo=UTC)
    except ValueError:
        return ""
    d = moment.astimezone().date()
    return f"{d.year}年{d.month}月{d.day}日"


def combine_materials(sheets: list[CaseSheet]) -> list[Material]:
    """Each material once, in first-seen order (a bundle's forms often ask for the same ID card)."""
    seen: dict[str, Material] = {}
    for sheet in sheets:
        for m in sheet.materials:
            seen.setdefault(m.label, m)
    return list(seen.values())
