"""Routing inside the hall (循环受理): staff advance a case's tasks; each status change is
numbered so kiosks can pull what changed since their cursor.

Status rules: a new case is ``received``; the first step done makes it ``accepted``
(受理中); the last step done makes it ``completed`` (已办结); ``needs_materials``
(需补材料) keeps the step open; ``refused`` (不予受理) marks the refusing step ``refused``
and cancels the remaining steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server.db import lock_changes
from kiosk.server.models import ServerCase, StatusChange, Task, utcnow

OUTCOMES = ("done", "needs_materials", "refused")
FINAL_STATUSES = frozenset({"completed", "refused"})


class RoutingError(Exception):
    """A staff action that cannot be done (message names the case and step)."""


class CaseNotFound(RoutingError):
    pass


@dataclass(frozen=True)
class Change:
    seq: int
    case_id: str
    number: str
    status: str
    note: str | None
    step: str | None
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "case_id": self.case_id,
            "number": self.number,
            "status": self.status,
            "note": self.note,
            "step": self.step,
            "at": self.at.isoformat() + "Z",
        }


def find_case(session: Session, key: str) -> ServerCase:
    """A case by UUID or by its human number (unique: intake refuses a held number)."""
    case = session.get(ServerCase, key)
    if case is None:
        case = session.scalar(select(ServerCase).where(ServerCase.number == key))
    if case is None:
        raise CaseNotFound(f"no case {key}")
    return case


def tasks_of(session: Session, case_id: str) -> list[Task]:
    return list(
        session.scalars(select(Task).where(Task.case_id == case_id).order_by(Task.position))
    )


def advance(
    session: Session, key: str, *, step: str, note: str | None = None, outcome: str = "done"
) -> ServerCase:
    """Record what a desk did with a case; adds a status change when the status moves."""
    if outcome not in OUTCOMES:
        raise RoutingError(f"outcome must be one of {', '.join(OUTCOMES)}")
    lock_changes(session)
    case = find_case(session, key)
    if case.status in FINAL_STATUSES:
        raise RoutingError(f"case {case.number} is already {case.status}")
    tasks = tasks_of(session, case.id)
    task = next((t for t in tasks if step in (t.step, t.desk)), None)
    if task is None:
        desks = "、".join(t.desk for t in tasks)
        raise RoutingError(f"case {case.number} has no step {step} (steps: {desks})")
    if task.state != "open":
        raise RoutingError(f"step {task.desk} of case {case.number} is already {task.state}")
    now = utcnow()
    task.note = (note or "")[:200] or None
    if outcome == "done":
        task.state, task.done_at = "done", now
        status = "completed" if all(t.state == "done" for t in tasks) else "accepted"
    elif outcome == "needs_materials":
        status = "needs_materials"
    else:
        status = "refused"
        task.state, task.done_at = "refused", now  # the step that said no, and when
        for t in tasks:
            if t.state == "open":
                t.state = "cancelled"
    if status != case.status or note:
        case.status, case.status_note, case.updated_at = status, task.note, now
        session.add(
            StatusChange(
                case_id=case.id,
                device_id=case.device_id,
                status=status,
                note=task.note,
                step=task.desk,
                at=now,
            )
        )
    return case


def changes_since(session: Session, device_id: str, after: int, limit: int) -> list[Change]:
    """Status changes of this device's cases with ``seq > after``, oldest first."""
    query = (
        select(StatusChange, ServerCase.number)
        .join(ServerCase, ServerCase.id == StatusChange.case_id)
        .where(StatusChange.device_id == device_id, StatusChange.seq > after)
        .order_by(StatusChange.seq)
        .limit(limit)
    )
    return [
        Change(c.seq, c.case_id, number, c.status, c.note, c.step, c.at)
        for c, number in session.execute(query)
    ]


def list_cases(
    session: Session, *, status: str | None = None, limit: int = 200
) -> list[ServerCase]:
    query = select(ServerCase).order_by(ServerCase.received_at.desc(), ServerCase.number.desc())
    if status:
        query = query.where(ServerCase.status == status)
    return list(session.scalars(query.limit(limit)))


def case_view(session: Session, case: ServerCase, *, with_answers: bool) -> dict[str, Any]:
    """A case as staff and scripts see it (JSON-ready)."""
    view: dict[str, Any] = {
        "id": case.id,
        "number": case.number,
        "device_id": case.device_id,
        "form_id": case.form_id,
        "form_version": case.form_version,
        "status": case.status,
        "status_note": case.status_note,
        "source": case.source,
        "content_hash": case.content_hash,
        "received_at": case.received_at.isoformat() + "Z",
        "tasks": [
            {
                "position": t.position,
                "step": t.step,
                "desk": t.desk,
                "does": t.does,
                "state": t.state,
                "note": t.note,
            }
            for t in tasks_of(session, case.id)
        ],
    }
    if with_answers:
        view["answers"] = case.answers
    return view
