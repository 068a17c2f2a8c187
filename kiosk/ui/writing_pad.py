"""The 手写 writing pad (issue 15, point 1): a square with a 田字格 guide that keeps the
strokes written on it (touch arrives as mouse events, Qt's default synthesis) and says
when each one ends. kiosk.ui.handwriting_widget recognises them and sizes the pad."""

from __future__ import annotations

from kiosk.ui import theme
from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QApplication,
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPointF,
    QSizePolicy,
    Qt,
    QWidget,
    Signal,
)
from kiosk.ui.touch_scroll import PageHold

# A finger is the same size at every text scale: the pad grows with the text up to
# PAD_MAX_PX only, and is never smaller than PAD_MIN_PX.
PAD_MAX_PX = 460
PAD_MIN_PX = 260
PAD_HINT = "请在框里写一个字"


def pad_room() -> int:
    """The pad's side the screen allows: 40 % of its available height (307 px on a
    1366×768 screen), at least PAD_MIN_PX."""
    screen = QApplication.primaryScreen()
    if screen is None:
        return PAD_MAX_PX
    return max(PAD_MIN_PX, int(screen.availableGeometry().height() * 0.4))


class WritingPad(QWidget):
    """A square pad with a 田字格 guide; ``stroke_finished`` after each pen-up."""

    stroke_finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("writing-pad")
        self.setProperty("strokes", True)  # the tap guard never drops a stroke
        side = min(metrics().px(420), PAD_MAX_PX, pad_room())
        self.setMinimumSize(side, side)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(side, side)
        self.setAccessibleName(PAD_HINT)
        self._strokes: list[list[QPointF]] = []
        self._down = False
        self._hold = PageHold(self)

    def strokes(self) -> list[list[tuple[float, float]]]:
        """The strokes so far in pad px, in the order written."""
        return [[(p.x(), p.y()) for p in s] for s in self._strokes]

    def draw_stroke(self, points: list[tuple[float, float]]) -> None:
        """One stroke through ``points`` (pad px), as if written with a finger: the box
        recognises the strokes so far (the screen tour's 手写 picture)."""
        self._strokes.append([QPointF(x, y) for x, y in points])
        self.update()
        self.stroke_finished.emit()

    def clear(self) -> None:
        self._strokes, self._down = [], False
        self.update()

    def set_side(self, side: int) -> None:
        """The pad ``side`` px square (a window resize); strokes already written scale
        with it, so what is recognised and drawn stays the same character."""
        old = self.width()
        if side == old:
            return
        k = side / max(1, old)
        self._strokes = [[QPointF(p.x() * k, p.y() * k) for p in s] for s in self._strokes]
        self.setFixedSize(side, side)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._hold.press()  # a stroke is not a drag of the page
        self._down = True
        self._strokes.append([event.position()])
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._down and self._strokes:
            self._strokes[-1].append(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if not self._down:
            return
        self._down = False
        self._strokes[-1].append(event.position())
        self._hold.release()
        self.update()
        self.stroke_finished.emit()

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(theme.PAPER))
        w, h, m = self.width(), self.height(), metrics()
        painter.setPen(QPen(QColor(theme.MUTED), m.px(3)))
        painter.drawRect(self.rect().adjusted(2, 2, -2, -2))
        painter.setPen(QPen(QColor(theme.MUTED), m.px(1), Qt.PenStyle.DashLine))
        painter.drawLine(w // 2, 0, w // 2, h)  # 田字格: where a character's parts go
        painter.drawLine(0, h // 2, w, h // 2)
        painter.setPen(
            QPen(QColor(theme.INK), m.px(8), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        for stroke in self._strokes:
            path = QPainterPath(stroke[0])
            for p in stroke[1:]:
                path.lineTo(p)
            painter.drawPath(path)
