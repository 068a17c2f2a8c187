"""What a desk does with a case: 受理, 办结本步, 需补材料, 不予受理, a note, materials 已收.

Every action: (1) checks that the case's current step is handled by the acting staff's
desk today and that the page was showing that step (a stale page cannot act twice);
(2) changes the case through kiosk.server.routing, or adds the same numbered
StatusChange routing would, so kiosks pull it with the changes cursor; (3) writes an
audit entry; (4) queues an SMS for 需补材料 and 已办结. All in the caller's transaction.
Materials ticks are audited but do not change the status, so they send nothing back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kiosk.server import routing
from kiosk.server.db import lock_changes
from kiosk.server.desk import audit, sms
from kiosk.server.desk.accounts import StaffView
from kiosk.server.desk.casework import CaseView, StepView
from kiosk.server.desk.models import MaterialReceived
from kiosk.server.models import StatusChange
from kiosk.store.sqlbase import utcnow

NOTE_MAX = 200


class ActionRefused(Exception):
    """Not this desk's step, a stale page or missing input; ``message`` is Chinese."""


@dataclass(frozen=True)
class Actor:
    staff: StaffView
    client: str
    hall_name: str


def my_step(view: CaseView, actor: Actor, task_id: int) -> StepView:
    """The current step, when it is ``task_id`` and this desk handles it today."""
    step = view.current
    if step is None:
        raise ActionRefused(f"办件 {view.case.number} 已经{view.status_words}，不能再办。")
    if step.place.desk != actor.staff.desk:
        raise ActionRefused(
            f"这一步由{step.place.text}办理，您是{actor.staff.desk}的工作人员，不能替他们办。"
        )
    if step.task_id != task_id:
        raise ActionRefused("这个页面已经过时：这一步刚有人办过了，请看最新的情况。")
    return step


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


def accept(session: Session, view: CaseView, actor: Actor, task_id: int) -> str:
    """受理: this desk takes the papers; the case is 受理中 (again, after 需补材料)."""
    step = my_step(view, actor, task_id)
    _change(session, view, "accepted", f"{step.place.desk}已受理", step)
    _audit(session, actor, "accept", view, step)
    return f"已受理办件 {view.case.number}。"


def finish_step(session: Session, view: CaseView, actor: Actor, task_id: int, note: str) -> str:
    """办结本步: the step is done; the case goes to the next desk, or is 已办结 after the last."""
    step = my_step(view, actor, task_id)
    following = view.next_after(step)
    note = note.strip()
    told = note or (
        f"{step.place.desk}已办好，下一步：{following.place.text}" if following else "已办结"
    )
    case = routing.advance(session, view.case.id, step=step.step, note=told, outcome="done")
    _audit(session, actor, "done", view, step, note)
    if case.status == "completed":
        text = sms.message_text(actor.hall_name, case.number, "completed", note, "")
        sms.queue(session, case.id, view.phone, text, "completed")
        return f"办件 {case.number} 已办结，已通知申请人。"
    assert following is not None
    return f"办件 {case.number} 这一步已办好，下一步：{following.place.text}。"


def needs_materials(
    session: Session,
    view: CaseView,
    actor: Actor,
    task_id: int,
    missing_ids: list[str],
    text: str,
) -> str:
    """需补材料: what is missing, in words the resident reads on the kiosk and the SMS."""
    step = my_step(view, actor, task_id)
    labels = {m.id: m.label for m in view.materials}
    missing = [labels[i] for i in missing_ids if i in labels]
    text = text.strip()
    if not missing and not text:
        raise ActionRefused("请勾选缺少的材料，或写明还要补什么。")
    what = "、".join(missing + ([text] if text else []))
    note = f"需补材料：{what}"[:NOTE_MAX]
    routing.advance(session, view.case.id, step=step.step, note=note, outcome="needs_materials")
    _audit(session, actor, "needs_materials", view, step, what)
    body = sms.message_text(
        actor.hall_name, view.case.number, "needs_materials", what, step.place.desk
    )
    sms.queue(session, view.case.id, view.phone, body, "needs_materials")
    return f"已告诉申请人办件 {view.case.number} 需补材料。"


def refuse(session: Session, view: CaseView, actor: Actor, task_id: int, reason: str) -> str:
    """不予受理, with the reason the resident is told."""
    step = my_step(view, actor, task_id)
    reason = reason.strip()
    if not reason:
        raise ActionRefused("不予受理要写明理由。")
    routing.advance(
        session, view.case.id, step=step.step, note=reason[:NOTE_MAX], outcome="refused"
    )
    _audit(session, actor, "refuse", view, step, reason)
    return f"办件 {view.case.number} 不予受理。"


def add_note(session: Session, view: CaseView, actor: Actor, task_id: int, text: str) -> str:
    """备注: shown to the resident on the kiosk's 我的办件 (the status stays)."""
    step = my_step(view, actor, task_id)
    text = text.strip()
    if not text:
        raise ActionRefused("备注是空的。")
    _change(session, view, view.case.status, text, step)
    _audit(session, actor, "note", view, step, text)
    return "备注已保存。"


def tick_material(
    session: Session, view: CaseView, actor: Actor, task_id: int, material_id: str, received: bool
) -> str:
    """Tick (or untick) one material 已收."""
    step = my_step(view, actor, task_id)
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
