"""A duplicate claim: the same subject already has a case of this form. Shows that case's
number and state; a logged-in volunteer may go on after picking a reason (audited on the
case); a resident alone is asked to find a volunteer (kiosk.services.duplicates). When one
of them is an unfinished draft, 继续填写 goes to it through 我的办件 (after proof of
presence, as 我的办件 always asks), dropping the new one."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from kiosk.services.duplicates import REASONS
from kiosk.services.views import CaseSummary
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label, wrap_text
from kiosk.ui.page_frame import BasePage


class DuplicatePage(BasePage):
    def __init__(
        self,
        *,
        others: list[CaseSummary],
        on_reason: Callable[[str], None] | None,
        on_stop: Callable[[], None],
        on_continue: Callable[[], None] | None = None,
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        super().__init__(
            S.DUPLICATE_HEADING, S.DUPLICATE_HINT, name="duplicate", on_read=on_read, badge=badge
        )
        self.lines: list[str] = []
        for case in others:
            box, layout = frame("panel", name=f"duplicate-{case.number}")
            line = S.DUPLICATE_LINE.format(
                number=case.number, title=case.form_title, state=case.state_label
            )
            layout.addWidget(label(line, "large"))
            self.lines.append(line)
            self.body.addWidget(box)
        if on_continue is not None:  # one of them is a draft: carry on with it
            self.body.addWidget(label(S.DUPLICATE_CONTINUE_HINT, "large", name="continue-hint"))
            self.lines.append(S.DUPLICATE_CONTINUE_HINT)
            self.body.addWidget(
                button(
                    S.DUPLICATE_CONTINUE,
                    "fa5s.pen",
                    role="primary",
                    name="continue-draft",
                    on_click=on_continue,
                )
            )
        if on_reason is None:
            self.body.addWidget(label(S.DUPLICATE_RESIDENT, "large", name="find-volunteer"))
            self.lines.append(S.DUPLICATE_RESIDENT)
        else:
            self.body.addWidget(label(S.DUPLICATE_VOLUNTEER, "large"))
            self.lines.append(S.DUPLICATE_VOLUNTEER)
            for i, reason in enumerate(REASONS):
                self.body.addWidget(
                    button(
                        wrap_text(reason, 24),
                        "fa5s.pen",
                        name=f"reason-{i}",
                        on_click=partial(on_reason, reason),
                    )
                )
        self.body.addStretch(1)
        self.set_nav(next=on_stop, next_text=S.DUPLICATE_STOP)  # always in view
        self.next_button.setObjectName("stop")

    def extra_spoken(self) -> list[str]:
        return self.lines
