"""打印预览: the case's PDF as it will come out of the printer, with big 打印 and 关闭 buttons.

Self-contained: the caller gives the PDF bytes and an ``on_print`` callback (which
starts printing off the GUI thread) and later reports back with ``show_status``.
Pages are shown at the dialog's width, one under the other.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.ui.look import metrics
from kiosk.ui.qt import (
    QBuffer,
    QByteArray,
    QDialog,
    QEvent,
    QGuiApplication,
    QHBoxLayout,
    QIODevice,
    QLabel,
    QObject,
    QPdfDocument,
    QPdfView,
    QPushButton,
    QRect,
    QVBoxLayout,
    QWidget,
)
from kiosk.ui.touch_scroll import enable_kinetic

# Colours at ≥ 7:1 against white (WCAG AAA), and never the only cue: the words say it too.
OK_COLOUR = "#0b5d1e"
ERROR_COLOUR = "#8b0000"
# Sizes follow the font scale (kiosk/ui/look.py), so 200 % text grows the buttons too.
STYLE = """
QDialog#printPreview {{ background: #ffffff; }}
QLabel#printTitle {{ font-size: {title}px; font-weight: bold; color: #000000; }}
QLabel#printStatus {{ font-size: {small}px; color: #000000; }}
QPushButton {{ font-size: {body}px; min-height: {target}px; min-width: {wide}px;
              padding: 4px 24px; border-radius: 8px; border: 2px solid #1a1a1a;
              background: #ffffff; color: #000000; }}
QPushButton#printButton {{ background: #0b3d91; color: #ffffff; border-color: #0b3d91; }}
QPushButton:disabled {{ background: #d9d9d9; color: #3d3d3d; border-color: #3d3d3d; }}
"""
MAX_WIDTH = 1100  # wider than this, an A4 page preview only gets taller
# Buttons at most this wide before padding: 关闭 and 打印 side by side (with the status) fit a
# 1024 px screen at 200 % text (their words need about half of it).
MARGIN = 16  # px kept free around the dialog inside the window / screen


def fit_rect(area: QRect) -> QRect:
    """The dialog's geometry inside ``area`` (the kiosk window, or the screen): all of its
    height less a margin, at most ``MAX_WIDTH`` wide, centred. So 打印 and 关闭 are on the
    screen at 1366×768 and in portrait 1080×1920 alike."""
    inner = area.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
    width = min(inner.width(), MAX_WIDTH)
    left = inner.left() + (inner.width() - width) // 2
    return QRect(left, inner.top(), width, inner.height())


def _room(parent: QWidget | None) -> QRect:
    """Where the dialog may go: the parent window's frame on its screen, else the
    primary screen's available area."""
    screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
    room = screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)
    if parent is not None:
        window = parent.window()
        top_left = window.mapToGlobal(window.rect().topLeft())
        room = room.intersected(QRect(top_left, window.size()))
    return room


def _nothing() -> None:
    return None


class PrintPreviewDialog(QDialog):
    """Preview a PDF; 打印 calls ``on_print``; ``show_status`` reports progress and errors."""

    def __init__(
        self, pdf_bytes: bytes, *, on_print: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("printPreview")
        self.setWindowTitle("打印预览")
        self.setModal(True)
        m = metrics()
        self.setStyleSheet(
            STYLE.format(
                title=m.px(30),
                small=m.small,
                body=m.body,
                target=m.target,
                wide=min(m.px(200), 240),
            )
        )
        self._parent = parent
        self.setGeometry(fit_rect(_room(parent)))
        if parent is not None:  # the window changes size (rotated screen): the dialog follows
            parent.window().installEventFilter(self)
        self._on_print = on_print

        # QPdfDocument reads from the device lazily: the buffer must live as long as it.
        self._data = QByteArray(pdf_bytes)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        enable_kinetic(self.view)  # the pages move under a finger

        pages = self.document.pageCount()
        self.title = QLabel(f"打印预览（共 {pages} 页）", self)
        self.title.setObjectName("printTitle")
        self.status = QLabel("", self)
        self.status.setObjectName("printStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("打印状态")

        self.print_button = QPushButton("打印", self)
        self.print_button.setObjectName("printButton")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self._print_clicked)
        self.close_button = QPushButton("关闭", self)
        self.close_button.setObjectName("closeButton")
        self.close_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.setSpacing(24)  # ≥ 12 px between touch targets
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        if self.document.status() != QPdfDocument.Status.Ready or pages == 0:
            self._set_status("预览打不开，但仍然可以直接打印。", ok=False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the dialog inside the window it belongs to when that window is resized or
        moved, so 打印 and 关闭 never lie off the screen."""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self.setGeometry(fit_rect(_room(self._parent)))
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        # The caller's on_print usually refers back to this dialog; dropping it on close
        # breaks that reference cycle, so Python's cycle collector (which may run on any
        # worker thread) never has to free a Qt widget.
        self._on_print = _nothing
        if self._parent is not None:
            self._parent.window().removeEventFilter(self)
        super().done(result)

    def _print_clicked(self) -> None:
        self.print_button.setEnabled(False)  # one job per press; show_status re-enables it
        self._set_status("正在打印，请稍等……", ok=True)
        self._on_print()

    def show_status(self, text: str, ok: bool) -> None:
        """The outcome in words (ok=False for a problem, e.g. 打印机没纸了，请加纸。)."""
        self._set_status(text, ok)
        self.print_button.setEnabled(True)
        self.print_button.setText("再打一份" if ok else "打印")

    def _set_status(self, text: str, ok: bool) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {OK_COLOUR if ok else ERROR_COLOUR};")
