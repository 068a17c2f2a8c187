"""The A4 PDF of a case (and of a life-event bundle), drawn from a CaseSheet.

Page 1 opens with the hall, the service title, the department, the case number
in large type and the signed identity QR code; then the answers by section,
repeats as tables, the materials checklist, the desks of the hall's routing
with a box each, the declaration with signature and date boxes, the 帮办人 line
and the data QR codes. Every page ends with "第 1 页 / 共 N 页".
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.printing.layout import (
    BOTTOM,
    CONTENT_W,
    GREY,
    MARGIN,
    RULE,
    SHADE,
    TOP,
    Draw,
    Flow,
    box,
    hline,
    text,
    wrap,
)
from kiosk.printing.qr_draw import Matrix, draw_qr, qr_matrix, symbol_size
from kiosk.printing.sheet import CaseSheet, Material, Row, Table

MODULE = 0.4 * mm  # QR module size: 300 dpi printers give about 5 dots a module
BODY = 10.5
SMALL = 8.5
LEAD = 1.45  # line spacing as a multiple of the font size
LABEL_W = 150.0
PAD = 3.5


def _lines_h(n: int, size: float) -> float:
    return n * size * LEAD


# ----- blocks ----------------------------------------------------------------------------


def _header(flow: Flow, sheet: CaseSheet) -> None:
    matrix = qr_matrix(sheet.identity_payload)
    qr_w = symbol_size(matrix, MODULE)
    height = max(qr_w + 12, 78.0)

    def draw(c: Canvas, top: float) -> None:
        text(c, MARGIN, top - 10, sheet.hall, 9.5, color=GREY)
        title_w = CONTENT_W - qr_w - 10
        lines = wrap(sheet.title, 17, title_w)
        y = top - 32
        for line in lines[:2]:
            text(c, MARGIN, y, line, 17, bold=True)
            y -= 22
        text(c, MARGIN, y + 4, f"承办部门：{sheet.department}", BODY)
        text(c, MARGIN, y - 26, "办件编号", BODY, color=GREY)
        text(c, MARGIN + 48, y - 28, sheet.number, 20, bold=True)
        qx = MARGIN + CONTENT_W - qr_w
        draw_qr(c, matrix, qx, top - qr_w, MODULE)
        text(c, qx + qr_w / 2, top - qr_w - 8, "验真码", SMALL, align="center", color=GREY)

    flow.place(height + 6, draw)
    flow.place(8, lambda c, top: hline(c, MARGIN, MARGIN + CONTENT_W, top - 2, 1.4))


def _notices(flow: Flow, sheet: CaseSheet) -> None:
    """The hall's word since the case was sent (需补材料 ...): a framed block under the header."""
    for notice in sheet.notices:
        lines = wrap(notice, BODY + 1.5, CONTENT_W - 2 * PAD - 4)
        h = _lines_h(len(lines), BODY + 1.5) + 2 * PAD + 2

        def draw(c: Canvas, top: float, lines: list[str] = lines, h: float = h) -> None:
            box(c, MARGIN, top - h, CONTENT_W, h, line=1.6)
            y = top - PAD - BODY - 2
            for line in lines:
                text(c, MARGIN + PAD + 2, y, line, BODY + 1.5, bold=True)
                y -= (BODY + 1.5) * LEAD

        flow.place(h + 6, draw)


def section_title(flow: Flow, title: str, *, keep_with: float = 0) -> None:
    flow.need(18 + keep_with)

    def draw(c: Canvas, top: float) -> None:
        box(c, MARGIN, top - 16, CONTENT_W, 16, line=0.6, fill=SHADE)
        c.setFillColorRGB(0, 0, 0)
        text(c, MARGIN + PAD, top - 12, title, 11, bold=True)

    flow.place(16, draw)


def _row(flow: Flow, row: Row) -> None:
    label = wrap(row.label, BODY, LABEL_W - 2 * PAD)
    value = wrap(row.value, BODY + 0.5, CONTENT_W - LABEL_W - 2 * PAD)
    h = max(_lines_h(len(label), BODY), _lines_h(len(value), BODY + 0.5)) + 2 * PAD

    def draw(c: Canvas, top: float) -> None:
        box(c, MARGIN, top - h, LABEL_W, h, line=0.4, stroke=RULE)
        box(c, MARGIN + LABEL_W, top - h, CONTENT_W - LABEL_W, h, line=0.4, stroke=RULE)
        y = top - PAD - BODY
        for line in label:
            text(c, MARGIN + PAD, y, line, BODY, color=GREY)
            y -= BODY * LEAD
        y = top - PAD - BODY
        for line in value:
            text(c, MARGIN + LABEL_W + PAD, y, line, BODY + 0.5)
            y -= (BODY + 0.5) * LEAD

    flow.place(h, draw)


def _table(flow: Flow, table: Table) -> None:
    first = 30.0
    rest = (CONTENT_W - first) / max(1, len(table.headers) - 1)
    widths = [first] + [rest] * (len(table.headers) - 1)

    def cells(values: Sequence[str], size: float, shade: bool) -> None:
        wrapped = [wrap(v, size, w - 2 * PAD) for v, w in zip(values, widths, strict=True)]
        h = _lines_h(max(len(x) for x in wrapped), size) + 2 * PAD

        def draw(c: Canvas, top: float) -> None:
            x = MARGIN
            for lines, w in zip(wrapped, widths, strict=True):
                box(c, x, top - h, w, h, line=0.4, stroke=RULE, fill=SHADE if shade else None)
                y = top - PAD - size
                for line in lines:
                    text(c, x + PAD, y, line, size, color=GREY if shade else (0, 0, 0))
                    y -= size * LEAD
                x += w

        flow.place(h, draw)

    cells(table.headers, SMALL + 0.5, True)
    for row in table.rows:
        cells(row, BODY, False)


def materials_block(flow: Flow, materials: list[Material], title: str) -> None:
    if not materials:
        return
    wrapped = [wrap(m.label, BODY, CONTENT_W - 130) for m in materials]
    heights = [_lines_h(len(lines), BODY) + 5 for lines in wrapped]
    # A checklist reads as one thing: keep it on one page when it fits on one.
    together = sum(heights) if sum(heights) < (TOP - BOTTOM) / 2 else 20
    section_title(flow, title, keep_with=together)
    for m, lines, h in zip(materials, wrapped, heights, strict=True):

        def draw(c: Canvas, top: float, m: Material = m, lines: list[str] = lines) -> None:
            box(c, MARGIN + PAD, top - 4 - 10, 10, 10, line=0.8)  # the tick box, drawn
            y = top - 3 - BODY
            for line in lines:
                text(c, MARGIN + 20, y, line, BODY)
                y -= BODY * LEAD
            text(
                c,
                MARGIN + CONTENT_W - PAD,
                top - 3 - BODY,
                m.copies,
                SMALL + 0.5,
                align="right",
                color=GREY,
            )

        flow.place(h, draw)


def _routing(flow: Flow, sheet: CaseSheet) -> None:
    desks = sheet.routing
    section_title(flow, "办理流程（请按顺序到各窗口，办好后由工作人员签章）", keep_with=86)
    gap = 4.0
    w = (CONTENT_W - gap * (len(desks) - 1)) / len(desks)
    does = [wrap(d.does, SMALL, w - 2 * PAD) for d in desks]
    h = 44 + _lines_h(max(len(x) for x in does), SMALL) + 20

    def draw(c: Canvas, top: float) -> None:
        for i, desk in enumerate(desks):
            x = MARGIN + i * (w + gap)
            box(c, x, top - 4 - h, w, h, line=0.8)
            text(c, x + PAD, top - 18, f"{i + 1}. {desk.desk}", BODY + 0.5, bold=True)
            y = top - 32
            for line in does[i]:
                text(c, x + PAD, y, line, SMALL, color=GREY)
                y -= SMALL * LEAD
            text(c, x + PAD, top - h + 14, "签章：", SMALL, color=GREY)
            text(c, x + PAD, top - h + 2, "日期：", SMALL, color=GREY)

    flow.place(h + 8, draw)


def _signatures(flow: Flow, sheet: CaseSheet) -> None:
    section_title(flow, "申请人声明", keep_with=110)
    lines = wrap(sheet.declaration, BODY, CONTENT_W - 2 * PAD)
    h_decl = _lines_h(len(lines), BODY) + 6

    def decl(c: Canvas, top: float) -> None:
        y = top - 4 - BODY
        for line in lines:
            text(c, MARGIN + PAD, y, line, BODY)
            y -= BODY * LEAD

    flow.place(h_decl, decl)
    sign_w, date_w, h = CONTENT_W * 0.6, CONTENT_W * 0.4 - 6, 46.0

    def boxes(c: Canvas, top: float) -> None:
        box(c, MARGIN, top - h, sign_w, h, line=0.8)
        text(c, MARGIN + PAD, top - 12, "申请人签名（或按手印）", SMALL, color=GREY)
        if sheet.signed_on_screen:
            text(
                c,
                MARGIN + sign_w - PAD,
                top - h + 5,
                "已在触屏上签名",
                SMALL,
                align="right",
                color=GREY,
            )
        x = MARGIN + sign_w + 6
        box(c, x, top - h, date_w, h, line=0.8)
        text(c, x + PAD, top - 12, "日期", SMALL, color=GREY)
        text(c, x + date_w - PAD, top - h + 10, "年　　月　　日", BODY, align="right")

    flow.place(h + 8, boxes)
    helper = sheet.volunteer or "无（本人自助填写）"

    def helper_line(c: Canvas, top: float) -> None:
        text(c, MARGIN, top - 14, f"帮办人：{helper}", BODY)
        x = MARGIN + CONTENT_W * 0.55
        text(c, x, top - 14, "受理人：", BODY)
        hline(c, x + 44, MARGIN + CONTENT_W, top - 16, 0.6)

    flow.place(22, helper_line)


def _data_codes(flow: Flow, sheet: CaseSheet) -> None:
    matrices = [qr_matrix(p) for p in sheet.data_payloads]
    if not matrices:
        return
    n = len(matrices)
    size = max(symbol_size(m, MODULE) for m in matrices)
    section_title(
        flow, f"数据码（网络不通时，工作人员扫这{n}个码导入，不用重新录入）", keep_with=size + 14
    )
    # As many codes a row as fit beside the form reference; more rows (pages) when needed.
    per_row = max(1, int((CONTENT_W - 130 + 10) // (size + 10)))
    rows = [list(enumerate(matrices, 1))[k : k + per_row] for k in range(0, n, per_row)]
    for r, row in enumerate(rows):

        def draw(
            c: Canvas, top: float, row: list[tuple[int, Matrix]] = row, first: bool = r == 0
        ) -> None:
            x = MARGIN
            for i, m in row:
                s = symbol_size(m, MODULE)
                draw_qr(c, m, x, top - 2 - s, MODULE)
                label = f"数据码 {i}/{n}"
                text(c, x + s / 2, top - s - 10, label, SMALL, align="center", color=GREY)
                x += s + 10
            if first:
                right = MARGIN + CONTENT_W
                text(c, right, top - 16, f"表单 {sheet.form_ref}", SMALL, align="right", color=GREY)
                text(
                    c,
                    right,
                    top - 30,
                    f"确认提交于 {sheet.finalized}",
                    SMALL,
                    align="right",
                    color=GREY,
                )

        flow.place(size + 16, draw)


# ----- documents ---------------------------------------------------------------------------


def layout_case(sheet: CaseSheet) -> list[list[Draw]]:
    def continuation(page: int) -> tuple[float, Draw]:
        def draw(c: Canvas) -> None:
            text(c, MARGIN, TOP - 10, f"{sheet.title}（续）", BODY, color=GREY)
            text(
                c,
                MARGIN + CONTENT_W,
                TOP - 10,
                f"办件编号 {sheet.number}",
                BODY + 1,
                bold=True,
                align="right",
            )
            hline(c, MARGIN, MARGIN + CONTENT_W, TOP - 16, 0.8)

        return 24.0, draw

    flow = Flow(continuation)
    _header(flow, sheet)
    _notices(flow, sheet)
    for section in sheet.sections:
        first = section.blocks[0]
        section_title(flow, section.title, keep_with=40 if isinstance(first, Table) else 22)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(flow, block)
            else:
                _row(flow, block)
        flow.gap(8)
    materials_block(flow, sheet.materials, "需带材料（工作人员收到后打勾）")
    flow.gap(8)
    _routing(flow, sheet)
    _signatures(flow, sheet)
    flow.gap(4)
    _data_codes(flow, sheet)
    return flow.pages
