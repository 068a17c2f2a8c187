"""好差评 after a finished transaction: five big buttons (非常满意 … 非常不满意,
GB/T 39734-2020), all five in view together at any screen size (one row of equal shares,
or two columns when narrow; under the question, outside its scrolling), and 跳过 always;
read aloud.

For the lower two a page of its own asks why: a reason is ticked, then 提交; or
不说原因 stores the level alone; 上一步 goes back to the five levels. A page of its own,
so the tap guard of every page change (kiosk/ui/tap_guard.py) keeps a double tap on
不满意 from landing on a reason."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from kiosk.forms.schema import Choice
from kiosk.services import ratings
from kiosk.services.ratings import LEVELS, LOW_LEVELS, REASONS
from kiosk.ui import strings as S
from kiosk.ui import theme
from kiosk.ui.answer_widgets import ChoiceEditor
from kiosk.ui.common_widgets import button
from kiosk.ui.look import metrics
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QGridLayout, QIcon, QPushButton, QSizePolicy, QWidget, icon

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow

ICONS = {
    "very_satisfied": "fa5s.grin-beam",
    "satisfied": "fa5s.smile",
    "basic": "fa5s.meh",
    "dissatisfied": "fa5s.frown",
    "very_dissatisfied": "fa5s.sad-tear",
}


class RatingPage(BasePage):
    """``on_pick(level)`` gets the level tapped; ``on_skip`` goes on without one."""

    def __init__(
        self,
        *,
        on_pick: Callable[[str], None],
        on_skip: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        super().__init__(S.RATE_HEADING, S.RATE_HINT, name="rating", on_read=on_read, badge=badge)
        self.levels = QWidget()
        self.grid = QGridLayout(self.levels)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(metrics().gap)
        self.buttons: list[QPushButton] = [
            button(words, ICONS[key], name=f"rate-{key}", on_click=partial(on_pick, key))
            for key, words in LEVELS.items()
        ]
        for b in self.buttons:  # a share of the row each: their words wrap to it
            policy = b.sizePolicy()
            policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
            b.setSizePolicy(policy)
        self._columns = 0
        self._font_px = 0
        self._faces = True
        # The compact row until the page has its width: a page added larger than the
        # window would grow the window past the screen before its first resize.
        self._arrange(5)
        self._fit_words(0)
        self.levels.hide()  # shown at the first resize, with its width (``resizeEvent``)
        # The levels stay in view under the (scrolling) question, never scrolled away: a
        # scale that hides its negative end biases the rating (issue 15, tester b15).
        self._left.insertWidget(self._left.indexOf(self.scroll_area) + 1, self.levels)
        self.body.addStretch(1)
        self.set_nav(next=on_skip, next_text=S.RATE_SKIP)

    def _arrange(self, columns: int) -> None:
        """The levels in ``columns`` columns, in reading order (left to right, then down)."""
        if columns == self._columns:
            return
        self._columns = columns
        for i, b in enumerate(self.buttons):
            self.grid.addWidget(b, i // columns, i % columns)
        for c in range(5):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)

    def _fit_words(self, column: int) -> None:
        """Body text when three characters a line fit a level's ``column`` px (非常不满意 in
        two lines), else the smallest text (≥ 24 px): a row of five stays two lines high,
        so it fits a 768 px screen at 200 % text."""
        m = metrics()
        px = m.body if 3 * m.body + m.px(8) <= column else m.small
        if px != self._font_px:
            self._font_px = px
            for b in self.buttons:
                b.setStyleSheet(f"font-size: {px}px; padding: 4px;")
        # The faces on all five or on none: a face on some levels only reads as a cue.
        faces = all(
            b.fontMetrics().horizontalAdvance(LEVELS[k]) + m.icon + m.px(16) <= column
            for k, b in zip(LEVELS, self.buttons, strict=True)
        )
        if faces != self._faces:
            self._faces = faces
            for key, b in zip(LEVELS, self.buttons, strict=True):
                b.setIcon(icon(ICONS[key], theme.INK) if faces else QIcon())

    def resizeEvent(self, event: Any) -> None:
        """One row of five, each level an equal share of the width, when three characters
        of the smallest text fit each; else two columns (three rows). Decided on the width
        only, so a window held taller for a moment never changes it."""
        m = metrics()
        room = self.width() - 2 * m.margin - m.scroll_bar
        least = 3 * m.small + m.px(8)
        columns = 5 if room >= 5 * least + 4 * m.gap else 2
        self._arrange(columns)
        self._fit_words((room - (columns - 1) * m.gap) // columns)
        self.levels.setHidden(False)
        super().resizeEvent(event)

    def extra_spoken(self) -> list[str]:
        return [S.SPOKEN_CHOICE.format(n=n, text=w) for n, w in enumerate(LEVELS.values(), 1)]


class RatingReasonPage(BasePage):
    """Why the lower level: ``on_rate(level, reason)`` with the reason ticked (提交) or
    None (不说原因); ``on_back`` shows the five levels again (上一步)."""

    def __init__(
        self,
        *,
        level: str,
        on_rate: Callable[[str, str | None], None],
        on_back: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        super().__init__(
            S.RATE_REASON_HEADING.format(level=LEVELS[level]),
            S.RATE_REASON,
            name="rating-reason",
            on_read=on_read,
            badge=badge,
        )
        self.level = level
        self._on_rate = on_rate
        self.reasons = ChoiceEditor([Choice(value=k, label=w) for k, w in REASONS.items()], None)
        for key, b in self.reasons.buttons.items():
            b.setObjectName(f"reason-{key}")
        self.body.addWidget(self.reasons)
        self.body.addStretch(1)
        self.set_nav(
            back=on_back,
            home=lambda: on_rate(level, None),
            next=self._submit,
            next_text=S.RATE_SUBMIT,
        )
        self.home_button.setText(S.RATE_NO_REASON)
        self.home_button.setIcon(icon("fa5s.comment-slash", theme.INK))
        self.home_button.setObjectName("no-reason")

    def _submit(self) -> None:
        reason = self.reasons.value()
        if reason is None:
            self.show_errors([S.RATE_PICK_REASON])
            self.read()
            return
        self._on_rate(self.level, reason)

    def extra_spoken(self) -> list[str]:
        return self.reasons.spoken_choices()


def ask_rating(w: MainWindow, case_ids: list[str]) -> None:
    """After 完成: the rating (one for the whole transaction), spoken on arrival,
    skippable; the lower two ask why on a page of their own; then home with 谢谢."""
    actor = w.session.actor

    def show(page: BasePage) -> None:
        w.show_page(page)
        if w.reader is not None:
            w.speaker.say(page.spoken_text())

    def thanked(_: object) -> None:
        w.go_home()
        w.page.show_status(S.RATE_THANKS)
        if w.reader is not None:
            w.speaker.say(S.RATE_THANKS)

    def rate(level: str, reason: str | None) -> None:
        w.op(lambda: ratings.rate_cases(w.ctx, case_ids, level, reason, actor=actor), thanked)

    def picked(level: str) -> None:
        if level not in LOW_LEVELS:
            rate(level, None)
            return
        show(
            RatingReasonPage(
                level=level,
                on_rate=rate,
                on_back=lambda: ask_rating(w, case_ids),
                on_read=w.reader,
                badge=w.badge,
            )
        )

    show(RatingPage(on_pick=picked, on_skip=w.go_home, on_read=w.reader, badge=w.badge))
