"""Drawing primitives for the A4 forms: the embedded CJK font, wrapped text, boxes, page flow.

Everything is drawn straight onto a reportlab canvas (no platypus): a form is a
few hundred strings and lines, and a layout pass that only measures is cheap, so
the page count ("第 1 页 / 共 N 页") is known before anything is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kiosk.assets import CJK_FONT_FAMILY, CJK_FONT_SUBFONT_INDEX, cjk_font_path

PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
TOP = PAGE_H - MARGIN
BOTTOM = MARGIN + 12 * mm  # room for the footer
FONT = CJK_FONT_FAMILY
GREY = (0.35, 0.35, 0.35)
RULE = (0.55, 0.55, 0.55)
SHADE = (0.9, 0.9, 0.9)

Draw = Callable[[Canvas], None]


@lru_cache(maxsize=1)
def register_font() -> str:
    """Register the shipped TrueType face once per process; reportlab embeds it as a subset.

    The family name is set explicitly (never a generic fallback), so viewers and
    printers cannot swap in a font with Japanese glyph forms.
    """
    if FONT not in pdfmetrics.getRegisteredFontNames():
        face = TTFont(FONT, str(cjk_font_path()), subfontIndex=CJK_FONT_SUBFONT_INDEX)
        pdfmetrics.registerFont(face)
    return FONT


@lru_cache(maxsize=4096)
def _char_width(ch: str, size: float) -> float:
    return pdfmetrics.stringWidth(ch, FONT, size)


def width(text: str, size: float) -> float:
    return sum(_char_width(ch, size) for ch in text)


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """Greedy line breaking by character (Chinese has no spaces); Latin words and digit
    runs are kept whole when they fit on a line."""
    lines: list[str] = []
    for para in text.split("\n") or [""]:
        line, line_w = "", 0.0
        for token in _tokens(para):
            token_w = width(token, size)
            if line and line_w + token_w > max_width:
                lines.append(line.rstrip())
                line, line_w = "", 0.0
                token = token.lstrip()
                token_w = width(token, size)
            if token_w > max_width:  # a token longer than the line: split by character
                for ch in token:
                    cw = _char_width(ch, size)
                    if line and line_w + cw > max_width:
                        lines.append(line)
                        line, line_w = "", 0.0
                    line += ch
                    line_w += cw
                continue
            line += token
            line_w += token_w
        lines.append(line)
    return lines


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for ch in text:
        last = tokens[-1][-1:] if tokens else ""
        if _wordish(ch) and _wordish(last):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def _wordish(ch: str) -> bool:
    return ch.isascii() and ch != "" and not ch.isspace()


def text(
    c: Canvas,
    x: float,
    y: float,
    s: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    color: tuple[float, float, float] = (0, 0, 0),
) -> None:
    """One line of text. The font has one weight, so bold is fill plus a thin stroke."""
    if align == "right":
        x -= width(s, size)
    elif align == "center":
        x -= width(s, size) / 2
    t = c.beginText(x, y)
    t.setFont(FONT, size)
    t.setFillColorRGB(*color)
    if not bold:
        t.textOut(s)
        c.drawText(t)
        return
    # Text render mode lives in the graphics state (it outlives BT/ET): scope it.
    c.saveState()
    c.setStrokeColorRGB(*color)
    c.setLineWidth(size / 30)
    t.setTextRenderMode(2)
    t.textOut(s)
    c.drawText(t)
    c.restoreState()


def box(
    c: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    line: float = 0.6,
    fill: tuple[float, float, float] | None = None,
    stroke: tuple[float, float, float] = (0, 0, 0),
) -> None:
    """A rectangle with (x, y) its lower-left corner; tick boxes and cells are drawn, since
    the usual CJK TrueType fonts have no ☐ glyph."""
    c.setLineWidth(line)
    c.setStrokeColorRGB(*stroke)
    if fill is not None:
        c.setFillColorRGB(*fill)
    c.rect(x, y, w, h, stroke=1, fill=1 if fill is not None else 0)


def hline(c: Canvas, x1: float, x2: float, y: float, line: float = 0.6) -> None:
    c.setLineWidth(line)
    c.setStrokeColorRGB(0, 0, 0)
    c.line(x1, y, x2, y)


class Flow:
    """Pages of drawing steps: blocks are measured first, placed top-down, and start a
    new page when they do not fit, so the page count is known before drawing."""

    def __init__(self, continuation: Callable[[int], tuple[float, Draw]]) -> None:
        self.pages: list[list[Draw]] = [[]]
        self.y = TOP
        self._continuation = continuation  # (page index) → (height, header drawing)

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM and self.y < TOP - 1:
            self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        header_h, header = self._continuation(len(self.pages) - 1)
        self.pages[-1].append(header)
        self.y = TOP - header_h

    def place(self, height: float, draw: Callable[[Canvas, float], None]) -> None:
        """Reserve ``height`` below the cursor (new page if needed); draw with the top y."""
        self.need(height)
        top = self.y
        self.pages[-1].append(lambda c: draw(c, top))
        self.y -= height

    def gap(self, height: float) -> None:
        self.y -= height
