"""Check answers: every answer in words with 修改 beside it, then 确认提交."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from kiosk.forms.engine import SummaryRow
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QHBoxLayout, QVBoxLayout


class CheckPage(BasePage):
    def __init__(
        self,
        *,
        title: str,
        rows: list[SummaryRow],
        on_edit: Callable[[str], None],
        on_submit: Callable[[], None],
        on_back: Callable[[], None],
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
        plan: list[str] | None = None,
        next_text: str = S.SUBMIT,
    ) -> None:
        super().__init__(S.CHECK_HEADING, S.CHECK_HINT, name="check", on_read=on_read, badge=badge)
        self.set_section(title)
        self.plan = plan or []
        if self.plan:  # a life event: the services this one intake becomes
            box, layout = frame("note", name="plan")
            layout.addWidget(label(S.FORMS_IN_EVENT, "large"))
            for text in self.plan:
                layout.addWidget(label(f"• {text}", "large"))
            self.body.addWidget(box)
        section: str | None = None
        for row in rows:
            heading = " ".join(p for p in (row.section, row.item_title) if p)
            if heading and heading != section:
                section = heading
                self.body.addWidget(label(heading, "heading"))
            box, layout = frame("panel", name=f"row-{row.path}")
            line = QHBoxLayout()
            texts = QVBoxLayout()
            texts.addWidget(label(row.label, "hint"))
            texts.addWidget(label(row.display or S.NOT_ANSWERED, "large", name="answer"))
            if row.source:
                texts.addWidget(label(S.PREFILLED.format(source=row.source), "small"))
            line.addLayout(texts, 1)
            line.addWidget(
                button(
                    S.EDIT,
                    "fa5s.edit",
                    name=f"edit-{row.path}",
                    on_click=partial(on_edit, row.path),
                )
            )
            layout.addLayout(line)
            self.body.addWidget(box)
        self.body.addStretch(1)
        self.set_nav(back=on_back, home=on_home, next=on_submit, next_text=next_text)

    def extra_spoken(self) -> list[str]:
        return [S.FORMS_IN_EVENT, *self.plan] if self.plan else []
