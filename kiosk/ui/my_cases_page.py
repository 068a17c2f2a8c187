"""我的办件: a person's cases by number, title and state only; no other personal data."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from kiosk.services.views import CaseSummary
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import Qt

# 16 or more characters without a break opportunity: not spaces, not CJK (Qt breaks
# between Chinese characters by itself).
_LONG_RUN = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]{16,}")
_BREAK = "\u200b"  # zero-width space: where Qt may end a line


def wrap_anywhere(text: str) -> str:
    """A desk's note as the label shows it: a long unbroken run (a URL, a Latin name) may
    break at any character, so it wraps instead of widening the screen sideways."""
    return _LONG_RUN.sub(lambda m: _BREAK.join(m.group(0)), text)


class MyCasesPage(BasePage):
    def __init__(
        self,
        *,
        cases: list[CaseSummary],
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
        on_open: Callable[[CaseSummary], None] | None = None,
    ) -> None:
        super().__init__(S.MY_CASES_HEADING, None, name="my-cases", on_read=on_read, badge=badge)
        self.lines: list[str] = []
        if not cases:
            self.body.addWidget(label(S.MY_CASES_NONE, "large", name="none"))
            self.lines.append(S.MY_CASES_NONE)
        for case in cases:
            box, layout = frame("panel", name=f"case-{case.number}")
            title = S.MY_CASE_LINE.format(number=case.number, title=case.form_title)
            state = S.MY_CASE_STATE.format(state=case.state_label)
            layout.addWidget(label(title, "large"))
            layout.addWidget(label(state, "large", name="state"))
            if case.server_note:
                layout.addWidget(label(wrap_anywhere(case.server_note), name="note"))
            if on_open is not None:  # the row opens the case: state, next desk, 继续填写
                layout.addWidget(
                    button(
                        S.OPEN_CASE,
                        "fa5s.folder-open",
                        name=f"open-{case.number}",
                        on_click=partial(on_open, case),
                    ),
                    0,
                    Qt.AlignmentFlag.AlignLeft,
                )
            self.lines.append(f"{title}，{state}")
            self.body.addWidget(box)
        self.body.addStretch(1)
        self.set_nav(next=on_home, next_text=S.HOME)

    def extra_spoken(self) -> list[str]:
        return self.lines
