"""The A4 PDF of a case, drawn from a CaseSheet: the layout of the whole form.

Page 1 opens with the hall, the official title, the department, the case number in
large type, a 照片粘贴处 when the form asks for photos and the signed identity QR code;
then the answers section by section as a boxed grid (kiosk.printing.pdf_grid), the
materials checklist, the declaration with who/what and the signature boxes, the
approval section of every office of the routing (kiosk.printing.pdf_sign) and the data
QR codes. Every page ends with "第 1 页 / 共 N 页" (kiosk.printing.document).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.printing.layout import (
    BOTTOM,
    CONTENT_W,
    GREY,
    MARGIN,
    TOP,
    Draw,
    Flow,
    box,
    fit_size,
    hline,
    text,
    width,
    wrap,
)
from kiosk.printing.pdf_grid import (
    BODY,
    LEAD,
    PAD,
    SMALL,
    grid_lines,
    lines_h,
    section_title,
    table_rows,
)
from kiosk.printing.pdf_sign import (
    APPROVAL_H,
    APPROVAL_W,
    SlotDraw,
    approvals_block,
    declaration_block,
    photo_box,
)
from kiosk.printing.qr_draw import Matrix, draw_qr, qr_matrix, symbol_size
from kiosk.printing.sheet_data import CaseSheet, Material, Row, Table

# QR module size: 0.6 mm is 3.5 px in a phone photo of the whole page at 150 dpi, the
# smallest that still decoded after tilt, blur and JPEG (docs/printing.md, the test in
# tests/integration/printing/test_print_scan.py); a 300 dpi printer gives 7 dots a module.
MODULE = 0.6 * mm

__all__ = ["BODY", "MODULE", "SMALL", "layout_case", "materials_block", "section_title"]


def _header(flow: Flow, sheet: CaseSheet) -> None:
    matrix = qr_matrix(sheet.identity_payload)
    qr_w = symbol_size(matrix, MODULE)
    height = max(qr_w + 12, 84.0)

    def draw(c: Canvas, top: float) -> None:
        text(c, MARGIN, top - 10, sheet.hall, 9.5, color=GREY)
        right = qr_w + 8 + (28 * mm + 8 if sheet.photo else 0)
        title_w = CONTENT_W - right
        lines = wrap(sheet.title, 18, title_w)
        y = top - 34
        for line in lines[:2]:
            text(c, MARGIN, y, line, 18, bold=True)
            y -= 23
        text(c, MARGIN, y + 2, f"承办部门：{sheet.department}", BODY)
        text(c, MARGIN, y - 26, "办件编号", BODY, color=GREY)
        number_size = fit_size(sheet.number, 20, title_w - 48)  # never wrapped or clipped
        text(c, MARGIN + 48, y - 28, sheet.number, number_size, bold=True)
        qx = MARGIN + CONTENT_W - qr_w
        draw_qr(c, matrix, qx, top - qr_w, MODULE)
        text(c, qx + qr_w / 2, top - qr_w - 8, "验真码", SMALL, align="center", color=GREY)
        if sheet.photo:
            photo_box(c, sheet.photo, qx - 8 - 28 * mm, top)

    flow.place(height + 6, draw)
    flow.place(8, lambda c, top: hline(c, MARGIN, MARGIN + CONTENT_W, top - 2, 1.4))


def _notices(flow: Flow, sheet: CaseSheet) -> None:
    """The hall's word since the case was sent (需补材料 ...): a framed block under the header."""
    for notice in sheet.notices:
        lines = wrap(notice, BODY + 1.5, CONTENT_W - 2 * PAD - 4)
        h = lines_h(len(lines), BODY + 1.5) + 2 * PAD + 2

        def draw(c: Canvas, top: float, lines: list[str] = lines, h: float = h) -> None:
            box(c, MARGIN, top - h, CONTENT_W, h, line=1.6)
            y = top - PAD - BODY - 2
            for line in lines:
                text(c, MARGIN + PAD + 2, y, line, BODY + 1.5, bold=True)
                y -= (BODY + 1.5) * LEAD

        flow.place(h + 6, draw)


def materials_block(flow: Flow, materials: list[Material], title: str) -> None:
    if not materials:
        return
    # The right column holds the copies, and 已拍照 N 页 when pages were photographed.
    wrapped = [wrap(m.label, BODY, CONTENT_W - (185 if m.photographed else 130)) for m in materials]
    heights = [lines_h(len(lines), BODY) + 5 for lines in wrapped]
    # A checklist reads as one thing: keep it on one page when it fits on one.
    together = sum(heights) if sum(heights) < (TOP - BOTTOM) / 2 else 20
    section_title(flow, title, keep_with=together)
    for m, lines, h in zip(materials, wrapped, heights, strict=True):

        def draw(c: Canvas, top: float, m: Material = m, lines: list[str] = lines) -> None:
            box(c, MARGIN + 3.5, top - 4 - 10, 10, 10, line=0.8)  # the tick box, drawn
            y = top - 3 - BODY
            for line in lines:
                text(c, MARGIN + 20, y, line, BODY)
                y -= BODY * 1.45
            right = MARGIN + CONTENT_W - 3.5
            copies = f"{m.copies}  已拍照 {m.photographed} 页" if m.photographed else m.copies
            text(c, right, top - 3 - BODY, copies, SMALL + 0.5, align="right", color=GREY)

        flow.place(h, draw)


def rules_block(flow: Flow, lines: list[str]) -> None:
    """The form's rules (办理依据, 时限, 收费, 审批机关, 监督投诉) in small type."""
    if not lines:
        return
    # No title bar: the heading leads the first line (the bar's height is what pushed a
    # one-sheet case onto a third page).
    lines = [f"【办事规则】{lines[0]}", *lines[1:]]
    wrapped = [wrap(line, SMALL + 0.5, CONTENT_W - 8) for line in lines]
    heights = [lines_h(len(w), SMALL + 0.5) + 1 for w in wrapped]
    for parts, h in zip(wrapped, heights, strict=True):

        def draw(c: Canvas, top: float, parts: list[str] = parts) -> None:
            y = top - SMALL - 1
            for part in parts:
                text(c, MARGIN + 4, y, part, SMALL + 0.5)
                y -= (SMALL + 0.5) * LEAD

        flow.place(h, draw)


CAPTION_W = 130.0  # the data codes' caption, right of the first row (pt)


def _rules_beside_codes(sheet: CaseSheet) -> tuple[float, list[str]] | None:
    """The 办事规则 wrapped into the free middle of a one-row data-code line, with its
    left edge (pt), when they fit there; else None (they get their own block). Beside the
    codes they cost no height: a typical case stays on one sheet (issue 13)."""
    matrices = [qr_matrix(p) for p in sheet.data_payloads]
    if not sheet.rules or not matrices:
        return None
    sizes = [symbol_size(m, MODULE) for m in matrices]
    row_w = sum(sizes) + 10 * (len(sizes) - 1)
    width = CONTENT_W - row_w - CAPTION_W - 20
    if width < 150:
        return None
    lines = [f"【办事规则】{sheet.rules[0]}", *sheet.rules[1:]]
    wrapped = [part for line in lines for part in wrap(line, SMALL, width)]
    if lines_h(len(wrapped), SMALL) > max(sizes) + 12:
        return None
    return MARGIN + row_w + 10, wrapped


def _data_codes(flow: Flow, sheet: CaseSheet, rules: tuple[float, list[str]] | None) -> None:
    """The data codes in rows, their caption on the right of the first row (no title bar
    above them: the bar's height is what pushed a one-sheet case onto a third page), and
    ``rules`` (from _rules_beside_codes) between them."""
    matrices = [qr_matrix(p) for p in sheet.data_payloads]
    if not matrices:
        return
    n = len(matrices)
    size = max(symbol_size(m, MODULE) for m in matrices)
    caption = [
        (f"数据码（共{n}个）", BODY, True),
        ("网络不通时，工作人员扫这些码", SMALL, False),
        ("导入办件，不用重新录入。", SMALL, False),
        (f"表单 {sheet.form_ref}", SMALL, False),
        (f"确认提交于 {sheet.finalized}", SMALL, False),
    ]
    per_row = max(1, int((CONTENT_W - CAPTION_W + 10) // (size + 10)))
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
                right, y = MARGIN + CONTENT_W, top - 4 - BODY
                for words, size_pt, bold in caption:
                    text(c, right, y, words, size_pt, align="right", bold=bold, color=GREY)
                    y -= size_pt * 1.6
                if rules is not None:
                    x0, y = rules[0], top - SMALL - 1
                    for part in rules[1]:
                        text(c, x0, y, part, SMALL)
                        y -= SMALL * LEAD

        flow.place(size + 16, draw)


LAST = -1  # the data codes after the approvals (or in their free half)


def layout_case(sheet: CaseSheet) -> list[list[Draw]]:
    """The pages of one case, with the data codes where they cost the fewest pages.

    The codes' places, in order of preference: last (in the free half of the approval
    sections when there is one, else below them), before the declaration, then after
    each section from the last to the first. Every place is measured (nothing is drawn
    yet, so a layout costs about a millisecond) and the first with the fewest pages
    wins: a code never gets a page of its own while an earlier page has room for it.
    """
    best, alone = _layout(sheet, LAST)
    if not sheet.data_payloads or (len(best) <= 2 and not alone):
        return best
    for at in range(len(sheet.sections), -1, -1):
        pages, _ = _layout(sheet, at)
        if len(pages) < len(best) or (alone and len(pages) == len(best)):
            best, alone = pages, False
    return best


def _layout(sheet: CaseSheet, codes_at: int) -> tuple[list[list[Draw]], bool]:
    """One arrangement: the data codes after section ``codes_at`` (``len(sections)``:
    after the materials, before the declaration), or ``LAST``. Returns the pages and
    whether the codes opened a page of their own (only possible at ``LAST``)."""
    last = codes_at == LAST
    spare = _codes_in_slot(sheet) if len(sheet.approvals) % 2 and last else None
    rules = None if spare is not None else _rules_beside_codes(sheet)

    def continuation(page: int) -> tuple[float, Draw]:
        def draw(c: Canvas) -> None:
            number = f"办件编号 {sheet.number}"
            size = fit_size(number, BODY + 1, CONTENT_W / 2)
            text(c, MARGIN + CONTENT_W, TOP - 10, number, size, bold=True, align="right")
            title = f"{sheet.title}（续）"
            room = CONTENT_W - width(number, size) - 12
            text(c, MARGIN, TOP - 10, title, fit_size(title, BODY, room), color=GREY)
            hline(c, MARGIN, MARGIN + CONTENT_W, TOP - 16, 0.8)

        return 24.0, draw

    flow = Flow(continuation)
    _header(flow, sheet)
    _notices(flow, sheet)
    for at, section in enumerate(sheet.sections):
        units: list[Table | list[Row]] = []  # runs of grid fields, and tables
        for block in section.blocks:
            if isinstance(block, Table):
                units.append(block)
            elif units and isinstance(units[-1], list):
                units[-1].append(block)
            else:
                units.append([block])
        for k, unit in enumerate(units):
            if isinstance(unit, Table):
                header, rows = table_rows(unit)
                placed = [header, *rows[:1]]
            else:
                placed = grid_lines(unit)
            if k == 0:  # the title goes with the first line (a table: header and a row)
                section_title(flow, section.title, keep_with=sum(h for h, _ in placed[:2]))
            if isinstance(unit, Table):
                flow.table(header, rows)
            else:
                for h, draw in placed:
                    flow.place(h, draw)
        flow.gap(6)
        if at == codes_at:
            _data_codes(flow, sheet, rules)
            flow.gap(4)
    materials_block(flow, sheet.materials, "需带材料（工作人员收到后打勾）")
    flow.gap(6)
    if sheet.rules and rules is None:
        rules_block(flow, sheet.rules)
        flow.gap(6)
    if codes_at == len(sheet.sections):
        _data_codes(flow, sheet, rules)
        flow.gap(4)
    declaration_block(flow, sheet)
    flow.gap(4)
    approvals_block(flow, sheet.approvals, spare)
    flow.gap(4)
    alone = False
    if spare is None and last:
        before = len(flow.pages)
        _data_codes(flow, sheet, rules)
        alone = len(flow.pages) > before
    return flow.pages, alone


def _codes_in_slot(sheet: CaseSheet) -> SlotDraw | None:
    """The data codes drawn in the free half of the last approval line, when they fit
    there in one row (the 3-heir example's one code does); else None."""
    matrices = [qr_matrix(p) for p in sheet.data_payloads]
    sizes = [symbol_size(m, MODULE) for m in matrices]
    if not matrices or sum(sizes) + 8 * (len(sizes) - 1) > APPROVAL_W - 90:
        return None
    if max(sizes) > APPROVAL_H - 4:
        return None
    n = len(matrices)

    def draw(c: Canvas, x: float, top: float, w: float, h: float) -> None:
        qx = x
        for m, s in zip(matrices, sizes, strict=True):
            draw_qr(c, m, qx, top - (h + s) / 2, MODULE)
            qx += s + 8
        tx = x + w - 3.5
        lines = [
            f"数据码（共{n}个）",
            "网络不通时，",
            "工作人员扫码导入，",
            "不用重新录入。",
            f"表单 {sheet.form_ref}",
            f"确认提交于 {sheet.finalized}",
        ]
        for k, line in enumerate(lines):
            text(c, tx, top - 16 - k * 13, line, SMALL, align="right", color=GREY)

    return draw
