"""The console's audit trail: who (account, desk), when, what, on which case and step.

``detail`` holds what was done in words (the desk's note, the materials ticked); it is
for the hall's own records and is never written to the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server.desk.accounts import StaffView
from kiosk.server.desk.models import DeskAudit
from kiosk.store.sqlbase import utcnow

ACTION_WORDS = {
    "login": "登录",
    "login_failed": "登录失败",
    "locked": "账号锁定（密码输错太多次）",
    "login_locked": "登录被拒（账号锁定中）",
    "logout": "退出",
    "view": "查看",
    "accept": "受理",
    "done": "办结本步",
    "needs_materials": "需补材料",
    "refuse": "不予受理",
    "note": "备注",
    "material": "收材料",
    "material_undo": "撤销收材料",
    "print": "打印",
    "reveal": "显示完整号码",
    "page_view": "查看材料照片",
    "market_days": "修改赶集日",
    "qr_import": "扫码导入",
    "csrf_refused": "拒绝（表单校验不对）",
    # Refused actions and views, each by its real reason (actions.ActionRefused.reason).
    "desk_refused": "拒绝（不是本窗口的步骤）",
    "stale_refused": "拒绝（页面已过时）",
    "closed_refused": "拒绝（办件已结束）",
    "input_refused": "拒绝（填写不对）",
    "view_refused": "拒绝查看（办件不经过本窗口）",
}
# The actions that change a case (what a page's version counts; views and refusals do not).
CHANGES = frozenset(
    {"accept", "done", "needs_materials", "refuse", "note", "material", "material_undo"}
)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    staff_name: str
    desk: str
    action: str
    task_id: int | None
    detail: str

    @property
    def words(self) -> str:
        return ACTION_WORDS.get(self.action, self.action)


def record(
    session: Session,
    who: StaffView | None,
    action: str,
    *,
    case_id: str | None = None,
    task_id: int | None = None,
    detail: str = "",
    client: str,
    name: str | None = None,
) -> None:
    """Add one entry in the caller's transaction (``name`` when no account is known).

    ``client`` (the browser's address) is required: every entry says where from.
    """
    session.add(
        DeskAudit(
            at=utcnow(),
            staff_id=who.id if who else None,
            staff_name=who.name if who else (name or "?")[:64],
            desk=who.desk if who else "",
            action=action,
            case_id=case_id,
            task_id=task_id,
            detail=detail[:300],
            client=client[:64],
        )
    )


def case_trail(session: Session, case_id: str) -> list[AuditEntry]:
    rows = session.scalars(
        select(DeskAudit).where(DeskAudit.case_id == case_id).order_by(DeskAudit.id)
    )
    return [
        AuditEntry(r.id, r.at, r.staff_name, r.desk, r.action, r.task_id, r.detail) for r in rows
    ]
