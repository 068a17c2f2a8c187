"""Whole PDF documents: one case, or a life-event bundle behind its cover page.

Pages are laid out first (kiosk.printing.pdf), then drawn with their footer, so
each form says "第 1 页 / 共 N 页" of its own pages: a bundle's forms go to
different desks, and each must read as complete on its own.
"""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas

from kiosk.printing.layout import (
    CONTENT_W,
    GREY,
    MARGIN,
    PAGE_H,
    PAGE_W,
    SHADE,
    Draw,
    Flow,
    box,
    hline,
    register_font,
    text,
    wrap,
)
from kiosk.printing.pdf import BODY, SMALL, layout_case, materials_block, section_title
from kiosk.printing.sheet import BundleCover, CaseSheet


def _canvas(buffer: io.BytesIO, title: str, author: str) -> Canvas:
    c = Canvas(
        buffer, pagesize=(PAGE_W, PAGE_H), pageCompression=1, initialFontName=register_font()
    )
    c.setTitle(title)  # title and number only: no personal data in the metadata
    c.setAuthor(author)
    c.setCreator("bangban kiosk")
    return c


def _footer(c: Canvas, number: str, page: int, total: int) -> None:
    y = MARGIN - 2
    hline(c, MARGIN, MARGIN + CONTENT_W, y + 12, 0.4)
    text(c, MARGIN, y, f"办件编号 {number}", 8.5, color=GREY)
    text(c, PAGE_W / 2, y, f"第 {page} 页 / 共 {total} 页", 9.5, align="center")
    text(c, MARGIN + CONTENT_W, y, "请妥善保管，凭办件编号查询进度", 8.5, align="right", color=GREY)


def _draw_pages(c: Canvas, pages: list[list[Draw]], number: str) -> None:
    for i, steps in enumerate(pages, 1):
        for step in steps:
            step(c)
        _footer(c, number, i, len(pages))
        c.showPage()


def render_case(sheet: CaseSheet) -> bytes:
    buffer = io.BytesIO()
    c = _canvas(buffer, f"{sheet.title} {sheet.number}", sheet.hall)
    _draw_pages(c, layout_case(sheet), sheet.number)
    c.save()
    return buffer.getvalue()


def _layout_cover(cover: BundleCover) -> list[list[Draw]]:
    flow = Flow(lambda page: (0.0, lambda c: None))

    def head(c: Canvas, top: float) -> None:
        text(c, MARGIN, top - 10, cover.hall, 9.5, color=GREY)
        text(c, MARGIN, top - 36, cover.title, 20, bold=True)
        text(
            c,
            MARGIN,
            top - 58,
            f"这件事要办 {len(cover.cases)} 项，每项一份表，各自按流程办理。",
            BODY,
        )
        hline(c, MARGIN, MARGIN + CONTENT_W, top - 68, 1.4)

    flow.place(76, head)
    section_title(flow, "本次办理的事项", keep_with=24)
    widths = (34.0, 120.0, CONTENT_W - 154.0 - 80.0, 80.0)
    header = ("序号", "办件编号", "事项", "承办部门")
    rows = [header] + [(str(i), n, t, d) for i, (n, t, d) in enumerate(cover.cases, 1)]
    for r, values in enumerate(rows):
        wrapped = [wrap(v, BODY, w - 7) for v, w in zip(values, widths, strict=True)]
        h = max(len(x) for x in wrapped) * BODY * 1.45 + 7

        def draw(
            c: Canvas,
            top: float,
            wrapped: list[list[str]] = wrapped,
            h: float = h,
            shade: bool = r == 0,
        ) -> None:
            x = MARGIN
            for lines, w in zip(wrapped, widths, strict=True):
                box(c, x, top - h, w, h, line=0.4, fill=SHADE if shade else None)
                y = top - 3.5 - BODY
                for line in lines:
                    text(c, x + 3.5, y, line, BODY, bold=not shade and w == 120.0)
                    y -= BODY * 1.45
                x += w

        flow.place(h, draw)
    flow.gap(10)
    materials_block(flow, cover.materials, "需带材料（合在一起，同样的材料只带一份）")
    helper = cover.volunteer or "无（本人自助填写）"
    flow.gap(10)
    flow.place(20, lambda c, top: text(c, MARGIN, top - 14, f"帮办人：{helper}", BODY))
    flow.place(
        18,
        lambda c, top: text(
            c, MARGIN, top - 12, "后面依次是每一项的申请表，请分别签名。", SMALL, color=GREY
        ),
    )
    return flow.pages


def render_bundle(cover: BundleCover, sheets: list[CaseSheet]) -> bytes:
    """One PDF: the cover page(s), then each case's own pages."""
    buffer = io.BytesIO()
    c = _canvas(buffer, cover.title, cover.hall)
    cover_pages = _layout_cover(cover)
    numbers = "、".join(s.number for s in sheets)
    for i, steps in enumerate(cover_pages, 1):
        for step in steps:
            step(c)
        y = MARGIN - 2
        hline(c, MARGIN, MARGIN + CONTENT_W, y + 12, 0.4)
        text(c, PAGE_W / 2, y, f"封面 第 {i} 页 / 共 {len(cover_pages)} 页", 9.5, align="center")
        text(c, MARGIN, y, numbers[:60], 8.5, color=GREY)
        c.showPage()
    for sheet in sheets:
        _draw_pages(c, layout_case(sheet), sheet.number)
    c.save()
    return buffer.getvalue()


__all__ = ["render_bundle", "render_case"]
