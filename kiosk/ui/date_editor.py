"""The date question: year, month and day steppers with big 减/加 buttons. A new question
starts empty, and the day stepper offers only real dates of the chosen month."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from typing import Any

from kiosk.domain.dates import build_date
from kiosk.domain.errors import DomainError
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, label
from kiosk.ui.editor_base import Editor
from kiosk.ui.look import metrics
from kiosk.ui.qt import QPushButton, Qt, QVBoxLayout, QWidget
from kiosk.ui.reflow_widget import Reflow


class Stepper(QWidget):
    """A number with big 减/加 buttons (and 减十/加十 for years and days).

    It may start empty (``value`` None, shown as 请选择): the first tap shows ``anchor``
    (today's year, month or day), so nothing is chosen for the person by default.
    """

    def __init__(
        self,
        name: str,
        value: int | None,
        lo: int,
        hi: int,
        unit: str,
        big: bool,
        *,
        anchor: int | None = None,
    ) -> None:
        super().__init__()
        self.lo, self.hi, self.unit = lo, hi, unit
        self.anchor = anchor if anchor is not None else lo
        self._value = value
        self.on_change: Callable[[], None] | None = None
        self.on_first: Callable[[], None] | None = None  # the first tap while empty
        self.shown = label("", "heading", name=f"{name}-value")
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.shown.setMinimumWidth(metrics().px(190))
        down = [self._step_button(name, s) for s in ([-10, -1] if big else [-1])]
        up = [self._step_button(name, s) for s in ([1, 10] if big else [1])]
        # One line when it fits; when narrow (200 % text) the number above its buttons,
        # and at the narrowest 减 and 加 each on a line of their own.
        n = len(down)
        value, downs, ups = n, list(range(n)), list(range(n + 1, 2 * n + 1))
        self.steps = Reflow(
            [*down, self.shown, *up],
            [[[*downs, value, *ups]], [[value], [*downs, *ups]], [[value], downs, ups]],
            name=f"{name}-steps",
        )
        row = QVBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.steps)
        self._show()

    def _step_button(self, name: str, step: int) -> QPushButton:
        word = ("加" if step > 0 else "减") + ("十" if abs(step) == 10 else "一")
        return button(word, name=f"{name}{step:+d}", on_click=lambda: self._step(step))

    def _step(self, step: int) -> None:
        if self._value is None and self.on_first is not None:
            self.on_first()
            return
        self.set(self.anchor if self._value is None else self._value + step)

    def set(self, value: int | None) -> None:
        self._value = None if value is None else max(self.lo, min(self.hi, value))
        self._show()
        if self.on_change is not None:
            self.on_change()

    def set_range(self, lo: int, hi: int) -> None:
        """New bounds (the days of the chosen month); the value is kept inside them."""
        self.lo, self.hi = lo, hi
        if self._value is not None and not lo <= self._value <= hi:
            self.set(self._value)

    def value(self) -> int | None:
        return self._value

    def _show(self) -> None:
        self.shown.setText(S.NOT_CHOSEN if self._value is None else f"{self._value}{self.unit}")


def days_in(year: int | None, month: int | None) -> int:
    """Days of that month (29 for 2月 while the year is not chosen): the day stepper
    offers only real dates, never 11月31日 or 2月30日."""
    if month is None:
        return 31
    return calendar.monthrange(year if year is not None else 2000, month)[1]


class DateEditor(Editor):
    """Year, month and day steppers. A new question starts empty (no date is chosen for
    the person: a date of death never defaults to today)."""

    def __init__(self, stored: Any, today: date) -> None:
        super().__init__()
        start = date.fromisoformat(stored) if stored else None
        y, m, d = (start.year, start.month, start.day) if start else (None, None, None)
        self.year = Stepper("year", y, 1890, today.year + 1, S.YEAR, True, anchor=today.year)
        # The first tap shows today's part: most dates asked (a death, an application) are
        # recent, so few taps remain; nothing is chosen until the person taps.
        self.month = Stepper("month", m, 1, 12, S.MONTH, False, anchor=today.month)
        # 加十/减十 for days too: the 30th from the 20th is one tap, not ten.
        self.day = Stepper("day", d, 1, 31, S.DAY, True, anchor=today.day)
        for stepper in (self.year, self.month, self.day):
            self.box.addWidget(stepper)
        self.year.on_change = self.month.on_change = self._limit_days
        for stepper in (self.year, self.month, self.day):
            stepper.on_first = self._show_today
        self._limit_days()

    def _show_today(self) -> None:
        """The first tap on an empty date shows today's date whole (year, month and day),
        to step from: nothing is chosen before a tap, and a recent date (a death, an
        application) is a few taps away instead of one anchor tap per stepper."""
        for stepper in (self.year, self.month, self.day):
            if stepper.value() is None:
                stepper.set(stepper.anchor)

    def spoken_answer(self) -> str | None:
        parts = [
            f"{v}{unit}"
            for v, unit in (
                (self.year.value(), S.YEAR),
                (self.month.value(), S.MONTH),
                (self.day.value(), S.DAY),
            )
            if v is not None
        ]
        return "".join(parts) or None

    def _limit_days(self) -> None:
        self.day.set_range(1, days_in(self.year.value(), self.month.value()))

    def value(self) -> Any:
        y, m, d = self.year.value(), self.month.value(), self.day.value()
        if y is None and m is None and d is None:
            return None  # not answered: the engine asks for it
        if y is None or m is None or d is None:
            return f"{y or 0:04d}-{m or 0:02d}-{d or 0:02d}"  # the engine names what is missing
        try:
            return build_date(y, m, d).isoformat()
        except DomainError:
            return f"{y:04d}-{m:02d}-{d:02d}"
