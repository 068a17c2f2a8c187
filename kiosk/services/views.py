"""What service operations return: plain frozen dataclasses, never ORM rows or sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.domain.case_states import STATE_LABELS, CaseState
from kiosk.forms.engine import AnswerProblem, FormFill, SummaryRow
from kiosk.store.models import CaseRow


@dataclass(frozen=True)
class CaseSummary:
    """A case as lists show it: no answers; ``server_note`` is the desk's note on the last
    status (decrypted; it may name people, so it is shown only where the case is)."""

    id: str
    number: str
    form_id: str
    form_version: int
    form_title: str
    department: str
    state: str
    state_label: str
    volunteer_id: str | None
    bundle_id: str | None
    created_at: datetime
    finalized_at: datetime | None
    server_note: str | None

    @classmethod
    def of(
        cls, row: CaseRow, *, title: str, department: str, note: str | None = None
    ) -> CaseSummary:
        return cls(
            id=row.id,
            number=row.number,
            form_id=row.form_id,
            form_version=row.form_version,
            form_title=title,
            department=department,
            state=row.state,
            state_label=STATE_LABELS.get(CaseState(row.state), row.state),
            volunteer_id=row.volunteer_id,
            bundle_id=row.bundle_id,
            created_at=row.created_at,
            finalized_at=row.finalized_at,
            server_note=note,
        )


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    detail: str


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    applicant_name: str
    subject_name: str
    answers: dict[str, Any]
    rows: list[SummaryRow]
    content_hash: str | None
    device_id: str
    purged: bool
    audit: list[AuditLine] = field(default_factory=list)
    consent: str = ""  # the printed 告知同意 sentence ("" for a case saved without one)
    # 好差评 (kiosk.services.ratings): the level and reason codes, None until rated.
    rating: str | None = None
    rating_reason: str | None = None


@dataclass
class DraftView:
    """A draft being filled: its summary, and the engine state the pages render from."""

    case: CaseSummary
    fill: FormFill
    current_page: str | None
    # Other cases of the same form about the same subject (a possible duplicate claim).
    duplicates: list[CaseSummary] = field(default_factory=list)
    # Said to the resident on resuming (plain Chinese): the draft moved to a newer version
    # of its form and the newer rules (issue 16); None when it goes on as it was started.
    notice: str | None = None


@dataclass(frozen=True)
class AnswerResult:
    problems: list[AnswerProblem]
    draft: DraftView

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)
