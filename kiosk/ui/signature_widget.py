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
    QSize,
    QSizePolicy,
    Qt,
    QWidget,
)
from kiosk.ui.touch_scroll import PageHold

PAD_RATIO = 3 / 7  # height / width: a line of a name written by hand
LEAST_WIDTH = 360  # px: a name in three or four characters still fits


class SignatureWidget(QWidget):
    """The pad takes the width the page has (never wider: issue 15, it was 700 px x the
    text scale, 1400 px at 200 %) and is as high as 3/7 of it, between 200 px and 300 px
    x the text scale."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("signature")
        self.setProperty("strokes", True)  # the tap guard never drops a stroke
        m = metrics()
        self.setMinimumSize(LEAST_WIDTH, self.height_for(0))
        self.setMaximumHeight(self.height_for(1 << 14))
        # Its height follows its width (asked by the page's layout before it is placed).
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._hint = QSize(m.px(700), self.height_for(m.px(700)))
        self._strokes: list[list[QPointF]] = []
        self._hold = PageHold(self)  # a downward stroke does not scroll the page

    @staticmethod
    def height_for(width: int) -> int:
        """The pad's height in px at ``width`` px."""
        m = metrics()
        return max(200, min(m.px(300), round(width * PAD_RATIO)))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.height_for(width)

    def sizeHint(self) -> QSize:
        return self._hint

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
