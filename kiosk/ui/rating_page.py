"""好差评 after a finished transaction: five big buttons (非常满意 … 非常不满意,
GB/T 39734-2020), a reason to pick for the lower two, and 跳过 always; read aloud."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from kiosk.services.ratings import LEVELS, LOW_LEVELS, REASONS
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, label
from kiosk.ui.look import metrics
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QVBoxLayout, QWidget

ICONS = {
    "very_satisfied": "fa5s.grin-beam",
    "satisfied": "fa5s.smile",
    "basic": "fa5s.meh",
    "dissatisfied": "fa5s.frown",
    "very_dissatisfied": "fa5s.sad-tear",
}


class RatingPage(BasePage):
    """``on_rate(level, reason)`` stores the rating; ``on_skip`` goes on without one."""

    def __init__(
        self,
        *,
        on_rate: Callable[[str, str | None], None],
        on_skip: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        super().__init__(S.RATE_HEADING, S.RATE_HINT, name="rating", on_read=on_read, badge=badge)
        self._on_rate = on_rate
        self.level: str | None = None
        self.levels = QWidget()
        box = QVBoxLayout(self.levels)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(metrics().gap)
        for key, words in LEVELS.items():
            box.addWidget(
                button(words, ICONS[key], name=f"rate-{key}", on_click=partial(self._picked, key))
            )
        self.body.addWidget(self.levels)
        self.reasons = QWidget()
        rbox = QVBoxLayout(self.reasons)
        rbox.setContentsMargins(0, 0, 0, 0)
        rbox.setSpacing(metrics().gap)
        rbox.addWidget(label(S.RATE_REASON, "large"))
        for key, words in REASONS.items():
            rbox.addWidget(button(words, name=f"reason-{key}", on_click=partial(self._reason, key)))
        self.reasons.hide()
        self.body.addWidget(self.reasons)
        self.body.addStretch(1)
        self.set_nav(next=on_skip, next_text=S.RATE_SKIP)
        self._spoken = [
            S.SPOKEN_CHOICE.format(n=n, text=w) for n, w in enumerate(LEVELS.values(), 1)
        ]

    def _picked(self, level: str) -> None:
        self.level = level
        if level not in LOW_LEVELS:
            self._on_rate(level, None)
            return
        # The lower two: which went wrong? (optional: 跳过 stores the level alone)
        self.levels.hide()
        self.reasons.show()
        self.heading.setText(S.RATE_REASON_HEADING.format(level=LEVELS[level]))
        self.next_button.clicked.disconnect()
        self.next_button.clicked.connect(lambda _c=False: self._on_rate(level, None))
        self._spoken = [
            S.RATE_REASON,
            *(S.SPOKEN_CHOICE.format(n=n, text=w) for n, w in enumerate(REASONS.values(), 1)),
        ]
        self.read()

    def _reason(self, reason: str) -> None:
        if self.level is not None:
            self._on_rate(self.level, reason)

    def extra_spoken(self) -> list[str]:
        return self._spoken
