"""The parts of the form people sign and stamp: the declaration with who/what, signature
boxes (the touch stroke drawn in, the date filled, a 按手印 box beside each), and one
approval section per office of the routing (意见, 经办人/负责人, 公章 box, 年 月 日).

Sizes: a round 公章 is 38-42 mm across, so the stamp box is 45 x 45 mm; a fingerprint
box is 22 x 26 mm. Signature strokes are the SVG path the touch pad recorded ("M x y
L x y ..."), scaled into the box keeping their proportions.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.printing.layout import CONTENT_W, GREY, MARGIN, Flow, box, hline, text, wrap
from kiosk.printing.pdf_grid import BODY, PAD, SMALL, Placed, grid_lines, lines_h, section_title
from kiosk.printing.sheet_data import Approval, CaseSheet, Signer

STAMP = 45 * mm
PRINT_W, PRINT_H = 22 * mm, 26 * mm  # 按手印
SIGN_H = 26 * mm
_POINT = re.compile(r"([ML])\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)")


def strokes(path: str) -> list[list[tuple[float, float]]]:
    """An SVG-like path ("M 10 40 L 30 12 ...") as strokes of points (y downwards)."""
    out: list[list[tuple[float, float]]] = []
    for cmd, x, y in _POINT.findall(path):
        if cmd == "M" or not out:
            out.append([])
        out[-1].append((float(x), float(y)))
    return out


def draw_stroke(c: Canvas, path: str, x: float, y: float, w: float, h: float) -> None:
    """The touch signature inside the box (x, y lower-left, w x h), aspect kept."""
    lines = strokes(path)
    points = [p for s in lines for p in s]
    if not points:
        return
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    scale = min(w / max(x1 - x0, 1.0), h / max(y1 - y0, 1.0))
    ox = x + (w - (x1 - x0) * scale) / 2
    oy = y + h - (h - (y1 - y0) * scale) / 2
    c.saveState()
    c.setLineWidth(1.1)
    c.setLineCap(1)
    c.setLineJoin(1)
    c.setStrokeColorRGB(0.05, 0.05, 0.3)
    for s in lines:
        path_obj = c.beginPath()
        path_obj.moveTo(ox + (s[0][0] - x0) * scale, oy - (s[0][1] - y0) * scale)
        for px, py in s[1:]:
            path_obj.lineTo(ox + (px - x0) * scale, oy - (py - y0) * scale)
        if len(s) == 1:  # a dot
            path_obj.lineTo(ox + (s[0][0] - x0) * scale + 0.5, oy - (s[0][1] - y0) * scale)
        c.drawPath(path_obj, stroke=1, fill=0)
    c.restoreState()


def _signer_row(signer: Signer) -> Placed:
    sign_w = CONTENT_W - PRINT_W - 6

    def draw(c: Canvas, top: float) -> None:
        y = top - SIGN_H
        box(c, MARGIN, y, sign_w, SIGN_H, line=0.8)
        text(c, MARGIN + PAD, top - 12, f"{signer.role}签名", SMALL + 1, color=GREY)
        if signer.name:
            text(c, MARGIN + PAD, top - 26, signer.name, BODY)
        if signer.stroke:
            sx = MARGIN + 70 * mm
            draw_stroke(c, signer.stroke, sx, y + 4, sign_w - 70 * mm - 60, SIGN_H - 8)
            note = "（触屏签名）"
        else:
            note = "（请签字或按手印）"
        text(c, MARGIN + PAD, y + 6, note, SMALL, color=GREY)
        date = signer.date if signer.stroke else "年　　月　　日"
        text(c, MARGIN + sign_w - PAD, y + 6, f"日期：{date}", SMALL + 1, align="right")
        x = MARGIN + sign_w + 6
        box(c, x, y, PRINT_W, SIGN_H, line=0.8)
        text(c, x + PRINT_W / 2, top - 12, "按手印", SMALL, align="center", color=GREY)

    return SIGN_H + 6, draw


def declaration_block(flow: Flow, sheet: CaseSheet) -> None:
    """Who/what summary, the declaration and every signature box, kept on one page."""
    summary = grid_lines(sheet.summary)
    decl = wrap(sheet.declaration, BODY, CONTENT_W - 2 * PAD)
    h_decl = lines_h(len(decl), BODY) + 8
    signer_rows = [_signer_row(s) for s in sheet.signers]
    total = sum(h for h, _ in summary) + h_decl + sum(h for h, _ in signer_rows) + 24
    section_title(flow, "申请人声明及签名", keep_with=total)
    for h, draw in summary:
        flow.place(h, draw)

    def declaration(c: Canvas, top: float) -> None:
        y = top - 5 - BODY
        for line in decl:
            text(c, MARGIN + PAD, y, line, BODY)
            y -= BODY * 1.45

    flow.place(h_decl, declaration)
    for h, draw in signer_rows:
        flow.place(h, draw)
    helper = sheet.volunteer or "无（本人自助填写）"

    def helper_line(c: Canvas, top: float) -> None:
        text(c, MARGIN, top - 12, f"帮办人：{helper}", BODY)
        x = MARGIN + CONTENT_W * 0.55
        text(c, x, top - 12, "受理人：", BODY)
        hline(c, x + 44, MARGIN + CONTENT_W, top - 14, 0.6)

    flow.place(20, helper_line)


def _approval_cell(c: Canvas, a: Approval, x: float, top: float, w: float, h: float) -> None:
    box(c, x, top - h, w, h, line=0.8)
    text(c, x + PAD, top - 13, a.title, BODY + 0.5, bold=True)
    text(c, x + PAD, top - 32, "意见：", SMALL + 1, color=GREY)
    left_w = w - STAMP - 2 * PAD
    for k in range(3):  # ruled lines to write the opinion on
        y = top - 50 - k * 17
        hline(c, x + PAD, x + PAD + left_w - 4, y, 0.3)
    y = top - h + 10
    for role in reversed(a.roles):
        text(c, x + PAD, y, f"{role}：", SMALL + 1)
        hline(c, x + PAD + 40, x + PAD + left_w - 4, y - 2, 0.4)
        y += 18
    sx = x + w - STAMP - PAD
    sy = top - h + PAD
    c.saveState()
    c.setDash(2, 2)
    box(c, sx, sy, STAMP, STAMP, line=0.5, stroke=GREY)
    c.restoreState()
    text(c, sx + STAMP / 2, sy + STAMP / 2 + 4, "（公章）", SMALL, align="center", color=GREY)
    text(c, sx + STAMP - 4, sy + 6, "年　　月　　日", SMALL + 1, align="right")


APPROVAL_GAP = 6.0
APPROVAL_W = (CONTENT_W - APPROVAL_GAP) / 2
APPROVAL_H = STAMP + 2 * PAD + 18  # the title line above the stamp box
SlotDraw = Callable[[Canvas, float, float, float, float], None]  # (c, x, top, w, h)


def approvals_block(flow: Flow, approvals: list[Approval], spare: SlotDraw | None = None) -> None:
    """The offices' approval sections, two a line, each with a 45 x 45 mm stamp box;
    ``spare`` draws into the free half of the last line (the data codes) when the count
    is odd."""
    if not approvals:
        return
    gap, w, h = APPROVAL_GAP, APPROVAL_W, APPROVAL_H
    pairs = [approvals[k : k + 2] for k in range(0, len(approvals), 2)]
    section_title(flow, "审核意见（由各经办窗口填写并盖章）", keep_with=h + 4)
    for pair in pairs:

        def draw(c: Canvas, top: float, pair: list[Approval] = pair) -> None:
            for i, a in enumerate(pair):
                _approval_cell(c, a, MARGIN + i * (w + gap), top, w, h)
            if len(pair) == 1 and spare is not None:
                spare(c, MARGIN + w + gap, top, w, h)

        flow.place(h + 4, draw)


def photo_box(c: Canvas, caption: str, x: float, top: float) -> float:
    """照片粘贴处 (a 一寸 photo is 25 x 35 mm; the box leaves a margin): returns its width."""
    w, h = 28 * mm, 38 * mm
    c.saveState()
    c.setDash(3, 2)
    box(c, x, top - h, w, h, line=0.6)
    c.restoreState()
    text(c, x + w / 2, top - h / 2 + 6, "照片粘贴处", SMALL + 0.5, align="center", color=GREY)
    y = top - h / 2 - 8
    for line in wrap(caption, SMALL - 1, w - 6):
        text(c, x + w / 2, y, line, SMALL - 1, align="center", color=GREY)
        y -= (SMALL - 1) * 1.3
    return w
