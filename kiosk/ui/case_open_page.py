"""One case opened from 我的办件: its number, title and state, where it goes next (the
desk from the form's routing), and 继续填写 for a draft.

我的办件 is shown only after proof of presence (a card read, a receipt code or a
volunteer's check: ``presence.person_cases``), so a draft may be continued from here by
the resident alone; the idle wipe still forgets it (it stays saved in the store).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.domain.case_states import SERVER_STATES, CaseState
from kiosk.forms.schema import RoutingStep
from kiosk.services.views import CaseSummary
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import Qt

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow

# States in which the paper still has to be taken to the first desk.
AT_HALL = frozenset(
    {
        CaseState.FINALIZED,
        CaseState.PRINTED,
        CaseState.QUEUED,
        CaseState.SENT,
        CaseState.QUARANTINED,
    }
)


def next_step_text(case: CaseSummary, routing: list[RoutingStep]) -> str:
    """What happens next for ``case``, in words for the resident."""
    state = CaseState(case.state)
    if state == CaseState.DRAFT:
        return S.CASE_DRAFT_NEXT
    if state in AT_HALL and routing:
        return S.CASE_NEXT_DESK.format(desk=routing[0].desk, does=routing[0].does)
    if state in (CaseState.COMPLETED, CaseState.REFUSED):
        return S.CASE_CLOSED
    if state in SERVER_STATES:
        return S.CASE_IN_TOWN
    return ""


class CaseOpenPage(BasePage):
    def __init__(
        self,
        *,
        case: CaseSummary,
        routing: list[RoutingStep],
        on_continue: Callable[[], None] | None,
        on_back: Callable[[], None],
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        super().__init__(case.form_title, None, name="case-open", on_read=on_read, badge=badge)
        box, layout = frame("panel", name="case")
        self.lines = [
            S.CASE_NUMBER.format(number=case.number),
            S.MY_CASE_STATE.format(state=case.state_label),
        ]
        next_text = next_step_text(case, routing)
        if next_text:
            self.lines.append(next_text)
        if case.server_note:
            self.lines.append(case.server_note)
        for i, line in enumerate(self.lines):
            layout.addWidget(label(line, "large", name="case-line" if i else "case-number"))
        self.body.addWidget(box)
        if on_continue is not None:
            self.body.addWidget(
                button(
                    S.CONTINUE_DRAFT,
                    "fa5s.pen",
                    role="primary",
                    name="continue",
                    on_click=on_continue,
                ),
                0,
                Qt.AlignmentFlag.AlignLeft,
            )
        self.body.addStretch(1)
        self.set_nav(back=on_back, home=on_home)

    def extra_spoken(self) -> list[str]:
        return self.lines


def open_case(w: MainWindow, case: CaseSummary, back: Callable[[], None]) -> None:
    """Show ``case`` from 我的办件; 继续填写 resumes a draft where it was left."""
    try:
        routing = list(w.ctx.catalogue.get(case.form_id, case.form_version).routing)
    except Exception:  # a form the catalogue no longer holds: no desk to name
        routing = []
    draft = case.state == CaseState.DRAFT
    w.show_page(
        CaseOpenPage(
            case=case,
            routing=routing,
            on_continue=(lambda: w.form.resume(case.id)) if draft else None,
            on_back=back,
            on_home=w.go_home,
            on_read=w.reader,
            badge=w.badge,
        )
    )
