"""What a desk does with a case: 受理, 办结本步, 需补材料, 不予受理, a note, materials 已收.

Every action: (1) checks that the case's current step is handled by the acting staff's
desk today and that the page was showing that very state (its step and its version,
kiosk.server.desk.versions): a page posted twice, or after someone else acted, is
refused as stale instead of acting twice; (2) changes the case through
kiosk.server.routing, or adds the same numbered StatusChange routing would, so kiosks
pull it with the changes cursor; (3) writes an audit entry; (4) queues an SMS for
需补材料 and 已办结. All in the caller's transaction, which must hold the changes lock
(``lock_changes``) before it reads the case, so two posts of one page cannot both pass.
Materials ticks are audited but do not change the status, so they send nothing back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kiosk.printable import UnprintableText, printable
from kiosk.server import routing
from kiosk.server.db import lock_changes
from kiosk.server.desk import audit, sms
from kiosk.server.desk.accounts import StaffView
from kiosk.server.desk.casework import CaseView, StepView
from kiosk.server.desk.models import MaterialReceived
from kiosk.server.desk.scan import looks_scanned
from kiosk.server.models import ServerCase, StatusChange
from kiosk.store.sqlbase import utcnow

NOTE_MAX = 200
STALE = "这个页面已过时：这件办件刚有人办过（或这个页面已提交过一次），请看最新的情况再办。"
# Why an action was refused → its audit action (kiosk.server.desk.audit.ACTION_WORDS).
REFUSAL_ACTIONS = {
    "desk": "desk_refused",
    "stale": "stale_refused",
    "closed": "closed_refused",
    "input": "input_refused",
}


class ActionRefused(Exception):
    """An action that is not done; ``message`` is Chinese, ``reason`` one of
    REFUSAL_ACTIONS' keys: another desk's step, a stale page, a closed case, bad input."""

    def __init__(self, message: str, reason: str = "input") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason

    @property
    def audit_action(self) -> str:
        return REFUSAL_ACTIONS.get(self.reason, "input_refused")


@dataclass(frozen=True)
class Actor:
    staff: StaffView
    client: str
    hall_name: str


@dataclass(frozen=True)
class Posted:
    """What the page's form says it was showing: the step and the page's version."""

    task_id: int
    version: str


def my_step(view: CaseView, actor: Actor, posted: Posted) -> StepView:
    """The current step, when the page showed it as it is now and this desk handles it.

    A post naming a step of this desk that is no longer current (done meanwhile, or a
    second post of the same page) is stale, not another desk's: the page was right
    when it was shown.
    """
    step = view.current
    if step is None:
        closed = f"办件 {view.case.number} 已经{view.status_words}，不能再办。"
        raise ActionRefused(closed, "closed")
    shown = next((s for s in view.steps if s.task_id == posted.task_id), None)
    if step.place.desk != actor.staff.desk:
        if shown is not None and shown is not step and shown.place.desk == actor.staff.desk:
            raise ActionRefused(STALE, "stale")
        raise ActionRefused(
            f"这一步由{step.place.text}办理，您是{actor.staff.desk}的工作人员，不能替他们办。",
            "desk",
        )
    if step.task_id != posted.task_id or posted.version != view.version:
        raise ActionRefused(STALE, "stale")
    return step


def plain_words(text: str, what: str) -> str:
    """A desk's words for the resident: one line in NFC; refused when a scanner typed them
    or when they hold characters the kiosk's paper cannot print (kiosk.printable)."""
    words = " ".join(text.split())
    try:
        words = printable(words, what)
    except UnprintableText as exc:
        raise ActionRefused(exc.message + "没有保存。") from exc
    if looks_scanned(words):
        raise ActionRefused(
            f"{what}像是扫码枪扫进来的编码（验真码或办件编号），不是写给群众的话，没有保存。"
            "请重新填写；要打开别的办件，请扫到页面上方的扫码框。"
        )
    return words


def _change(session: Session, view: CaseView, status: str, note: str, step: StepView) -> None:
    """A numbered status change (what kiosks pull), as routing.advance writes them."""
    lock_changes(session)
    now = utcnow()
    case = view.case
    case.status, case.status_note, case.updated_at = status, note[:NOTE_MAX] or None, now
    session.add(
        StatusChange(
            case_id=case.id,
            device_id=case.device_id,
            status=status,
            note=note[:NOTE_MAX] or None,
            step=step.desk,
            at=now,
        )
    )


def _advance(
    session: Session, view: CaseView, step: StepView, note: str, outcome: str
) -> ServerCase:
    try:
        return routing.advance(session, view.case.id, step=step.step, note=note, outcome=outcome)
    except routing.RoutingError as exc:  # the step moved under us: the page is stale
        raise ActionRefused(STALE, "stale") from exc


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    view: CaseView,
    step: StepView | None,
    detail: str = "",
) -> None:
    audit.record(
        session,
        actor.staff,
        action,
        case_id=view.case.id,
        task_id=step.task_id if step else None,
        detail=detail,
        client=actor.client,
    )


def accept(session: Session, view: CaseView, actor: Actor, posted: Posted) -> str:
    """受理: this desk takes the papers; the case is 受理中 (again, after 需补材料)."""
    step = my_step(view, actor, posted)
    _change(session, view, "accepted", f"{step.place.desk}已受理", step)
    _audit(session, actor, "accept", view, step)
    return f"已受理办件 {view.case.number}。"


def finish_step(session: Session, view: CaseView, actor: Actor, posted: Posted, note: str) -> str:
    """办结本步: the step is done; the case goes to the next desk, or is 已办结 after the last."""
    step = my_step(view, actor, posted)
    note = plain_words(note, "办理意见")
    following = view.next_after(step)
    told = note or (
        f"{step.place.desk}已办好，下一步：{following.place.text}" if following else "已办结"
    )
    case = _advance(session, view, step, told, "done")
    _audit(session, actor, "done", view, step, note)
    if case.status == "completed":
        text = sms.completed_text(actor.hall_name, view.case.number, note)
        sms.queue(session, view.case.id, view.phone, text, "completed")
        return f"办件 {view.case.number} 已办结，已通知申请人。"
    where = following.place.text if following else "下一个窗口"
    return f"办件 {view.case.number} 这一步已办好，下一步：{where}。"


def needs_materials(
    session: Session,
    view: CaseView,
    actor: Actor,
    posted: Posted,
    missing_ids: list[str],
    text: str,
) -> str:
    """需补材料: what is missing, in words the resident reads on the kiosk and the SMS."""
    step = my_step(view, actor, posted)
    labels = {m.id: m.label for m in view.materials}
    missing = [labels[i] for i in missing_ids if i in labels]
    text = plain_words(text, "还缺的材料")
    if not missing and not text:
        raise ActionRefused("请勾选缺少的材料，或写明还要补什么。")
    items = missing + ([text] if text else [])
    what = "、".join(items)
    _advance(session, view, step, f"需补材料：{what}"[:NOTE_MAX], "needs_materials")
    _audit(session, actor, "needs_materials", view, step, what)
    body = sms.needs_materials_text(
        actor.hall_name, view.case.number, items, step.place.visit_words
    )
    sms.queue(session, view.case.id, view.phone, body, "needs_materials")
    return f"已告诉申请人办件 {view.case.number} 需补材料。"


def refuse(session: Session, view: CaseView, actor: Actor, posted: Posted, reason: str) -> str:
    """不予受理, with the reason the resident is told."""
    step = my_step(view, actor, posted)
    reason = plain_words(reason, "不予受理的理由")
    if not reason:
        raise ActionRefused("不予受理要写明理由。")
    _advance(session, view, step, reason[:NOTE_MAX], "refused")
    _audit(session, actor, "refuse", view, step, reason)
    return f"办件 {view.case.number} 不予受理。"


def add_note(session: Session, view: CaseView, actor: Actor, posted: Posted, text: str) -> str:
    """备注: shown to the resident on the kiosk's 我的办件 (the status stays)."""
    step = my_step(view, actor, posted)
    text = plain_words(text, "备注")
    if not text:
        raise ActionRefused("备注是空的。")
    _change(session, view, view.case.status, text, step)
    _audit(session, actor, "note", view, step, text)
    return "备注已保存。"


def tick_material(
    session: Session,
    view: CaseView,
    actor: Actor,
    posted: Posted,
    material_id: str,
    received: bool,
) -> str:
    """Tick (or untick) one material 已收."""
    step = my_step(view, actor, posted)
    material = next((m for m in view.materials if m.id == material_id), None)
    if material is None:
        raise ActionRefused("这件事不要这份材料。")
    if received and not material.received:
        session.add(
            MaterialReceived(
                case_id=view.case.id,
                material_id=material_id,
                received_by=actor.staff.name,
                desk=actor.staff.desk,
                received_at=utcnow(),
            )
        )
    elif not received and material.received:
        session.execute(
            delete(MaterialReceived).where(
                MaterialReceived.case_id == view.case.id,
                MaterialReceived.material_id == material_id,
            )
        )
    else:
        return "材料已是这个状态。"
    _audit(session, actor, "material" if received else "material_undo", view, step, material.label)
    return f"{material.label}：{'已收' if received else '已撤销'}。"


ActionFn = Callable[[Session, CaseView, Actor], str]
