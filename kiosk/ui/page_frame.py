"""The frame every screen shares: heading, the sync indicator and 朗读 at the top, the
error summary under them, the content in the middle (scrolls when the font is large), and
the navigation bar at the bottom with 上一步 on the left and 下一步 on the right, always in
the same place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.ui import strings as S
from kiosk.ui import theme
from kiosk.ui.common_widgets import ErrorBox, button, label
from kiosk.ui.keypad_column import KeypadColumn
from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QBoxLayout,
    QEvent,
    QHBoxLayout,
    QLabel,
    QObject,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    Qt,
    QVBoxLayout,
    QWidget,
    icon,
)
from kiosk.ui.speech import spoken_join
from kiosk.ui.sync_widget import SyncIndicator
from kiosk.ui.touch_scroll import MoreBelowCue, enable_kinetic, own_viewport


class OnResize(QObject):
    """Calls ``then`` whenever ``widget`` changes size."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._then()
        return False


class BasePage(KeypadColumn, QWidget):
    """A screen. Subclasses fill ``self.body`` and say which nav buttons they want."""

    def __init__(
        self,
        heading: str,
        hint: str | None = None,
        *,
        name: str,
        on_read: Callable[[str], None] | None = None,
        badge: str | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("page")
        self.page_name = name
        self._on_read = on_read
        m = metrics()
        outer = QVBoxLayout(self)
        self._outer = outer
        outer.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        outer.setSpacing(m.gap)

        top = QHBoxLayout()
        top.setSpacing(m.gap)
        self.titles = QWidget()
        self.titles.setObjectName("titles")
        titles = QVBoxLayout(self.titles)
        titles.setContentsMargins(0, 0, 0, 0)
        titles.setSpacing(m.px(8))
        self.section_label = label("", "section", name="section")
        self.section_label.hide()
        titles.addWidget(self.section_label)
        self.heading = label(heading, "heading", name="heading")
        titles.addWidget(self.heading)
        self.hint = label(hint or "", "hint", name="hint")
        self.hint.setVisible(bool(hint))
        titles.addWidget(self.hint)
        # The titles sit beside 朗读 when they are short for the screen (so a 768 px high
        # screen shows home's tiles and the date steppers), and otherwise scroll with the
        # page, first in the body: a long heading at 200 % text wraps to its full height
        # instead of being squeezed and cut (``_place_titles``).
        self._top = top
        self._corner_place = "beside"  # KeypadColumn._place_corner
        self._titles_beside = True
        top.addWidget(self.titles, 1)
        # Beside 朗读 the titles never set the page's least height: at a height where they
        # would not fit they go into the scrolling body (``_place_titles``), so a window
        # made shorter is never held at the height of the titles beside.
        self.titles.setMinimumHeight(1)
        side = QVBoxLayout()
        self._side = side
        side.setSpacing(m.px(8))
        self.badge = label(badge or "", "small", name="badge")
        self.badge.setVisible(bool(badge))
        side.addWidget(self.badge)
        corner = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        corner.setSpacing(m.gap)
        self._corner = corner
        self.sync_indicator = SyncIndicator(staff=name.startswith("staff"))
        # One place for the sync indicator and, when the titles scroll (a short or narrow
        # page), 正在朗读 instead of it while reading: the corner stays one row.
        self._slot = QStackedWidget()
        self._slot.setObjectName("corner-slot")
        holder = QWidget()
        holder_row = QHBoxLayout(holder)
        holder_row.setContentsMargins(0, 0, 0, 0)
        holder_row.addWidget(self.sync_indicator)
        self._slot.addWidget(holder)
        self._sync_holder = holder
        corner.addWidget(self._slot)
        # 待上传 N 件 arrives after the page is laid out and widens the corner: fit again.
        self._refit_on_resize = OnResize(self._slot, self._refit)
        # 朗读 turns into 停止 in place while reading, at one fixed width, and 正在朗读 shows
        # under it in a place kept for it: reading never re-lays out the header.
        self.read_button = button(
            S.READ_ALOUD, "fa5s.volume-up", name="read", on_click=self._toggle
        )
        fm = self.read_button.fontMetrics()
        wider = fm.horizontalAdvance(S.STOP_READING) - fm.horizontalAdvance(S.READ_ALOUD)
        self.read_button.setFixedWidth(self.read_button.sizeHint().width() + max(0, wider))
        self.read_button.setVisible(on_read is not None)
        corner.addWidget(self.read_button)
        self._on_stop: Callable[[], None] | None = None
        self.speaking = False
        side.addLayout(corner)
        self.reading = label(S.READING, "small", name="reading")
        self.reading.setWordWrap(False)
        self.reading.setAlignment(Qt.AlignmentFlag.AlignRight)
        keep = self.reading.sizePolicy()
        keep.setRetainSizeWhenHidden(on_read is not None)
        self.reading.setSizePolicy(keep)
        self.reading.hide()
        side.addWidget(self.reading)
        side.addStretch(1)
        top.addLayout(side)
        # Two columns: the page (heading, messages, the scrolling body, the cue) and, on
        # keypad pages, the keypad pinned beside it from the top to the nav bar: it never
        # scrolls, so every key and 上一步/下一步 stay in view while typing (issue 15). On a
        # portrait screen the keypad goes under the page instead (``_fit_keypad``).
        columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._page_columns = columns
        columns.setSpacing(m.gap)
        left = QVBoxLayout()
        self._left = left
        left.setSpacing(m.gap)
        columns.addLayout(left, 1)
        self.pinned = QVBoxLayout()
        self.pinned.setSpacing(m.gap)
        columns.addLayout(self.pinned)
        self._keypad: Any = None
        outer.addLayout(columns, 1)
        left.addLayout(top)

        scroll = QScrollArea()
        scroll.setObjectName("page-scroll")
        scroll.setWidgetResizable(True)
        # The scroll bar always has its place: a message shortening the view never makes
        # one appear and narrow everything on the page.
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # The content scrolls, so its view may be short (a message at 200 % text on a
        # 768 px screen): the page column never forces the window taller than the screen.
        scroll.setMinimumHeight(m.px(48))
        enable_kinetic(scroll, own_viewport(scroll))
        self.scroll_area = scroll
        content = QWidget()
        content.setObjectName("page")
        self.body = QVBoxLayout(content)
        self.body.setSpacing(m.gap)
        self.body.setContentsMargins(0, 0, m.px(8), 0)
        scroll.setWidget(content)
        left.addWidget(scroll, 1)
        self.more_below = MoreBelowCue(scroll)
        left.addWidget(self.more_below)

        # One message area for every page, between the content and the navigation bar:
        # always in view, and appearing or going it only shortens the scrolled content
        # from below, so nothing the finger aims at moves (issue 15, brk15 3/4). It sits
        # in the page's column, so a pinned keypad keeps its keys where they are.
        self.errors = ErrorBox()
        left.addWidget(self.errors)

        self.status = label("", "small", name="status")
        self.status.hide()
        outer.addWidget(self.status)
        nav = QHBoxLayout()
        nav.setSpacing(m.gap)
        self.back_button = button(S.BACK, "fa5s.arrow-left", name="back")
        self.home_button = button(S.HOME, "fa5s.home", name="home")
        self.next_button = button(S.NEXT, "fa5s.arrow-right", role="primary", name="next")
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.home_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        for b in (self.back_button, self.home_button, self.next_button):
            b.setMinimumWidth(min(m.px(220), 300))
        outer.addLayout(nav)

    def set_nav(
        self,
        *,
        back: Callable[[], None] | None = None,
        home: Callable[[], None] | None = None,
        next: Callable[[], None] | None = None,
        next_text: str | None = None,
        keep_place: bool = True,
    ) -> None:
        """Connect the nav buttons; a missing action hides its button but (unless
        ``keep_place`` is False) keeps its place, so 上一步/下一步 never move."""
        for widget, action in (
            (self.back_button, back),
            (self.home_button, home),
            (self.next_button, next),
        ):
            widget.setVisible(action is not None)
            if action is not None:
                widget.clicked.connect(lambda _c=False, a=action: a())
        if next_text:
            self.next_button.setText(next_text)
        for widget in (self.back_button, self.home_button, self.next_button):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(keep_place)
            widget.setSizePolicy(policy)

    def _fit_corner(self) -> None:
        """The sync indicator and 朗读 side by side, or one above the other when the page's
        column is too narrow for both (200 % text beside a pinned keypad); the titles
        then go into the scrolling body (``_place_titles``)."""
        m = metrics()
        column = self.width() - 2 * m.margin
        if (
            self._titles_beside
            and self._keypad is not None
            and self._page_columns.direction() == QBoxLayout.Direction.LeftToRight
        ):
            column -= self._keypad.sizeHint().width() + m.gap
        wide = self._slot.sizeHint().width() + self.read_button.sizeHint().width()
        beside = column >= wide + m.gap
        self._corner.setDirection(
            QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        )

    def _corner_row_width(self) -> int:
        """The corner's width when the sync indicator and 朗读 sit side by side."""
        return self._slot.sizeHint().width() + self.read_button.sizeHint().width() + metrics().gap

    def _place_titles(self) -> None:
        """Titles beside the corner (朗读) when, at the width left there, they take at most
        a quarter of the page's height; otherwise first in the scrolling body."""
        m = metrics()
        column = self.width() - 2 * m.margin
        if (
            self._keypad is not None
            and self._page_columns.direction() == QBoxLayout.Direction.LeftToRight
        ):
            column -= self._keypad.sizeHint().width() + m.gap
        # The whole side column (the badge may be wider than the corner), with the corner
        # laid out as _fit_corner will lay it: side by side when that fits the column.
        corner = max(self._side.sizeHint().width(), self._corner_row_width())
        if self._corner_place == "split":  # 朗读 is over the keys now, beside it would not be
            corner += self.read_button.sizeHint().width() + m.gap
        room = column - corner - m.gap
        lay = self.titles.layout()
        high = lay.totalHeightForWidth(room) if room > 0 and lay is not None else 1 << 20
        # Beside with half the width on a landscape screen (a 768 px high one keeps its
        # height for the content), with most of it on a portrait one: a title squeezed
        # into a narrow column beside 朗读 there wastes the width and grows tall (issue 15).
        portrait = self.height() > self.width()
        wide = room * 5 >= column * 3 if portrait else room >= column // 2
        beside = wide and high <= self.height() // 4
        if beside == self._titles_beside:
            return
        self._titles_beside = beside
        # 正在朗读 under 朗读 beside the titles; in the corner's row when the titles scroll
        # (a short screen keeps that line for the content).
        if beside:
            self._slot.setCurrentWidget(self._sync_holder)
            self._slot.removeWidget(self.reading)
            self._side.insertWidget(self._side.count() - 1, self.reading)
            self.reading.setVisible(self.speaking)
        else:
            self._side.removeWidget(self.reading)
            self._slot.addWidget(self.reading)
            self._slot.setCurrentWidget(self.reading if self.speaking else self._sync_holder)
        if beside:
            self.body.removeWidget(self.titles)
            self._top.insertWidget(0, self.titles, 1)
        else:
            self._top.removeWidget(self.titles)
            self._top.insertStretch(0, 1)
            self.body.insertWidget(0, self.titles)
        if beside:
            stretch = self._top.itemAt(1)
            if stretch is not None and stretch.spacerItem() is not None:
                self._top.removeItem(stretch)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._refit()

    def showEvent(self, event: Any) -> None:
        """Fit again once shown: a page sized before its style was applied measured its
        corner (朗读) with the default font, too narrow, and put the titles beside it."""
        super().showEvent(event)
        self._refit()

    def _refit(self) -> None:
        self._fit_keypad()
        self._place_titles()
        if self._place_corner():
            self._fit_keypad()
        self._fit_corner()
        # The keys and rows just changed their sizes: lay the page out with them now, not
        # one event later (a screen measured or grabbed right after a resize is whole).
        self._outer.activate()

    def set_section(self, text: str | None) -> None:
        self.section_label.setText(text or "")
        self.section_label.setVisible(bool(text))

    def show_errors(self, messages: list[str], *, fault: bool = False) -> None:
        """``messages`` in the error box under 还有问题要改 (answers to change), or with
        ``fault`` under 本机出了问题 (the machine's, for staff: nothing to change)."""
        heading = S.FAULT_HEADING if fault else S.ERROR_HEADING
        self.errors.show_messages(messages, heading=heading)

    def show_warning(self, messages: list[str], accept: str, on_accept: Callable[[], None]) -> None:
        """A doubt, not an error: said with a separate labelled button to go on (e.g.
        继续，用这个号码); 下一步 alone never passes it."""
        self.errors.show_messages(messages, heading=S.WARNING_HEADING, action=(accept, on_accept))

    def show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def spoken_text(self) -> str:
        """What 朗读 reads: the heading, the hint, then any errors."""
        parts = [self.heading.text(), self.hint.text() if self.hint.isVisible() else ""]
        parts += self.extra_spoken()
        parts += self.errors.messages
        return spoken_join(parts)

    def extra_spoken(self) -> list[str]:
        return []

    def read(self) -> None:
        if self._on_read is not None:
            self._on_read(self.spoken_text())

    def set_speaking(self, on: bool, on_stop: Callable[[], None] | None = None) -> None:
        """While a text is read: 朗读 says 停止 (``on_stop``) in the same place, and
        正在朗读 shows under it."""
        if on_stop is not None:
            self._on_stop = on_stop
        self.speaking = on and self._on_read is not None
        if self._titles_beside:
            self.reading.setVisible(self.speaking)
        else:  # in the sync indicator's place
            self._slot.setCurrentWidget(self.reading if self.speaking else self._sync_holder)
        if self.speaking:
            self.read_button.setText(S.STOP_READING)
            self.read_button.setIcon(icon("fa5s.stop", theme.INK))
        else:
            self.read_button.setText(S.READ_ALOUD)
            self.read_button.setIcon(icon("fa5s.volume-up", theme.INK))

    def _toggle(self) -> None:
        if self.speaking:
            self._stop()
        else:
            self.read()

    def _stop(self) -> None:
        if self._on_stop is not None:
            self._on_stop()
        self.set_speaking(False)

    def nav_buttons(self) -> list[QPushButton]:
        return [self.back_button, self.home_button, self.next_button]

    def heading_label(self) -> QLabel:
        return self.heading
