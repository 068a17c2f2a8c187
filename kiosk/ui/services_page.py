"""Service choice (grouped by department, one plain line each) and the materials page
shown before starting (需带材料), for a single service or a life event."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label, wrap_text
from kiosk.ui.offers import Offer, material_line
from kiosk.ui.page_frame import BasePage


class ChoicePage(BasePage):
    """A list of offers grouped by department (services) or one group (life events)."""

    def __init__(
        self,
        *,
        heading: str,
        hint: str,
        offers: list[Offer],
        empty_text: str,
        on_pick: Callable[[Offer], None],
        on_back: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
        name: str,
    ) -> None:
        super().__init__(heading, hint, name=name, on_read=on_read, badge=badge)
        groups: dict[str, list[Offer]] = {}
        for offer in offers:
            groups.setdefault(offer.group, []).append(offer)
        if not offers:
            self.body.addWidget(label(empty_text, "large", name="empty"))
        for group, items in sorted(groups.items()):
            self.body.addWidget(label(group, "heading"))
            for offer in items:
                b = button(
                    # 28 characters a line at 100 %: the button fits a 1024 px wide screen.
                    f"{wrap_text(offer.title, 28)}\n{wrap_text(offer.description, 28)}",
                    "fa5s.chevron-right",
                    name=f"offer-{offer.key}",
                    on_click=partial(on_pick, offer),
                )
                b.setStyleSheet("text-align: left;")
                self.body.addWidget(b)
        self.body.addStretch(1)
        self.set_nav(back=on_back)


class MaterialsPage(BasePage):
    """What to bring and who can apply, before the first question."""

    def __init__(
        self,
        *,
        offer: Offer,
        on_start: Callable[[], None],
        on_back: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        super().__init__(
            offer.title, offer.description, name="materials", on_read=on_read, badge=badge
        )
        self.deadlines = [S.DEADLINE.format(text=d) for d in offer.deadlines]
        if self.deadlines:
            deadline_box, nbox = frame("note", name="deadline")
            for line in self.deadlines:
                nbox.addWidget(label(line, "large"))
            self.body.addWidget(deadline_box)
        if offer.notes:
            notes, box = frame("panel")
            if offer.is_bundle:
                box.addWidget(label(S.FORMS_IN_EVENT, "large"))
            for note in offer.notes:
                box.addWidget(label(f"• {note}"))
            self.body.addWidget(notes)
        self.body.addWidget(label(S.MATERIALS_HEADING, "heading"))
        self.lines = [material_line(m) for m in offer.materials]
        for line in self.lines:
            self.body.addWidget(label(line, "large"))
        self.body.addStretch(1)
        self.set_nav(back=on_back, next=on_start, next_text=S.START)

    def extra_spoken(self) -> list[str]:
        return [*self.deadlines, S.MATERIALS_HEADING, *self.lines]
