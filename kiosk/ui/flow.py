"""Where 上一步 and 下一步 go, on top of the engine's page order (no Qt; tested directly).

The engine lists pages in order: a repeat's list page, then each item's questions. The
screens use the "add another" pattern (GOV.UK): from the list page, 添加 opens a new
item's first question; after an item's last question the list page comes back; 下一步 on
the list page goes past all the items. Everything else is the engine's own order.
"""

from __future__ import annotations

from kiosk.forms.engine import FormFill, Page
from kiosk.forms.paths import format_path, is_within


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
        j = i + 1  # past the items, nested ones included
        while j < len(pages) and is_within(pages[j].path, page.path):
            j += 1
        following = pages[j] if j < len(pages) else None
        if page.repeat is not None and (following is None or not _same_item(page, following)):
            return page.repeat  # a nested list was the item's last page: back to the outer list
        return following.path if following else None
    following = pages[i + 1] if i + 1 < len(pages) else None
    if page.repeat is not None and (following is None or not _same_item(page, following)):
        return page.repeat  # back to the list after the item's last question
    return following.path if following else None


def _same_item(page: Page, other: Page) -> bool:
    """Whether ``other`` is in the same repeat item as ``page`` (not in a nested one)."""
    return other.repeat == page.repeat and other.index == page.index


def previous_path(fill: FormFill, current: str) -> str | None:
    """The page before ``current``; None on the first page."""
    pages = fill.pages()
    i = _index(pages, current)
    if i is None or i == 0:
        return None
    page, before = pages[i], pages[i - 1]
    # Just after an item (or the first question of the next one): back to the list, not
    # into the item; the outermost list whose item does not hold this page.
    for k, (repeat, index) in enumerate(before.instance):
        list_path = format_path(repeat, before.instance[:k])
        if not is_within(page.path, f"{list_path}[{index}]"):
            return list_path
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
        if p.path == current and p.instance:
            name = p.instance[0][0]  # inside an item: count the top-level list's page
    n = next((i for i, p in enumerate(main) if p.path == name), 0)
    return n + 1, len(main)
