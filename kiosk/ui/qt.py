"""The one place that imports PySide6. Every other module in kiosk/ui takes its Qt names
from here (``from kiosk.ui.qt import QLabel, Qt``), so the Qt binding and version-specific
workarounds live in one file. Add names to the imports and to ``__all__`` as needed."""

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontInfo, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QApplication",
    "QColor",
    "QFont",
    "QFontDatabase",
    "QFontInfo",
    "QLabel",
    "QMainWindow",
    "QObject",
    "QPalette",
    "QSize",
    "QTimer",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "Signal",
    "Slot",
]
