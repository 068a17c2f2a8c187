"""The one place that imports PySide6. Every other module in kiosk/ui takes its Qt names
from here (``from kiosk.ui.qt import QLabel, Qt``), so the Qt binding and
version-specific workarounds live in one file. Icons: ``icon`` (kiosk/ui/icons.py)."""

import linecache
import sys
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QLocale,
    QLockFile,
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
    QIconEngine,
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
    QMessageBox,
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
    "QIconEngine",
    "QImage",
    "QInputMethodEvent",
    "QKeyEvent",
    "QLabel",
    "QLineEdit",
    "QLocale",
    "QLockFile",
    "QMainWindow",
    "QMessageBox",
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
    "multimedia",
    "text_to_speech",
]


def _quick_pyside_scan() -> None:
    """Work around PySide6's scan of every module imported after it (PYSIDE-2029): its
    ``__feature__`` import hook calls ``inspect.getsource`` on each one to look for the
    word "PySide6", which keeps every source file in ``linecache`` (~20 MiB and ~750
    files once the store, forms and printing are loaded: most of the kiosk's memory
    beyond a bare window, issue 19). The same question is answered here from the file's
    bytes, nothing cached; modules without a .py file go to PySide's own check. Does
    nothing when PySide no longer has the hook."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if upstream is None or getattr(upstream, "kiosk_quick", False):
        return

    def mod_uses_pyside(module: Any) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(upstream(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(upstream(module))

    mod_uses_pyside.kiosk_quick = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[union-attr]
    linecache.clearcache()  # what the scan of the modules imported before PySide6 kept


_quick_pyside_scan()


def icon(name: str, color: str) -> QIcon:
    """A Font Awesome 5 icon ("fa5s.print") in one colour (kiosk/ui/icons.py)."""
    from kiosk.ui.icons import font_icon

    return font_icon(name, color)


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


def multimedia() -> Any:
    """The QtMultimedia module (QCamera, QMediaCaptureSession, QVideoSink,
    QMediaDevices), or None when it cannot be loaded. Imported lazily: it loads the
    FFmpeg backend, which the kiosk needs only to capture materials (kiosk/ui/qt_camera)."""
    try:
        from PySide6 import QtMultimedia
    except ImportError:
        return None
    return QtMultimedia


# The PDF print preview (kiosk/ui/print_preview_dialog.py). QtPdf ships in PySide6-Addons
# (its own wheel from 6.12, which pyproject excludes); names load on first use (PEP 562), so the
# home screen does not load QtPdf (issue 19: start fast). The PyInstaller spec lists them.
_PDF_NAMES = {
    "QBuffer": "PySide6.QtCore",
    "QByteArray": "PySide6.QtCore",
    "QIODevice": "PySide6.QtCore",
    "QPdfDocument": "PySide6.QtPdf",
    "QPdfView": "PySide6.QtPdfWidgets",
}
__all__ += list(_PDF_NAMES)

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


def __getattr__(name: str) -> Any:
    module = _PDF_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


# A button's one-line width from the style (kiosk/ui/word_button.py), whatever its
# wrapped text shows now; a layout of lines that follow the width (kiosk/ui/reflow_widget.py).
from PySide6.QtWidgets import QLayout, QLayoutItem, QStyle, QStyleOptionButton  # noqa: E402

__all__ += ["QLayout", "QLayoutItem", "QStyle", "QStyleOptionButton"]
