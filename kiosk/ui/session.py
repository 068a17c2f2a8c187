"""What the screens know about the person in front of them (no Qt, no database).

``wipe_person`` forgets the resident and the draft in one place: the idle timer and
回首页 both call it, so nothing of the last person stays on screen or in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.domain.idcard import IdNumber
from kiosk.services.views import CaseSummary, DraftView
from kiosk.services.volunteers import Volunteer


@dataclass
class Resident:
    id: IdNumber
    name: str | None = None
    village: str | None = None


@dataclass
class Session:
    volunteer: Volunteer | None = None
    resident: Resident | None = None
    draft: DraftView | None = None
    bundle_id: str | None = None
    page: str | None = None  # the question page on screen
    back_to_check: bool = False  # 修改 from the check page returns there
    done: list[CaseSummary] = field(default_factory=list)

    @property
    def actor(self) -> str:
        return f"volunteer:{self.volunteer.id}" if self.volunteer else "resident"

    @property
    def volunteer_id(self) -> str | None:
        return self.volunteer.id if self.volunteer else None

    def wipe_person(self) -> None:
        self.resident = None
        self.draft = None
        self.bundle_id = None
        self.page = None
        self.back_to_check = False
        self.done = []
