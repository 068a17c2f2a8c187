"""Done: the case number large, what happens next (the desks it visits), materials to
bring, and 打印."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from kiosk.forms.schema import FormDefinition, Material
from kiosk.services.views import CaseSummary
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import NumberLabel, button, frame, label, wrap_label
from kiosk.ui.look import metrics
from kiosk.ui.offers import material_line
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import Qt


class DonePage(BasePage):
    def __init__(
        self,
        *,
        cases: list[tuple[CaseSummary, FormDefinition]],
        materials: list[Material],
        on_print: Callable[[str], None],
        on_print_all: Callable[[list[str]], None] | None = None,
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        super().__init__(S.DONE_HEADING, None, name="done", on_read=on_read, badge=badge)
        self.numbers = [c.number for c, _ in cases]
        if len(cases) > 1 and on_print_all is not None:
            # A life event: one 打印 for every form of it (one preview, one button).
            self.body.addWidget(
                button(
                    S.PRINT_ALL.format(n=len(cases)),
                    "fa5s.print",
                    role="primary",
                    name="print-all",
                    on_click=lambda: on_print_all([c.id for c, _ in cases]),
                ),
                0,
                Qt.AlignmentFlag.AlignLeft,
            )
        for case, form in cases:
            box, layout = frame("panel", name=f"case-{case.number}")
            layout.addWidget(wrap_label(form.title, "large"))  # every line of a long title
            layout.addWidget(
                NumberLabel(
                    S.CASE_NUMBER.format(number=case.number),
                    "huge",
                    metrics().huge,
                    name="case-number",
                )
            )
            if len(cases) == 1 or on_print_all is None:
                layout.addWidget(
                    button(
                        S.PRINT,
                        "fa5s.print",
                        role="primary",
                        name=f"print-{case.number}",
                        on_click=partial(on_print, case.id),
                    ),
                    0,
                    Qt.AlignmentFlag.AlignLeft,
                )
            layout.addWidget(label(S.NEXT_STEPS, "large"))
            for n, step in enumerate(form.routing, start=1):
                layout.addWidget(label(S.ROUTING_LINE.format(n=n, desk=step.desk, does=step.does)))
            self.body.addWidget(box)
        self.body.addWidget(label(S.MATERIALS_HEADING, "heading"))
        self.material_lines = [material_line(m).replace(S.MATERIALS_IF, "") for m in materials]
        for line in self.material_lines:
            self.body.addWidget(label(line, "large"))
        self.body.addStretch(1)
        self.set_nav(next=on_home, next_text=S.FINISH)

    def extra_spoken(self) -> list[str]:
        return [S.CASE_NUMBER_SAY.format(number=" ".join(n)) for n in self.numbers]
