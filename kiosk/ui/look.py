"""Apply the theme to the application: the CJK font, the stylesheet, the current metrics.

Pages read ``metrics()`` when they size icons and custom-drawn widgets, so one font-scale
setting grows text, buttons, keypads and icons together.
"""

from __future__ import annotations

from kiosk.ui.fonts import apply_app_font, load_cjk_family
from kiosk.ui.qt import QApplication
from kiosk.ui.theme import Metrics, stylesheet

_current = Metrics()


def metrics() -> Metrics:
    return _current


def apply_look(app: QApplication, scale: float = 1.0, *, fallbacks: bool = True) -> Metrics:
    """Metrics for ``scale`` (text size × scale), the CJK font and the style sheet applied
    to ``app``; ``fallbacks=False``: the chain's fallback faces are left to the caller
    (kiosk/ui/fonts.py ``load_fallback_faces``). Raises FontError."""
    global _current
    _current = Metrics(scale)
    family = load_cjk_family()
    apply_app_font(app, _current.body, fallbacks=fallbacks)
    app.setStyleSheet(stylesheet(_current, family))
    return _current
