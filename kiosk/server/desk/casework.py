"""Cases as the desk console shows them: a desk's queue and one case in full.

The current step of a case is its first open routing task; it "arrived" when the step
before it was done (or when the case reached the server). A desk's queue holds the cases
whose current step that desk handles today (kiosk.server.desk.hall), oldest first.
Names in the queue are masked; the case page shows them, and opening it is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.forms.catalogue import Catalogue, UnknownForm
from kiosk.forms.engine import FormFill
from kiosk.forms.schema import Choice, FormDefinition
from kiosk.printing.sheet import Section, build_sections
from kiosk.server import refdata
from kiosk.server.desk.accounts import StaffView
from kiosk.server.desk.audit import AuditEntry, case_trail
from kiosk.server.desk.hall import Hall, Place, case_phone, case_village
from kiosk.server.desk.masking import MaskedNumbersFill, has_numbers
from kiosk.server.desk.models import MaterialReceived
from kiosk.server.desk.versions import page_version
from kiosk.server.models import ServerCase, Task
from kiosk.server.routing import FINAL_STATUSES, tasks_of

STATUS_WORDS = {
    "received": "待受理",
    "accepted": "受理中",
    "needs_materials": "需补材料",
    "completed": "已办结",
    "refused": "不予受理",
}
TASK_WORDS = {"open": "待办", "done": "已办好", "refused": "不予受理", "cancelled": "已取消"}


def mask_name(name: str) -> str:
    """张秀英 → 张*英, 张三 → 张*: enough to call a person, not to identify them."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def form_lists(session: Session, catalogue: Catalogue) -> dict[str, list[Choice]]:
    """The catalogue's choice lists with the server's village list (what kiosks use)."""
    row = refdata.get(session, "villages")
    lists = dict(catalogue.lists)
    if row is not None and isinstance(row.body, list):
        lists["villages"] = [
            Choice(value=str(v["value"]), label=str(v["label"]))
            for v in row.body
            if isinstance(v, dict) and "value" in v and "label" in v
        ]
    return lists


def form_of(catalogue: Catalogue, case: ServerCase) -> FormDefinition | None:
    """The case's form as of the release it was made under (its ``extra``, issue 16)."""
    release = (case.extra or {}).get("release")
    if isinstance(release, int) and not isinstance(release, bool) and release >= 0:
        catalogue = catalogue.of_release(release)
    try:
        return catalogue.get(case.form_id, case.form_version)
    except UnknownForm:
        return None


def names_of(form: FormDefinition | None, answers: dict[str, Any]) -> tuple[str, str]:
    """(applicant name, subject name) in clear, "" when the form has none."""
    if form is None:
        return "", ""
    applicant = str(answers.get(form.names.applicant or "", "") or "")
    subject = str(answers.get(form.names.subject or "", "") or "")
    return applicant, subject


@dataclass(frozen=True)
class QueueRow:
    case_id: str
    number: str
    title: str
    status: str
    masked_name: str
    step_desk: str  # the routing step's own desk name (社保所窗口)
    does: str
    place: Place
    arrived_at: datetime
    materials: list[tuple[str, bool]]  # (label, received)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, self.status)


def current_steps(session: Session) -> list[tuple[ServerCase, Task, datetime]]:
    """Every unfinished case with its current step and when that step arrived."""
    rows = session.execute(
        select(ServerCase, Task)
        .join(Task, Task.case_id == ServerCase.id)
        .where(ServerCase.status.not_in(FINAL_STATUSES))
        .order_by(ServerCase.id, Task.position)
    ).all()
    out: list[tuple[ServerCase, Task, datetime]] = []
    last_done: dict[str, datetime] = {}
    seen: set[str] = set()
    for case, task in rows:
        if case.id in seen:
            continue
        if task.state == "open":
            seen.add(case.id)
            out.append((case, task, last_done.get(case.id, case.received_at)))
        elif task.done_at is not None:
            last_done[case.id] = task.done_at
    return out


def _received(session: Session, case_ids: list[str]) -> dict[str, set[str]]:
    got: dict[str, set[str]] = {}
    if not case_ids:
        return got
    for m in session.scalars(
        select(MaterialReceived).where(MaterialReceived.case_id.in_(case_ids))
    ):
        got.setdefault(m.case_id, set()).add(m.material_id)
    return got


def place_of(hall: Hall, forms: Catalogue, case: ServerCase, task: Task, today: date) -> Place:
    village = None
    if task.desk == hall.village_step:
        form = form_of(forms, case)
        village = case_village(form, case.answers) if form else None
    return hall.place(task.desk, village, today)


def desk_queue(
    session: Session, hall: Hall, forms: Catalogue, desk: str, today: date
) -> list[QueueRow]:
    """The cases waiting at ``desk`` today, the longest-waiting first."""
    lists = form_lists(session, forms)
    mine = [
        (case, task, arrived, place)
        for case, task, arrived in current_steps(session)
        if (place := place_of(hall, forms, case, task, today)).desk == desk
    ]
    received = _received(session, [c.id for c, _, _, _ in mine])
    rows: list[QueueRow] = []
    for case, task, arrived, place in sorted(mine, key=lambda r: (r[2], r[0].number)):
        form = form_of(forms, case)
        applicant, subject = names_of(form, case.answers)
        materials = (
            [
                (m.label, m.id in received.get(case.id, set()))
                for m in FormFill(form, lists, today=today, answers=case.answers).materials()
            ]
            if form
            else []
        )
        rows.append(
            QueueRow(
                case_id=case.id,
                number=case.number,
                title=form.short_title if form else case.form_id,
                status=case.status,
                masked_name=mask_name(applicant or subject),
                step_desk=task.desk,
                does=task.does,
                place=place,
                arrived_at=arrived,
                materials=materials,
            )
        )
    return rows


@dataclass(frozen=True)
class StepView:
    task_id: int
    position: int
    step: str
    desk: str  # the routing step's own desk name
    does: str
    state: str
    note: str | None
    place: Place
    done_at: datetime | None
    history: list[AuditEntry]  # who did what at this step, when

    @property
    def state_words(self) -> str:
        return TASK_WORDS.get(self.state, self.state)


@dataclass(frozen=True)
class MaterialView:
    id: str
    label: str
    copies: str
    received: bool
    received_by: str = ""
    received_at: datetime | None = None


@dataclass
class CaseView:
    case: ServerCase
    form: FormDefinition | None
    title: str
    department: str
    applicant: str
    subject: str
    phone: str | None
    steps: list[StepView]
    materials: list[MaterialView]
    sections: list[Section]
    trail: list[AuditEntry]
    arrived_at: datetime | None
    version: str = ""  # what the page's forms post back (kiosk.server.desk.versions)
    revealed: bool = False  # numbers in clear (显示完整号码, audited)
    has_numbers: bool = False  # the form asks for numbers the page masks
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def current(self) -> StepView | None:
        if self.case.status in FINAL_STATUSES:
            return None
        return next((s for s in self.steps if s.state == "open"), None)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.case.status, self.case.status)

    def next_after(self, step: StepView) -> StepView | None:
        return next(
            (s for s in self.steps if s.position > step.position and s.state == "open"), None
        )


def may_view(view: CaseView, staff: StaffView) -> bool:
    """Admins see every case; staff the cases whose routing passes their desk (today)."""
    return staff.is_admin or any(s.place.desk == staff.desk for s in view.steps)


def case_view(
    session: Session,
    hall: Hall,
    forms: Catalogue,
    case: ServerCase,
    today: date,
    *,
    reveal: bool = False,
) -> CaseView:
    """One case in full; ID, bank and phone numbers in its answers masked unless ``reveal``."""
    form = form_of(forms, case)
    lists = form_lists(session, forms)
    village = case_village(form, case.answers) if form else None
    trail = case_trail(session, case.id)
    tasks = tasks_of(session, case.id)
    steps: list[StepView] = []
    arrived: datetime | None = case.received_at
    current_seen = False
    for t in tasks:
        steps.append(
            StepView(
                task_id=t.id,
                position=t.position,
                step=t.step,
                desk=t.desk,
                does=t.does,
                state=t.state,
                note=t.note,
                place=hall.place(t.desk, village, today),
                done_at=t.done_at,
                history=[e for e in trail if e.task_id == t.id],
            )
        )
        if t.state == "open" and not current_seen:
            current_seen = True
        elif not current_seen and t.done_at is not None:
            arrived = t.done_at
    got = {
        m.material_id: m
        for m in session.scalars(
            select(MaterialReceived).where(MaterialReceived.case_id == case.id)
        )
    }
    version = page_version(case, tasks, got.values(), trail)
    materials: list[MaterialView] = []
    sections: list[Section] = []
    if form is not None:
        make = FormFill if reveal else MaskedNumbersFill
        fill = make(form, lists, today=today, answers=case.answers)
        sections = build_sections(fill, case.answers)
        for m in fill.materials():
            r = got.get(m.id)
            materials.append(
                MaterialView(
                    m.id,
                    m.label,
                    m.copies or "",
                    r is not None,
                    r.received_by if r else "",
                    r.received_at if r else None,
                )
            )
    applicant, subject = names_of(form, case.answers)
    return CaseView(
        case=case,
        form=form,
        title=form.title if form else case.form_id,
        department=form.department if form else "",
        applicant=applicant,
        subject=subject,
        phone=case_phone(form, case.answers) if form else None,
        steps=steps,
        materials=materials,
        sections=sections,
        trail=trail,
        arrived_at=arrived if current_seen else None,
        version=version,
        revealed=reveal,
        has_numbers=form is not None and has_numbers(form.questions),
    )
