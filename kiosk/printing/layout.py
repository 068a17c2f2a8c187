"""Drawing primitives for the A4 forms: the embedded CJK font, wrapped text, boxes, page flow.

Everything is drawn straight onto a reportlab canvas (no platypus): a form is a
few hundred strings and lines, and a layout pass that only measures is cheap, so
the page count ("第 1 页 / 共 N 页") is known before anything is drawn.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.printing.pdf_fonts import char_width, register_fonts, runs

PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
TOP = PAGE_H - MARGIN
BOTTOM = MARGIN + 12 * mm  # room for the footer
GREY = (0.35, 0.35, 0.35)
RULE = (0.55, 0.55, 0.55)
SHADE = (0.9, 0.9, 0.9)

Draw = Callable[[Canvas], None]


def register_font() -> str:
    """Register the font chain (kiosk.printing.pdf_fonts); the primary face's name."""
    return register_fonts()


def width(text: str, size: float) -> float:
    return sum(char_width(ch, size) for ch in text)


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """Greedy line breaking by character (Chinese has no spaces), with the rules of
    Chinese typesetting (GB/T 15834, W3C clreq): closing punctuation never starts a line
    and opening punctuation never ends one (避头尾); a Latin word or digit run (a name
    such as "Zhang-Wei", an ID number) is kept whole and moves to the next line; only a
    word longer than a whole line is cut."""
    lines: list[str] = []
    for para in text.split("\n") or [""]:
        line, line_w = "", 0.0
        for token in tokens(para):
            token_w = width(token, size)
            if line and line_w + token_w > max_width:
                lines.append(line.rstrip())
                line, line_w = "", 0.0
                token = token.lstrip()
                token_w = width(token, size)
            if token_w > max_width:  # a token longer than the line: split by character
                for ch in token:
                    cw = char_width(ch, size)
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


# 避头尾: may not start a line / may not end a line (GB/T 15834-2011 标点符号用法).
CLOSING = frozenset("，。、；：？！）］｝〕〉》」』】〗〙〛”’…‥·・%‰℃,.;:?!)]}")
OPENING = frozenset("（［｛〔〈《「『【〖〘〚“‘([{")


def tokens(text: str) -> list[str]:
    """Unbreakable pieces: a Latin/digit word, or one CJK character with the punctuation
    that must stay with it (a closing mark after it, an opening mark before it)."""
    out: list[str] = []
    glue_next = False
    for ch in text:
        last = out[-1][-1:] if out else ""
        if out and (glue_next or ch in CLOSING or (_wordish(ch) and _wordish(last))):
            out[-1] += ch
        else:
            out.append(ch)
        glue_next = ch in OPENING
    return out


def _wordish(ch: str) -> bool:
    """Part of a Latin word or number: not a space, not a wide (CJK) character."""
    return ch != "" and not ch.isspace() and unicodedata.east_asian_width(ch) not in "WF"


def fit_size(text: str, size: float, max_width: float, smallest: float = 6.0) -> float:
    """The largest size <= ``size`` (at least ``smallest``) at which ``text`` fits on one
    line: ID and account numbers shrink rather than wrap."""
    w = width(text, size)
    if w <= max_width or w == 0:
        return size
    return max(smallest, size * max_width / w)


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
    t.setFillColorRGB(*color)
    if bold:
        # Text render mode lives in the graphics state (it outlives BT/ET): scope it.
        c.saveState()
        c.setStrokeColorRGB(*color)
        c.setLineWidth(size / 30)
        t.setTextRenderMode(2)
    for font, piece in runs(s):  # each run in the face of the chain that draws it
        t.setFont(font, size)
        t.textOut(piece)
    c.drawText(t)
    if bold:
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

    def table(
        self,
        header: tuple[float, Callable[[Canvas, float], None]],
        rows: list[tuple[float, Callable[[Canvas, float], None]]],
        *,
        keep_with: float = 0,
    ) -> None:
        """A header and its rows: the header never ends a page alone (it goes with the
        first row, and ``keep_with`` more, e.g. the section title above), and it is
        drawn again at the top of every page the rows continue on."""
        header_h, draw_header = header
        first = rows[0][0] if rows else 0
        self.need(keep_with + header_h + first)
        self.place(header_h, draw_header)
        for h, draw in rows:
            if self.y - h < BOTTOM and self.y < TOP - 1:
                self.new_page()
                self.place(header_h, draw_header)
            self.place(h, draw)
