"""Where 上一步 and 下一步 go, on top of the engine's page order (no Qt; tested directly).

The engine lists pages in order: a repeat's list page, then each item's questions. The
screens use the "add another" pattern (GOV.UK): from the list page, 添加 opens a new
item's first question; after an item's last question the list page comes back; 下一步 on
the list page goes past all the items. Everything else is the engine's own order.
"""

from __future__ import annotations

from kiosk.forms.engine import FormFill, Page


def _index(pages: list[Page], path: str) -> int | None:
    return next((i for i, p in enumerate(pages) if p.path == path), None)


def next_path(fill: FormFill, current: str | None) -> str | None:
    """The page after ``current``; None when the questions are done (check answers next)."""
    pages = fill.pages()
    if current is None:
        return pages[0].path if pages else None
    i = _index(pages, current)
    if i is None:
        first = fill.first_unfinished()
        return first.path if first else None
    page = pages[i]
    if page.question.type == "repeat":
        j = i + 1
        while j < len(pages) and pages[j].repeat == page.path:
            j += 1
        return pages[j].path if j < len(pages) else None
    following = pages[i + 1] if i + 1 < len(pages) else None
    if page.repeat is not None and (
        following is None or following.repeat != page.repeat or following.index != page.index
    ):
        return page.repeat  # back to the list after the item's last question
    return following.path if following else None


def previous_path(fill: FormFill, current: str) -> str | None:
    """The page before ``current``; None on the first page."""
    pages = fill.pages()
    i = _index(pages, current)
    if i is None or i == 0:
        return None
    page, before = pages[i], pages[i - 1]
    if page.repeat is not None and (before.repeat != page.repeat or before.index != page.index):
        return page.repeat  # first question of an item: back to the list
    if before.repeat is not None and page.repeat is None:
        return before.repeat  # just after the items: back to the list, not into an item
    return before.path


def first_item_path(fill: FormFill, repeat: str, index: int) -> str | None:
    """The first question page of item ``index`` of ``repeat``."""
    for page in fill.pages():
        if page.repeat == repeat and page.index == index:
            return page.path
    return None


def progress(fill: FormFill, current: str) -> tuple[int, int]:
    """(n, total) over the pages outside repeat items, so the count does not jump."""
    main = [p for p in fill.pages() if p.repeat is None]
    name = current
    for p in fill.pages():
        if p.path == current and p.repeat is not None:
            name = p.repeat
    n = next((i for i, p in enumerate(main) if p.path == name), 0)
    return n + 1, len(main)
