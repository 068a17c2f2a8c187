"""Colours, sizes and the stylesheet: the one place the look is decided.

Elder-access numbers (DESIGN.md): body text >= 24 px, line spacing >= 1.4, contrast
>= 7:1 (WCAG AAA) for every text/background pair below, touch targets >= 72 px and
>= 12 px apart. Every size is multiplied by the font scale, so the staff setting
grows text, buttons, keypads and icons together. No Qt here: plain numbers and text.
"""

from __future__ import annotations

from dataclasses import dataclass

# Colours (hex). Each text colour is used only on the backgrounds listed in PAIRS.
INK = "#111111"
MUTED = "#333333"  # hints: still 12.6:1 on paper
PAPER = "#FFFFFF"
PANEL = "#EEF2F7"  # light panels and secondary buttons
PRIMARY = "#0B3D91"  # main buttons and tiles: white text on it
ON_PRIMARY = "#FFFFFF"
ERROR_BG = "#FDECEC"
ERROR_INK = "#7A0000"
NOTE_BG = "#E7F3E7"  # 据登记信息 (prefilled) notes
NOTE_INK = "#0F3D0F"
BANNER_BG = "#FFF1C2"  # market day banner
FOCUS = "#B35900"  # focus ring (not text)

# (name, text colour, background colour): every pair that appears on screen.
PAIRS: list[tuple[str, str, str]] = [
    ("body", INK, PAPER),
    ("hint", MUTED, PAPER),
    ("panel", INK, PANEL),
    ("panel hint", MUTED, PANEL),
    ("primary button", ON_PRIMARY, PRIMARY),
    ("error", ERROR_INK, ERROR_BG),
    ("prefill note", NOTE_INK, NOTE_BG),
    ("banner", INK, BANNER_BG),
    ("scroll bar handle on its track", MUTED, PANEL),  # the cue that more is below
]

FONT_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0)  # the steps staff mode offers


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of "#RRGGBB"."""
    h = colour.lstrip("#")
    r, g, b = (_channel(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes at one font scale."""

    scale: float = 1.0

    def px(self, base: float) -> int:
        return round(base * self.scale)

    @property
    def small(self) -> int:  # the smallest text anywhere
        return self.px(24)

    @property
    def body(self) -> int:
        return self.px(28)

    @property
    def large(self) -> int:
        return self.px(34)

    @property
    def heading(self) -> int:
        return self.px(42)

    @property
    def huge(self) -> int:  # the case number on the done page
        return self.px(64)

    @property
    def target(self) -> int:  # smallest touch target side (issue 15: at 200 % it grows
        # with its text, not with the scale, so a 768 px screen keeps room for the page)
        return max(80, round(self.body * 1.6))

    @property
    def key(self) -> int:  # keypad keys
        return self.px(88)

    @property
    def tile(self) -> int:  # home tiles
        return self.px(220)

    @property
    def icon(self) -> int:
        return self.px(36)

    @property
    def tile_icon(self) -> int:
        return self.px(72)

    @property
    def gap(self) -> int:  # space between targets (>= 12 px, issue 15)
        return min(self.px(16), 24)

    @property
    def scroll_bar(self) -> int:  # slim: a cue that more is below, not a control (a finger
        # drags the page itself, kiosk/ui/touch_scroll.py)
        return self.px(12)

    @property
    def margin(self) -> int:  # the window's edge: room that does not need to grow
        return min(self.px(32), 40)


LINE_HEIGHT = 1.5  # applied to rich text labels (>= 1.4)


def stylesheet(m: Metrics, family: str) -> str:
    """The application stylesheet; widgets pick a look with setProperty("role", ...)."""
    return f"""
* {{ font-family: "{family}"; font-size: {m.body}px; color: {INK}; }}
QMainWindow, QStackedWidget, QWidget#page {{ background: {PAPER}; }}
QLabel[role="heading"] {{ font-size: {m.heading}px; font-weight: bold; }}
QLabel[role="large"] {{ font-size: {m.large}px; }}
QLabel[role="hint"] {{ color: {MUTED}; }}
QLabel[role="small"] {{ font-size: {m.small}px; color: {MUTED}; }}
QLabel[role="huge"] {{ font-size: {m.huge}px; font-weight: bold; }}
QLabel[role="section"] {{ font-size: {m.small}px; color: {MUTED}; }}
QFrame[role="panel"] {{ background: {PANEL}; border-radius: {m.px(12)}px; }}
QFrame[role="panel"] QLabel {{ background: {PANEL}; }}
QFrame[role="error"] {{ background: {ERROR_BG}; border: {m.px(4)}px solid {ERROR_INK};
    border-radius: {m.px(12)}px; }}
QFrame[role="error"] QLabel {{ color: {ERROR_INK}; background: {ERROR_BG}; }}
QScrollArea#error-lines, QScrollArea#error-lines > QWidget, QWidget#error-inner {{
    background: {ERROR_BG}; }}
QFrame[role="note"] {{ background: {NOTE_BG}; border-radius: {m.px(12)}px; }}
QFrame[role="note"] QLabel {{ color: {NOTE_INK}; background: {NOTE_BG}; }}
QFrame[role="banner"] {{ background: {BANNER_BG}; border-radius: {m.px(12)}px; }}
QFrame[role="banner"] QLabel {{ background: {BANNER_BG}; }}
QPushButton {{ min-height: {m.target}px; min-width: {m.target}px;
    padding: {m.px(8)}px {m.px(20)}px; border-radius: {m.px(12)}px;
    background: {PANEL}; border: {m.px(2)}px solid {MUTED}; }}
QPushButton:focus {{ border: {m.px(4)}px solid {FOCUS}; }}
QPushButton[role="primary"] {{ background: {PRIMARY}; color: {ON_PRIMARY};
    font-weight: bold; border: {m.px(2)}px solid {PRIMARY}; }}
QPushButton[role="primary"]:focus {{ border: {m.px(4)}px solid {FOCUS}; }}
QPushButton[role="tile"] {{ background: {PRIMARY}; color: {ON_PRIMARY};
    font-size: {m.heading}px; font-weight: bold; min-height: {m.tile}px;
    border: {m.px(2)}px solid {PRIMARY}; }}
QPushButton[role="tile"] QLabel {{ color: {ON_PRIMARY}; background: transparent; }}
QLabel[role="tile-title"] {{ font-size: {m.heading}px; font-weight: bold; }}
QLabel[role="tile-hint"] {{ font-size: {m.large}px; }}
QPushButton[role="key"] {{ font-size: {m.heading}px; min-height: {m.key}px;
    min-width: {m.key}px; }}
QPushButton:checked {{ background: {PRIMARY}; color: {ON_PRIMARY};
    border: {m.px(4)}px solid {FOCUS}; }}
QPushButton:disabled {{ color: {MUTED}; border-style: dashed; }}
QLineEdit {{ font-size: {m.heading}px; min-height: {m.target}px; padding: 0 {m.px(12)}px;
    border: {m.px(3)}px solid {MUTED}; border-radius: {m.px(8)}px; background: {PAPER}; }}
QLineEdit:focus {{ border: {m.px(4)}px solid {FOCUS}; }}
QScrollArea {{ border: none; background: {PAPER}; }}
QScrollBar:vertical {{ width: {m.scroll_bar}px; background: {PANEL};
    border-radius: {m.scroll_bar // 2}px; }}
QScrollBar::handle:vertical {{ background: {MUTED}; min-height: 72px;
    border-radius: {m.scroll_bar // 2}px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
QLabel[role="more"] {{ font-size: {m.small}px; font-weight: bold; background: {PANEL};
    border-radius: {m.px(8)}px; padding: {m.px(4)}px; }}
"""
