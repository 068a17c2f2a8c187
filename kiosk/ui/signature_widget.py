"""A touch signature pad. Strokes are kept as an SVG path ("M x y L x y ..."), the way
the form stores a signature; only its presence matters to the form."""

from __future__ import annotations

from kiosk.ui import theme
from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPointF,
    QSizePolicy,
    Qt,
    QWidget,
)
from kiosk.ui.touch_scroll import PageHold


class SignatureWidget(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("signature")
        self.setProperty("strokes", True)  # the tap guard never drops a stroke
        m = metrics()
        self.setMinimumSize(m.px(700), m.px(300))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._strokes: list[list[QPointF]] = []
        self._hold = PageHold(self)  # a downward stroke does not scroll the page

    def path_text(self) -> str:
        parts = []
        for stroke in self._strokes:
            for i, p in enumerate(stroke):
                parts.append(f"{'M' if i == 0 else 'L'} {p.x():.0f} {p.y():.0f}")
        return " ".join(parts)

    def set_path_text(self, text: str) -> None:
        self._strokes = []
        tokens = text.split()
        for i in range(0, len(tokens) - 2, 3):
            cmd, x, y = tokens[i : i + 3]
            try:
                point = QPointF(float(x), float(y))
            except ValueError:
                continue
            if cmd == "M" or not self._strokes:
                self._strokes.append([point])
            else:
                self._strokes[-1].append(point)
        self.update()

    def clear(self) -> None:
        self._strokes = []
        self.update()

    def draw_stroke(self, points: list[tuple[float, float]]) -> None:
        """Add a stroke programmatically (tests, screenshots)."""
        self._strokes.append([QPointF(x, y) for x, y in points])
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._hold.press()
        self._strokes.append([event.position()])
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._hold.release()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._strokes:
            self._strokes[-1].append(event.position())
            self.update()

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(theme.PAPER))
        painter.setPen(QPen(QColor(theme.MUTED), metrics().px(3), Qt.PenStyle.DashLine))
        painter.drawRect(self.rect().adjusted(2, 2, -2, -2))
        painter.setPen(QPen(QColor(theme.INK), metrics().px(5)))
        for stroke in self._strokes:
            path = QPainterPath(stroke[0])
            for p in stroke[1:]:
                path.lineTo(p)
            painter.drawPath(path)
