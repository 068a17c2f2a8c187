"""A FormFill's pages: which question pages are visible, in order, and moving between them.

A group adds no page of its own (its label names its questions' section); a repeat adds
its list page, then its items' pages. A calculation has no page, nor has a field copied
from another repeat (kiosk.forms.copy_items), and a repeat whose items are copied has no
list page. FormFill's ``pages``, ``next_page``, ``previous_page`` and
``first_unfinished`` are these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.forms.paths import Instance, format_path, parse_item
from kiosk.forms.results import Page
from kiosk.forms.schema import Question

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill


def pages(fill: FormFill) -> list[Page]:
    """The visible question pages, in order; a repeat adds its list page then its items."""
    out: list[Page] = []
    _pages(fill, None, None, (), out)
    return out


def _pages(
    fill: FormFill, parent: str | None, section: str | None, inst: Instance, out: list[Page]
) -> None:
    for name in fill.model.children(parent):
        q = fill.model.nodes[name].question
        if not fill._relevant.get((name, inst), False) or q.type == "calculate":
            continue
        if name in fill.model.copied:
            continue  # copied from another repeat: asked there
        if q.type == "group":
            _pages(fill, name, q.label or section, inst, out)
            continue
        if q.copy_items is None:  # copied items are not added or removed here
            out.append(_page(format_path(name, inst), q, section, inst))
        if q.type == "repeat":
            for i in range(len(fill.raw_items(name, inst))):
                _pages(fill, name, section, (*inst, (name, i)), out)


def next_page(fill: FormFill, current: str | None) -> Page | None:
    pages = fill.pages()
    if current is None:
        return pages[0] if pages else None
    paths = [p.path for p in pages]
    if current not in paths:
        return fill.first_unfinished()
    i = paths.index(current)
    return pages[i + 1] if i + 1 < len(pages) else None


def previous_page(fill: FormFill, current: str) -> Page | None:
    paths = [p.path for p in fill.pages()]
    if current not in paths:
        return None
    i = paths.index(current)
    return fill.pages()[i - 1] if i > 0 else None


def first_unfinished(fill: FormFill) -> Page | None:
    """The first page with an error (or unanswered required question), for resuming."""
    for page in fill.pages():
        if any(p.is_error for p in fill.check_page(page.path)):
            return page
    return None


def _page(path: str, q: Question, section: str | None, inst: Instance) -> Page:
    if not inst:
        return Page(path, q, section)
    repeat, index = inst[-1]
    return Page(path, q, section, format_path(repeat, inst[:-1]), index, inst)


def item_path(repeat_path: str, index: int) -> str:
    """``heirs``, 1 → ``heirs[1]`` (a repeat item, as parse_item reads it)."""
    parse_item(f"{repeat_path}[{index}]")
    return f"{repeat_path}[{index}]"
