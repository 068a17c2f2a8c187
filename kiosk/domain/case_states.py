"""Case states and the transitions between them (DESIGN.md "Cases").

draft → finalized → printed → queued → sent, then the town server's statuses.
Printing is optional for the flow (a case is queued for sync at finalize even if
the printer is down), so finalized → queued is allowed; reprints do not change
the state, they only add an audit entry.
"""

from __future__ import annotations

from enum import StrEnum


class CaseState(StrEnum):
    DRAFT = "draft"
    FINALIZED = "finalized"
    PRINTED = "printed"
    QUEUED = "queued"
    SENT = "sent"
    # Statuses the town server sends back.
    ACCEPTED = "accepted"  # 受理中
    NEEDS_MATERIALS = "needs_materials"  # 需补材料
    COMPLETED = "completed"  # 已办结
    REFUSED = "refused"  # 不予受理
    # The server refused this case's content (409/422); staff must look at it.
    QUARANTINED = "quarantined"


STATE_LABELS: dict[CaseState, str] = {
    CaseState.DRAFT: "还没填完",
    CaseState.FINALIZED: "已确认提交",
    CaseState.PRINTED: "已打印",
    CaseState.QUEUED: "等待上传",
    CaseState.SENT: "已送达镇里",
    CaseState.ACCEPTED: "受理中",
    CaseState.NEEDS_MATERIALS: "需补材料",
    CaseState.COMPLETED: "已办结",
    CaseState.REFUSED: "不予受理",
    CaseState.QUARANTINED: "需工作人员处理",
}

SERVER_STATES = frozenset(
    {CaseState.ACCEPTED, CaseState.NEEDS_MATERIALS, CaseState.COMPLETED, CaseState.REFUSED}
)

# The server may learn of a case from its printed QR code before sync sends it, so its
# statuses can arrive at any state after finalize.
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.DRAFT: frozenset({CaseState.FINALIZED}),
    CaseState.FINALIZED: frozenset(
        {CaseState.PRINTED, CaseState.QUEUED, CaseState.SENT, CaseState.QUARANTINED}
    )
    | SERVER_STATES,
    CaseState.PRINTED: frozenset({CaseState.QUEUED, CaseState.SENT, CaseState.QUARANTINED})
    | SERVER_STATES,
    CaseState.QUEUED: frozenset({CaseState.SENT, CaseState.QUARANTINED}) | SERVER_STATES,
    CaseState.SENT: SERVER_STATES,
    CaseState.QUARANTINED: frozenset({CaseState.QUEUED, CaseState.SENT}) | SERVER_STATES,
    **{state: SERVER_STATES - {state} for state in SERVER_STATES},
}

# Answers can no longer change once the case has left the draft state.
EDITABLE_STATES = frozenset({CaseState.DRAFT})


class InvalidTransition(ValueError):
    def __init__(self, current: CaseState, target: CaseState) -> None:
        super().__init__(f"a case in state '{current}' cannot become '{target}'")
        self.current = current
        self.target = target


def can_transition(current: CaseState | str, target: CaseState) -> bool:
    return target in TRANSITIONS.get(CaseState(current), frozenset())


def check_transition(current: CaseState, target: CaseState) -> None:
    """Raise InvalidTransition unless ``current → target`` is allowed."""
    if not can_transition(current, target):
        raise InvalidTransition(current, target)


def states_leading_to(target: CaseState) -> frozenset[CaseState]:
    """Every state from which ``target`` may follow (for bulk updates in SQL)."""
    return frozenset(s for s in CaseState if can_transition(s, target))
