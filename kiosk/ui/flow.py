"""Where 上一步 and 下一步 go, on top of the engine's page order (no Qt; tested directly).

The engine lists pages in order: a repeat's list page, then each item's questions. The
screens use the "add another" pattern (GOV.UK): from the list page, 添加 opens a new
item's first question; after an item's last question the list page comes back; 下一步 on
the list page goes past all the items. Everything else is the engine's own order.
"""

from __future__ import annotations

from kiosk.forms.engine import FormFill, Page
from kiosk.forms.paths import format_path, is_within
from kiosk.forms.schema import Question


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


FINAL_TYPES = ("note", "signature")


def final_paths(fill: FormFill) -> list[str]:
    """The declaration and signature at the end of a form: the trailing top-level pages of
    note/signature type, when they include a signature. They come after the check page
    (GOV.UK "check answers" before "declaration"), so the person signs what they checked."""
    pages = fill.pages()
    tail: list[Page] = []
    for page in reversed(pages):
        if page.repeat is not None or page.question.type not in FINAL_TYPES:
            break
        tail.insert(0, page)
    if not any(p.question.type == "signature" for p in tail):
        return []
    return [p.path for p in tail]


def first_item_path(fill: FormFill, repeat: str, index: int) -> str | None:
    """The first question page of item ``index`` of ``repeat``."""
    for page in fill.pages():
        if page.repeat == repeat and page.index == index:
            return page.path
    return None


def _top_names(fill: FormFill) -> dict[str, int]:
    """Each question name → the index of its top-level entry (a group is one step)."""
    out: dict[str, int] = {}

    def walk(questions: list[Question], top: int) -> None:
        for q in questions:
            out[q.name] = top
            walk(q.children, top)

    for i, q in enumerate(fill.form.questions):
        out[q.name] = i
        walk(q.children, i)
    return out


def _has_page(q: Question) -> bool:
    """Whether a question can ever show a page (a group through one of its questions)."""
    if q.type == "group":
        return any(_has_page(c) for c in q.children)
    return q.type != "calculate"


def progress(fill: FormFill, current: str) -> tuple[int, int]:
    """(n, total) by step: a step is a top-level section of the form (去世的老人, 来办事的人,
    …), counted over the form's definition, not over the sections relevant now: answering
    (在领养老金：是 bringing in a bundle's pension section), adding heirs or a skipped
    question never changes the total ("第 3 步，共 5 步"); a section not needed is a step
    skipped (第 2 步 → 第 5 步), never a total that grows under the person."""
    tops = _top_names(fill)
    steps = [i for i, q in enumerate(fill.form.questions) if _has_page(q)]
    page = next((p for p in fill.pages() if p.path == current), None)
    here = -1
    if page is not None:
        name = page.instance[0][0] if page.instance else page.question.name
        here = tops.get(name, -1)
    n = steps.index(here) if here in steps else 0
    return n + 1, len(steps)
