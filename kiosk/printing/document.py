"""Whole PDF documents: one case, or a life-event bundle behind its cover page.

Pages are laid out first (kiosk.printing.pdf), then drawn with their footer, so
each form says "第 1 页 / 共 N 页" of its own pages: a bundle's forms go to
different desks, and each must read as complete on its own. In a bundle every page
also carries its place in the whole set ("全套 第 5 页 / 共 9 页"), so a set dropped
on the floor can be put back in order.
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
    fit_size,
    hline,
    register_font,
    text,
    width,
    wrap,
)
from kiosk.printing.pdf import BODY, SMALL, layout_case, materials_block, section_title
from kiosk.printing.sheet_data import BundleCover, CaseSheet


def _canvas(buffer: io.BytesIO, title: str, author: str) -> Canvas:
    c = Canvas(
        buffer, pagesize=(PAGE_W, PAGE_H), pageCompression=1, initialFontName=register_font()
    )
    c.setTitle(title)  # title and number only: no personal data in the metadata
    c.setAuthor(author)
    c.setCreator("bangban kiosk")
    return c


def _footer(
    c: Canvas, left: str, page: int, total: int, whole: tuple[int, int] | None = None
) -> None:
    y = MARGIN - 2
    hline(c, MARGIN, MARGIN + CONTENT_W, y + 12, 0.4)
    centre = f"第 {page} 页 / 共 {total} 页"
    room = PAGE_W / 2 - width(centre, 9.5) / 2 - MARGIN - 8  # left of the page number
    text(c, MARGIN, y, left, fit_size(left, 8.5, room, smallest=5.0), color=GREY)
    text(c, PAGE_W / 2, y, centre, 9.5, align="center")
    right = "请妥善保管，凭办件编号查询进度"
    if whole:
        right = f"全套 第 {whole[0]} 页 / 共 {whole[1]} 页"
    text(c, MARGIN + CONTENT_W, y, right, 8.5, align="right", color=GREY)


def _draw_pages(
    c: Canvas, pages: list[list[Draw]], number: str, whole: tuple[int, int] | None = None
) -> None:
    for i, steps in enumerate(pages, 1):
        for step in steps:
            step(c)
        at = (whole[0] + i - 1, whole[1]) if whole else None
        _footer(c, f"办件编号 {number}", i, len(pages), at)
        c.showPage()


def render_case(sheet: CaseSheet) -> bytes:
    buffer = io.BytesIO()
    c = _canvas(buffer, f"{sheet.title} {sheet.number}", sheet.hall)
    _draw_pages(c, layout_case(sheet), sheet.number)
    c.save()
    return buffer.getvalue()


def _layout_cover(cover: BundleCover, pages_of: list[int]) -> list[list[Draw]]:
    flow = Flow(lambda page: (0.0, lambda c: None))

    def head(c: Canvas, top: float) -> None:
        text(c, MARGIN, top - 10, cover.hall, 9.5, color=GREY)
        text(c, MARGIN, top - 38, cover.title, 22, bold=True)
        n = len(cover.cases)
        text(c, MARGIN, top - 60, f"这件事要办 {n} 项，每项一份表，各自按流程办理。", BODY)
        hline(c, MARGIN, MARGIN + CONTENT_W, top - 70, 1.4)

    flow.place(78, head)
    section_title(flow, "本次办理的事项", keep_with=24)
    # The 办件编号 column is as wide as the widest number (an unenrolled kiosk's device
    # part makes it 19 characters), up to 170 pt; a number wider still is drawn smaller.
    # A number is never wrapped: a clerk types or scans it whole.
    widest = max((width(n, BODY) for n, _, _ in cover.cases), default=0.0) + 10
    num_w = min(max(104.0, widest), 170.0)
    widths = (28.0, num_w, CONTENT_W - 28.0 - num_w - 150.0 - 40.0, 150.0, 40.0)
    header = ("序号", "办件编号", "事项", "承办部门和窗口（按顺序）", "页数")
    rows = [header] + [
        (str(i), n, t, f"{d}：{desks}" if desks else d, f"{p} 页")
        for i, ((n, t, d), desks, p) in enumerate(
            zip(cover.cases, cover.desks or [""] * len(cover.cases), pages_of, strict=True), 1
        )
    ]
    for r, values in enumerate(rows):
        wrapped = [
            [v] if k == 1 else wrap(v, BODY, w - 7)
            for k, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        h = max(len(x) for x in wrapped) * BODY * 1.45 + 7

        def draw(
            c: Canvas,
            top: float,
            wrapped: list[list[str]] = wrapped,
            h: float = h,
            shade: bool = r == 0,
        ) -> None:
            x = MARGIN
            for k, (lines, w) in enumerate(zip(wrapped, widths, strict=True)):
                box(c, x, top - h, w, h, line=0.4, fill=SHADE if shade else None)
                y = top - 3.5 - BODY
                for line in lines:
                    size = fit_size(line, BODY, w - 8) if k == 1 else BODY
                    text(c, x + 3.5, y, line, size, bold=not shade and k == 1)
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
    """One PDF: the cover page(s), then each case's own pages; every page numbered both
    within its form and within the whole set."""
    buffer = io.BytesIO()
    c = _canvas(buffer, cover.title, cover.hall)
    forms = [layout_case(sheet) for sheet in sheets]
    cover_pages = _layout_cover(cover, [len(p) for p in forms])
    total = len(cover_pages) + sum(len(p) for p in forms)
    for i, steps in enumerate(cover_pages, 1):
        for step in steps:
            step(c)
        _footer(c, f"{cover.title} 封面", i, len(cover_pages), (i, total))
        c.showPage()
    at = len(cover_pages) + 1
    for sheet, pages in zip(sheets, forms, strict=True):
        _draw_pages(c, pages, sheet.number, (at, total))
        at += len(pages)
    c.save()
    return buffer.getvalue()


__all__ = ["render_bundle", "render_case"]
