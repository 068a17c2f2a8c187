"""What is wrong with the screen on show, measured on the real widgets (issue 15 point 3):
text clipped by its widget, sibling widgets on top of each other, a control outside the
window (or wider than its scrolling page), a target under 72 px, text under 24 px, and a
page with more below the fold but no cue.

``problems(window)`` returns one line per fault, ``kind: widget: numbers``; [] is a pass.
Text width and height come from QFontMetrics against the widget's contents rect.
"""

from __future__ import annotations

from kiosk.ui.qt import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QFontInfo,
    QLabel,
    QLineEdit,
    QPoint,
    QPushButton,
    QRect,
    Qt,
    QWidget,
)

MIN_TEXT_PX = 24
MIN_TARGET_PX = 72
SLACK = 2  # px of rounding between layout and font metrics
OVERLAP_SLACK = 8  # px: borders and focus frames that touch are not widgets on top of others


def _name(w: QWidget) -> str:
    text = getattr(w, "text", lambda: "")()
    return w.objectName() or (text[:12] if isinstance(text, str) else "") or type(w).__name__


def _rect_in(w: QWidget, top: QWidget) -> QRect:
    return QRect(w.mapTo(top, QPoint(0, 0)), w.size())


def _scroll_viewport(w: QWidget) -> QWidget | None:
    """The viewport of the scroll area ``w`` sits in (its content may be below the fold)."""
    p = w.parentWidget()
    while p is not None:
        area = p.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is p:
            return p
        p = p.parentWidget()
    return None


def _clipped(w: QWidget) -> str | None:
    if isinstance(w, QLabel):
        text = w.text()
        if not text.strip() or w.textFormat() == Qt.TextFormat.RichText or "<" in text:
            return None
        box = w.contentsRect()
        fm = w.fontMetrics()
        if w.wordWrap():
            need = fm.boundingRect(
                QRect(0, 0, box.width(), 100_000), int(Qt.TextFlag.TextWordWrap), text
            )
            if need.width() > box.width() + SLACK or need.height() > box.height() + SLACK:
                return f"needs {need.width()}x{need.height()} in {box.width()}x{box.height()}"
            return None
        wide = max(fm.horizontalAdvance(line) for line in text.split("\n"))
        high = fm.height() * len(text.split("\n"))
        if wide > box.width() + SLACK or high > box.height() + SLACK:
            return f"needs {wide}x{high} in {box.width()}x{box.height()}"
        return None
    if isinstance(w, QPushButton) and w.text().strip():
        fm = w.fontMetrics()
        lines = w.text().split("\n")
        wide = max(fm.horizontalAdvance(line) for line in lines)
        if not w.icon().isNull():
            wide += w.iconSize().width() + 4
        high = fm.height() * len(lines)
        if wide > w.width() - 4 or high > w.height() - 4:
            return f"needs {wide}x{high} in {w.width()}x{w.height()}"
        return None
    if isinstance(w, QLineEdit) and w.text():
        wide = w.fontMetrics().horizontalAdvance(w.text())
        if wide > w.contentsRect().width() - 4:
            return f"needs {wide} in {w.contentsRect().width()}"
    return None


def _overlaps(parent: QWidget, skip: set[int]) -> list[str]:
    kids = [
        c
        for c in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if c.isVisible() and not c.isWindow() and id(c) not in skip
    ]
    out = []
    for i, a in enumerate(kids):
        for b in kids[i + 1 :]:
            common = a.geometry().intersected(b.geometry())
            if common.width() > OVERLAP_SLACK and common.height() > OVERLAP_SLACK:
                out.append(f"overlap: {_name(a)} / {_name(b)}: {common.width()}x{common.height()}")
    return out


def problems(window: QWidget, *, more_below: QWidget | None = None) -> list[str]:
    """Every fault on the screen ``window`` shows now (see the module docstring).
    ``more_below``: the page's ▼ 下面还有内容 cue, required when content is below the fold."""
    QApplication.processEvents()
    room = QRect(QPoint(0, 0), window.size())
    shown = [w for w in window.findChildren(QWidget) if w.isVisible() and not w.isWindow()]
    out: list[str] = []
    # Overlays on purpose (the idle warning covers the page) are not overlaps.
    skip = {id(w) for w in shown if w.rect() == window.rect() or type(w).__name__ == "IdleOverlay"}
    for parent in [window, *shown]:
        out += _overlaps(parent, skip)
    for w in shown:
        if w.inherits("QScrollBar") or (
            w.parentWidget() and w.parentWidget().inherits("QScrollBar")
        ):
            continue
        texty = isinstance(w, QLabel | QAbstractButton | QLineEdit)
        text = w.text() if texty else ""  # type: ignore[attr-defined]
        if texty and text.strip() and QFontInfo(w.font()).pixelSize() < MIN_TEXT_PX:
            out.append(f"small text: {_name(w)}: {QFontInfo(w.font()).pixelSize()}px")
        bad = _clipped(w)
        if bad:
            out.append(f"clipped: {_name(w)}: {bad}")
        control = isinstance(w, QAbstractButton | QLineEdit)
        if control and (w.width() < MIN_TARGET_PX or w.height() < MIN_TARGET_PX):
            out.append(f"small target: {_name(w)}: {w.width()}x{w.height()}")
        if not control and not texty:
            continue
        r = _rect_in(w, window)
        port = _scroll_viewport(w)
        if port is None:
            if not room.contains(r):
                out.append(f"outside: {_name(w)}: {r.x()},{r.y()} {r.width()}x{r.height()}")
            continue
        view = _rect_in(port, window)
        if w.objectName().startswith("key-") and not view.contains(r):
            out.append(f"keypad not all in view: {_name(w)}")  # typing must never scroll
        if r.left() < view.left() - SLACK or r.right() > view.right() + SLACK:
            out.append(f"wider than the page: {_name(w)}: {r.width()} in {view.width()}")
        elif r.top() > view.bottom() and control and not (more_below and more_below.isVisible()):
            out.append(f"below the fold without a cue: {_name(w)}")
    return out
