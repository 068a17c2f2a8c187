"""The one place that imports PySide6 (and qtawesome, which wraps it). Every other module in
kiosk/ui takes its Qt names from here (``from kiosk.ui.qt import QLabel, Qt``), so the Qt
binding and version-specific workarounds live in one file."""

import os
from typing import Any

os.environ.setdefault("QT_API", "pyside6")  # qtawesome (through QtPy) must use our binding

import qtawesome
from PySide6.QtCore import (
    QEvent,
    QLocale,
    QObject,
    QPointF,
    QProcess,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontInfo,
    QIcon,
    QImage,
    QInputMethodEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QAbstractButton",
    "QApplication",
    "QButtonGroup",
    "QColor",
    "QDialog",
    "QEvent",
    "QFont",
    "QFontDatabase",
    "QFontInfo",
    "QFrame",
    "QGridLayout",
    "QHBoxLayout",
    "QIcon",
    "QImage",
    "QInputMethodEvent",
    "QKeyEvent",
    "QLabel",
    "QLineEdit",
    "QLocale",
    "QMainWindow",
    "QMouseEvent",
    "QObject",
    "QPainter",
    "QPainterPath",
    "QPalette",
    "QPen",
    "QPixmap",
    "QPointF",
    "QProcess",
    "QPushButton",
    "QRect",
    "QRunnable",
    "QScrollArea",
    "QSize",
    "QSizePolicy",
    "QStackedWidget",
    "QThreadPool",
    "QTimer",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "Signal",
    "Slot",
    "icon",
    "text_to_speech",
]


def icon(name: str, color: str) -> QIcon:
    """A Font Awesome icon (through qtawesome) in one colour."""
    return qtawesome.icon(name, color=color)


def text_to_speech() -> Any:
    """A QTextToSpeech engine, or None when the module or an engine is missing.

    Imported lazily: QtTextToSpeech loads multimedia plugins the kiosk may not need.
    """
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:
        return None
    if not QTextToSpeech.availableEngines():
        return None
    return QTextToSpeech()


# The PDF print preview (kiosk/ui/print_preview_dialog.py). QtPdf ships in its own wheel
# (PySide6_Pdf) since PySide6 6.12; these names are added here, after the others, so the
# preview is the only part that needs it.
from PySide6.QtCore import QBuffer, QByteArray, QIODevice  # noqa: E402
from PySide6.QtPdf import QPdfDocument  # noqa: E402
from PySide6.QtPdfWidgets import QPdfView  # noqa: E402

__all__ += ["QBuffer", "QByteArray", "QIODevice", "QPdfDocument", "QPdfView"]

# Kinetic (drag) scrolling for touch screens (kiosk/ui/touch_scroll.py) and screen sizes.
from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractScrollArea,
    QBoxLayout,
    QScroller,
    QScrollerProperties,
)

__all__ += [
    "QAbstractScrollArea",
    "QBoxLayout",
    "QGuiApplication",
    "QPoint",
    "QScroller",
    "QScrollerProperties",
]
