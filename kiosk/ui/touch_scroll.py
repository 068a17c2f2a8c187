"""Touch scrolling: drag with a finger (kinetic, QScroller) on every scroll area, and a
visible cue when part of a page is below the fold.

Elderly residents do not find a scrollbar; they push the page with a finger. QScroller's
``LeftMouseButtonGesture`` works for touch screens that send mouse events (most kiosk
panels under X11/Windows) and for touch events synthesised into mouse events, so one
grab covers both. A tap without movement still reaches the button under the finger.
"""

from __future__ import annotations

from typing import Any

from kiosk.ui import strings as S
from kiosk.ui.qt import QAbstractScrollArea, QLabel, QScroller, QScrollerProperties, Qt, QWidget


def own_viewport(area: QAbstractScrollArea) -> QWidget:
    """Give ``area`` a viewport made here, before its content is set (``setViewport``
    deletes the old viewport with its children), and return it.

    Why: ``area.viewport()`` is the first call of a page that returns a QWidget from C++,
    and the first such call makes PySide build the enum classes of ~70 QtWidgets types
    (~10 ms before home's first paint, issue 19); a widget made in Python is already one."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")  # the name Qt gives its own
    area.setViewport(viewport)
    return viewport


def enable_kinetic(area: QAbstractScrollArea, viewport: QWidget | None = None) -> QScroller:
    """Let a finger drag ``area`` (no overshoot bounce, which elderly users read as a
    fault); ``viewport`` is ``area``'s viewport when the caller has it (``own_viewport``).
    Returns the scroller (``QScroller.hasScroller(area.viewport())`` is then True)."""
    if viewport is None:
        viewport = area.viewport()
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    props = scroller.scrollerProperties()
    off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
    props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
    props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
    # A press is passed on to the button at once; a drag still scrolls.
    props.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
    scroller.setScrollerProperties(props)
    return scroller


class MoreBelowCue(QLabel):
    """下面还有内容: shown while the scroll area is not at its bottom; a tap on it scrolls
    one screen down. It keeps its place when hidden, so nothing moves when it appears."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(S.MORE_BELOW)
        self.setObjectName("more-below")
        self.setProperty("role", "more")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self._bar = area.verticalScrollBar()
        self._long = S.MORE_BELOW
        self._bar.rangeChanged.connect(lambda _lo, _hi: self.update_cue())
        self._bar.valueChanged.connect(lambda _v: self.update_cue())
        self.update_cue()

    def resizeEvent(self, event: Any) -> None:
        """The whole sentence when it fits on one line, else its first words (▼ 下面还有内容):
        the cue never takes two lines of a short screen."""
        super().resizeEvent(event)
        fits = self.fontMetrics().horizontalAdvance(self._long) <= self.contentsRect().width()
        short = self._long.split("：")[0]
        text = self._long if fits else short
        if self.text() != text:
            self.setText(text)

    def update_cue(self) -> None:
        self.setVisible(self._bar.value() < self._bar.maximum())

    def mousePressEvent(self, event: object) -> None:
        self._bar.setValue(self._bar.value() + self._bar.pageStep())


class PageHold:
    """Keeps the page still while a finger writes on ``widget`` (the 手写 pad, the
    signature pad): the page's kinetic scroller would take the finger after a few pixels
    of a downward stroke and cut it short. ``press`` on the pen-down turns the scroller of
    the scroll area around ``widget`` off; ``release`` on the pen-up turns it back on."""

    def __init__(self, widget: QWidget) -> None:
        self._widget = widget
        self._area: QAbstractScrollArea | None = None

    def _page_scroll(self) -> QAbstractScrollArea | None:
        parent = self._widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QAbstractScrollArea) and QScroller.hasScroller(parent.viewport()):
                return parent
            parent = parent.parentWidget()
        return None

    def press(self) -> None:
        self._area = self._page_scroll()
        if self._area is not None:
            QScroller.ungrabGesture(self._area.viewport())

    def release(self) -> None:
        if self._area is not None:
            enable_kinetic(self._area)
            self._area = None
