"""The paper of a case as plain data: what kiosk.printing.sheet builds from a form and
what the drawing code (kiosk.printing.pdf, kiosk.printing.document) draws.

Dataclasses only, no form code (pydantic, Lark): a stored print plan
(kiosk.printing.print_plan) turns back into a :class:`CaseSheet` without loading the
form, so ``kiosk print N --out`` stays quick (issue 19).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """One field of the boxed grid: its official label and its value in words."""

    label: str
    value: str
    whole: bool = False  # never wrapped (ID numbers, accounts, dates)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    whole: list[bool] = field(default_factory=list)  # per column, as Row.whole


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list[Row | Table]


@dataclass(frozen=True)
class Material:
    label: str
    copies: str
    id: str = ""
    photographed: int = 0  # pages captured at the kiosk (kiosk.services.attachments)


@dataclass(frozen=True)
class Desk:
    desk: str
    does: str


@dataclass(frozen=True)
class Approval:
    """One office's approval section: 意见, the people who sign, a 公章 box, 年 月 日."""

    title: str  # 村（居）委会意见
    roles: list[str]  # 经办人, 负责人


@dataclass(frozen=True)
class Signer:
    """A signature box: role, name, the touch stroke (SVG path) if signed on screen."""

    role: str  # 申请人 / 代办人 / 监护人
    name: str
    stroke: str | None
    date: str  # 2026年11月20日


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
    # What the hall said since the case was sent, printed under the header: "需补材料：户口本".
    notices: list[str] = field(default_factory=list)
    signers: list[Signer] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    summary: list[Row] = field(default_factory=list)  # who and what, beside the signatures
    photo: str | None = None  # 照片粘贴处 caption, when the form asks for photos
    # The notice-and-consent record in one sentence (kiosk.services.consent); printed
    # under the declaration until the layout gives it its own small section.
    consent: str = ""
    # The form's rules as every 办事指南 states them (issue 16): basis, time limits, fee,
    # complaint line, deciding office; one line each.
    rules: list[str] = field(default_factory=list)


@dataclass
class BundleCover:
    """The cover page of a life-event bundle: every form, the materials once."""

    title: str
    hall: str
    cases: list[tuple[str, str, str]]  # (number, title, department)
    materials: list[Material]
    volunteer: str
    desks: list[str] = field(default_factory=list)  # per case: its desks in routing order


def needs_materials_notice(note: str | None) -> str:
    """The line a reprint carries while a case waits for papers (kiosk and desk alike)."""
    missing = (note or "").strip()
    if missing.startswith("需补材料"):
        return missing
    return f"需补材料：{missing}" if missing else "需补材料：请到窗口问清要补的材料。"
