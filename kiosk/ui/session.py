"""What the screens know about the people in front of them (no Qt, no database).

``wipe_person`` forgets the resident, the draft and a staff login in one place: the idle
timer and 回首页 both call it, so nothing of the last person stays on screen or in memory.
``resident`` is the PersonView the identify page got: masked unless presence is proven.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# Types only: the home screen is built before the services are imported (issue 19).
if TYPE_CHECKING:
    from kiosk.services.accounts import Account
    from kiosk.services.consent import Consent
    from kiosk.services.presence import PersonView
    from kiosk.services.views import CaseSummary, DraftView
    from kiosk.services.volunteers import Volunteer

    Resident = PersonView


@dataclass
class Session:
    volunteer: Volunteer | None = None
    staff: Account | None = None  # logged in to staff mode (until 回首页 or the idle wipe)
    resident: PersonView | None = None
    consent: Consent | None = None  # given on the notice page for the service being started
    draft: DraftView | None = None
    bundle_id: str | None = None
    page: str | None = None  # the question page on screen
    back_to_check: bool = False  # 修改 from the check page returns there
    edit_queue: list[str] = field(default_factory=list)  # a fact box's questions still to show
    # 修改's walk: the pages already visible when it began or shown since (flow.after_change)
    edit_seen: set[str] = field(default_factory=set)
    checked: bool = False  # answers confirmed on the check page: declaration and signing next
    duplicates_shown: frozenset[str] = frozenset()  # case numbers already warned about
    done: list[CaseSummary] = field(default_factory=list)
    said: set[str] = field(default_factory=set)  # what 朗读 says once (see ``first_time``)

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is asked for this person (the deadline banner is
        read once per form, not on every page), False after."""
        if key in self.said:
            return False
        self.said.add(key)
        return True

    @property
    def actor(self) -> str:
        """Who acts, for the audit: the staff account in staff mode, else the volunteer."""
        if self.staff is not None:
            return self.staff.actor
        return f"volunteer:{self.volunteer.id}" if self.volunteer else "resident"

    @property
    def volunteer_id(self) -> str | None:
        return self.volunteer.id if self.volunteer else None

    @property
    def may_see_registry(self) -> bool:
        """Registry data (household members ...) may show only when the resident's presence
        is proven: card read, receipt code, or a volunteer's audited 已核对 confirmation.
        A volunteer merely logged in proves nothing about a typed number."""
        return bool(self.resident and self.resident.proven)

    def wipe_person(self) -> None:
        self.resident = None
        self.consent = None
        self.staff = None
        self.draft = None
        self.bundle_id = None
        self.page = None
        self.back_to_check = False
        self.edit_queue = []
        self.edit_seen = set()
        self.checked = False
        self.duplicates_shown = frozenset()
        self.done = []
        self.said = set()
