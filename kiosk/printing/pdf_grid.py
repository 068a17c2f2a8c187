"""The answers as a boxed grid: short fields share a line (姓名 | 性别 | 民族 | 出生日期),
long ones take a whole line, repeats are tables whose header repeats on every page.

Widths are measured, not guessed: a field's natural width is its label and its value on
one line; fields are packed left to right while they fit the line (at most four), and
the spare width is shared out. Values marked ``whole`` (ID and account numbers, dates,
money) are never wrapped: they shrink to fit when a column is narrower than they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.pdfgen.canvas import Canvas

from kiosk.printing.layout import (
    CONTENT_W,
    GREY,
    MARGIN,
    RULE,
    SHADE,
    Flow,
    box,
    fit_size,
    text,
    tokens,
    width,
    wrap,
)
from kiosk.printing.sheet_data import Row, Table

BODY = 10.5
SMALL = 8.5
LEAD = 1.45  # line spacing as a multiple of the font size
PAD = 3.5
LABEL_FILL = (0.94, 0.94, 0.94)
MAX_PER_LINE = 4
LONG_LABEL_W = 92.0  # the label column of a field that takes a whole line

Placed = tuple[float, Callable[[Canvas, float], None]]


def lines_h(n: int, size: float) -> float:
    return n * size * LEAD


def section_title(flow: Flow, title: str, *, keep_with: float = 0) -> None:
    """A shaded title bar; it moves to the next page with ``keep_with`` points of what
    follows rather than end a page alone."""
    flow.need(18 + keep_with)

    def draw(c: Canvas, top: float) -> None:
        box(c, MARGIN, top - 16, CONTENT_W, 16, line=0.6, fill=SHADE)
        c.setFillColorRGB(0, 0, 0)
        text(c, MARGIN + PAD, top - 12, title, 11, bold=True)

    flow.place(16, draw)


def _label_w(label: str) -> float:
    return width(label, SMALL + 1) + 2 * PAD


def _natural(row: Row) -> float:
    return _label_w(row.label) + width(row.value, BODY) + 2 * PAD + 2


def _pack(rows: list[Row]) -> list[list[Row]]:
    lines: list[list[Row]] = []
    line: list[Row] = []
    used = 0.0
    for row in rows:
        w = _natural(row)
        if w > CONTENT_W * 0.62 or "\n" in row.value:  # a long field: a line of its own
            if line:
                lines.append(line)
            lines.append([row])
            line, used = [], 0.0
            continue
        if line and (used + w > CONTENT_W or len(line) == MAX_PER_LINE):
            lines.append(line)
            line, used = [], 0.0
        line.append(row)
        used += w
    if line:
        lines.append(line)
    return lines


def _cell(c: Canvas, x: float, top: float, h: float, label_w: float, w: float, row: Row) -> None:
    """One field: a shaded label cell and the value cell beside it."""
    box(c, x, top - h, label_w, h, line=0.5, fill=LABEL_FILL)
    box(c, x + label_w, top - h, w - label_w, h, line=0.5)
    y = top - PAD - SMALL - 1
    for line in wrap(row.label, SMALL + 1, label_w - 2 * PAD):
        text(c, x + PAD, y, line, SMALL + 1, color=GREY)
        y -= (SMALL + 1) * LEAD
    value_w = w - label_w - 2 * PAD
    if row.whole:
        size = fit_size(row.value, BODY, value_w)
        text(c, x + label_w + PAD, top - PAD - BODY, row.value, size)
        return
    y = top - PAD - BODY
    for line in wrap(row.value, BODY, value_w):
        text(c, x + label_w + PAD, y, line, BODY)
        y -= BODY * LEAD


def grid_lines(rows: list[Row]) -> list[Placed]:
    """The fields as grid lines, each (height, draw at top y)."""
    placed: list[Placed] = []
    for line in _pack(rows):
        if len(line) == 1 and _natural(line[0]) > CONTENT_W * 0.62:
            label_w = max(LONG_LABEL_W, _label_w(line[0].label))
            widths = [CONTENT_W]
            labels = [label_w]
        else:
            natural = [_natural(r) for r in line]
            spare = (CONTENT_W - sum(natural)) / len(line)
            widths = [n + spare for n in natural]
            labels = [_label_w(r.label) for r in line]
        heights = []
        for row, w, lw in zip(line, widths, labels, strict=True):
            value_lines = 1 if row.whole else len(wrap(row.value, BODY, w - lw - 2 * PAD))
            label_lines = len(wrap(row.label, SMALL + 1, lw - 2 * PAD))
            heights.append(
                max(lines_h(value_lines, BODY), lines_h(label_lines, SMALL + 1)) + 2 * PAD
            )
        h = max(heights)

        def draw(
            c: Canvas,
            top: float,
            line: list[Row] = line,
            widths: list[float] = widths,
            labels: list[float] = labels,
            h: float = h,
        ) -> None:
            x = MARGIN
            for row, w, lw in zip(line, widths, labels, strict=True):
                _cell(c, x, top, h, lw, w, row)
                x += w

        placed.append((h, draw))
    return placed


def _min_word(value: str, size: float) -> float:
    return max((width(t, size) for t in tokens(value)), default=0.0)


def column_widths(table: Table, size: float = BODY) -> list[float]:
    """Each column wide enough for its header's longest word and its values on one line
    when the line allows; ``whole`` columns keep their full width, the others share what
    is left in proportion to their natural width."""
    n = len(table.headers)
    whole = table.whole or [False] * n
    cells = [[table.headers[i], *(r[i] for r in table.rows)] for i in range(n)]
    natural = [
        max(width(v, size if k else SMALL + 0.5) for k, v in enumerate(col)) + 2 * PAD + 1
        for col in cells
    ]
    if sum(natural) <= CONTENT_W:
        spare = (CONTENT_W - sum(natural)) / n
        return [w + spare for w in natural]
    floor = [
        max(_min_word(table.headers[i], SMALL + 0.5), *(_min_word(v, size) for v in cells[i][1:]))
        + 2 * PAD
        + 1
        for i in range(n)
    ]
    fixed = sum(natural[i] for i in range(n) if whole[i])
    free = [i for i in range(n) if not whole[i]]
    room = CONTENT_W - fixed
    share = sum(natural[i] for i in free) or 1.0
    out = [natural[i] if whole[i] else max(floor[i], room * natural[i] / share) for i in range(n)]
    scale = CONTENT_W / sum(out)  # still too wide: everything narrows, whole values shrink
    return [w * scale for w in out] if scale < 1 else out


def table_rows(table: Table) -> tuple[Placed, list[Placed]]:
    """(header, rows) of a table, for Flow.table (the header repeats on continuation pages)."""
    widths = column_widths(table)
    whole = table.whole or [False] * len(table.headers)

    def cells(values: Sequence[str], size: float, shade: bool) -> Placed:
        wrapped = [
            [v] if whole[i] and not shade else wrap(v, size, w - 2 * PAD)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        h = lines_h(max(len(x) for x in wrapped), size) + 2 * PAD

        def draw(c: Canvas, top: float) -> None:
            x = MARGIN
            for i, (lines, w) in enumerate(zip(wrapped, widths, strict=True)):
                box(c, x, top - h, w, h, line=0.5, stroke=RULE, fill=LABEL_FILL if shade else None)
                y = top - PAD - size
                for line in lines:
                    s = fit_size(line, size, w - 2 * PAD) if whole[i] and not shade else size
                    text(c, x + PAD, y, line, s, color=GREY if shade else (0, 0, 0))
                    y -= size * LEAD
                x += w

        return h, draw

    return cells(table.headers, SMALL + 0.5, True), [cells(r, BODY, False) for r in table.rows]


def place_table(flow: Flow, table: Table, *, keep_with: float = 0) -> None:
    header, rows = table_rows(table)
    flow.table(header, rows, keep_with=keep_with)


def place_rows(flow: Flow, rows: list[Row]) -> None:
    for h, draw in grid_lines(rows):
        flow.place(h, draw)
