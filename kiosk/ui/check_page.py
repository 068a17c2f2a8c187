"""Check answers: every answer in words with 修改 beside it, then 确认提交.

What a register filled (registry facts: the ID card, the registry, the household register)
was not asked page by page: it shows here in one box per section or heir, with the
source and one 修改 for the box (issue 15, time on task)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from kiosk.forms.engine import SummaryRow
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.look import metrics
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QFrame, QLabel, QVBoxLayout, QWidget
from kiosk.ui.reflow_widget import side_or_under


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
        facts: list[list[SummaryRow]] | None = None,
        on_edit_group: Callable[[list[str]], None] | None = None,
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
        groups = {g[0].path: g for g in facts or []}
        in_groups = {r.path for g in facts or [] for r in g}
        section: str | None = None
        for row in rows:
            if row.path in in_groups and row.path not in groups:
                continue  # shown in its group's box
            heading = " ".join(p for p in (row.section, row.item_title) if p)
            if heading and heading != section:
                section = heading
                self.body.addWidget(label(heading, "heading"))
            if row.path in groups:
                group = groups[row.path]
                paths = [r.path for r in group]
                edit = on_edit_group or (lambda ps: on_edit(ps[0]))
                self.body.addWidget(_fact_box(group, partial(edit, paths)))
                continue
            box, layout = frame("panel", name=f"row-{row.path}")
            lines = [
                label(row.label, "hint"),
                label(row.display or S.NOT_ANSWERED, "large", name="answer"),
            ]
            if row.source:
                lines.append(label(S.PREFILLED.format(source=row.source), "small"))
            texts = _column(*lines)
            change = button(
                S.EDIT, "fa5s.edit", name=f"edit-{row.path}", on_click=partial(on_edit, row.path)
            )
            layout.addWidget(side_or_under(texts, change))
            self.body.addWidget(box)
        self.body.addStretch(1)
        self.set_nav(back=on_back, home=on_home, next=on_submit, next_text=next_text)

    def extra_spoken(self) -> list[str]:
        return [S.FORMS_IN_EVENT, *self.plan] if self.plan else []


def _fact_box(group: list[SummaryRow], on_edit: Callable[[], None]) -> QFrame:
    """Registry facts of one section or item: 据登记信息（来源），请核对, each fact on a line
    (label：answer), one 修改 that walks through them."""
    box, layout = frame("panel", name=f"facts-{group[0].path}")
    sources = sorted({r.source for r in group if r.source})
    texts = _column(
        label(S.PREFILLED.format(source="、".join(sources)), "hint"),
        *(label(f"{row.label}　{row.display}", "large", name="fact") for row in group),
    )
    edit = button(S.EDIT, "fa5s.edit", name=f"edit-group-{group[0].path}", on_click=on_edit)
    layout.addWidget(side_or_under(texts, edit))
    return box


def _column(*labels: QLabel) -> QWidget:
    """Labels one under the other, in a widget (a row's words beside or over its 修改)."""
    column = QWidget()
    lines = QVBoxLayout(column)
    lines.setContentsMargins(0, 0, 0, 0)
    lines.setSpacing(metrics().px(8))
    for line in labels:
        lines.addWidget(line)
    return column
