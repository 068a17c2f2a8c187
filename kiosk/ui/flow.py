"""Where 上一步 and 下一步 go, on top of the engine's page order (no Qt; tested directly).

The engine lists pages in order: a repeat's list page, then each item's questions. The
screens use the "add another" pattern (GOV.UK): from the list page, 添加 opens a new
item's first question; after an item's last question the list page comes back; 下一步 on
the list page goes past all the items. A repeat copied from another (a bundle's shared
household, kiosk.forms.copy_items) has no list page: its items follow one another. Everything
else is the engine's own order.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.forms.answers_doc import item_titles
from kiosk.forms.engine import AnswerProblem, FormFill, Page, SummaryRow
from kiosk.forms.paths import BadPath, format_path, is_within, parse_path
from kiosk.forms.schema import Question


def _index(pages: list[Page], path: str) -> int | None:
    return next((i for i, p in enumerate(pages) if p.path == path), None)


FACT_TYPES_NEVER = frozenset({"repeat", "group", "note", "signature", "calculate"})


def is_registry_fact(fill: FormFill, page: Page) -> bool:
    """Whether ``page`` only confirms what a register already says: its answer was prefilled
    (from the ID card, the registry or the household register: it has a prefill mark), is
    not empty and passes its checks. Such pages are not asked one by one; the check page
    shows them grouped, with one 修改 per group (issue 15, time on task)."""
    if page.question.type in FACT_TYPES_NEVER or fill.prefill_label(page.path) is None:
        return False
    value = fill.value(page.path)
    if value is None or value == "" or value == []:
        return False
    return not any(p.is_error for p in fill.check_page(page.path))


def _skip_facts(fill: FormFill, path: str | None, step: Callable[[str], str | None]) -> str | None:
    pages = {p.path: p for p in fill.pages()}
    seen: set[str] = set()
    while path is not None and path in pages and is_registry_fact(fill, pages[path]):
        if path in seen:  # never loops: a safety net for odd orders
            return path
        seen.add(path)
        path = step(path)
    return path


def next_path(fill: FormFill, current: str | None) -> str | None:
    """The page after ``current`` that asks something (registry facts are confirmed on the
    check page); None when the questions are done (check answers next)."""
    return _skip_facts(fill, _next_path(fill, current), lambda p: _next_path(fill, p))


def _next_path(fill: FormFill, current: str | None) -> str | None:
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
        if _back_to_list(pages, page, following):
            return page.repeat  # a nested list was the item's last page: back to the outer list
        return following.path if following else None
    following = pages[i + 1] if i + 1 < len(pages) else None
    if _back_to_list(pages, page, following):
        return page.repeat  # back to the list after the item's last question
    return following.path if following else None


def _back_to_list(pages: list[Page], page: Page, following: Page | None) -> bool:
    """Whether the item of ``page`` ends here and its list has a page to go back to."""
    if page.repeat is None or (following is not None and _same_item(page, following)):
        return False
    return _index(pages, page.repeat) is not None


def _same_item(page: Page, other: Page) -> bool:
    """Whether ``other`` is in the same repeat item as ``page`` (not in a nested one)."""
    return other.repeat == page.repeat and other.index == page.index


def previous_path(fill: FormFill, current: str) -> str | None:
    """The page before ``current`` that asks something; None on the first page."""
    return _skip_facts(fill, _previous_path(fill, current), lambda p: _previous_path(fill, p))


def _previous_path(fill: FormFill, current: str) -> str | None:
    pages = fill.pages()
    i = _index(pages, current)
    if i is None or i == 0:
        return None
    page, before = pages[i], pages[i - 1]
    # Just after an item (or the first question of the next one): back to the list, not
    # into the item; the outermost list whose item does not hold this page.
    for k, (repeat, index) in enumerate(before.instance):
        list_path = format_path(repeat, before.instance[:k])
        has_page = _index(pages, list_path) is not None  # a copied repeat has none
        if has_page and not is_within(page.path, f"{list_path}[{index}]"):
            return list_path
    return before.path


def tick_group(fill: FormFill, path: str) -> list[str] | None:
    """The pages asked on one screen with ``path``, a tick per item: when ``path`` is a
    yes/no question in an item of a copied list (no list page: a bundle form's list filled
    from the shared one, e.g. each heir's 同意) and every item asks only that question,
    the pages of all items in order (two or more); else None. Each item keeps its own
    answer: one explicit answer per person, on one page (issue 15, time on task)."""
    pages = fill.pages()
    page = next((p for p in pages if p.path == path), None)
    if page is None or page.repeat is None or page.question.type != "yes_no":
        return None
    if len(page.instance) != 1 or _index(pages, page.repeat) is not None:
        return None
    items = [p for p in pages if p.repeat == page.repeat]
    if any(p.question.name != page.question.name for p in items if not is_registry_fact(fill, p)):
        return None
    group = [p.path for p in items if p.question.name == page.question.name]
    return group if len(group) > 1 else None


def after_change(fill: FormFill, seen: set[str]) -> str | None:
    """Where 修改's walk goes before the check page: the first page (in page order, the
    declaration and signature left out) that a change left to answer — one that became
    visible since the walk began (not in ``seen``: 纸质的 → 电子的 brings the certificate's
    number) and is still empty, or one whose answer is missing or breaks a rule (a
    replaced heir's 同意). Registry facts that check are confirmed on the check page, not
    asked. None: nothing left, the check page. The caller adds what it shows to ``seen``
    so an optional question left empty is asked once."""
    finals = set(final_paths(fill))
    for page in fill.pages():
        if page.path in finals or page.question.type in ("note", "calculate"):
            continue
        if any(p.is_error for p in fill.check_page(page.path)):
            return page.path
        if page.path in seen or is_registry_fact(fill, page):
            continue
        if page.question.type == "repeat":
            if page.question.copy_items is None and not fill.items(page.path):
                return page.path  # a list now asked for: 添加 or 下一步 past it
            continue
        value = fill.value(page.path)
        if value is None or value == "" or value == []:
            return page.path
    return None


def problem_line(fill: FormFill, problem: AnswerProblem) -> str:
    """A problem as the check page says it, naming the item it is in: 第3位继承人 · 这位
    继承人同意由您来领这笔钱吗？：这一题需要回答。 (one heir among several is found)."""
    try:
        _, inst = parse_path(problem.path)
    except BadPath:
        inst = ()
    where = item_titles(fill, inst)
    label = f"{where} · {problem.label}" if where else problem.label
    return f"{label}：{problem.problem.message}"


def walk_paths(fill: FormFill, path: str) -> list[str]:
    """The pages shown together with ``path`` (each heir's 同意 on one page)."""
    return tick_group(fill, path) or [path]


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


def sign_paths(fill: FormFill) -> tuple[list[str], list[str]]:
    """The final pages split: (the declarations' labels, shown on the signature page; the
    pages still shown after the check page: the signature). A declaration is read, not
    answered: on its own page it cost a tap and a screen (issue 15, time on task)."""
    finals = set(final_paths(fill))
    notes: list[str] = []
    shown: list[str] = []
    for page in fill.pages():
        if page.path not in finals:
            continue
        if page.question.type == "note" and not shown:
            notes.append(page.question.label)
        else:
            shown.append(page.path)
    return notes, shown


def first_item_path(fill: FormFill, repeat: str, index: int, *, asks: bool = False) -> str | None:
    """The first question page of item ``index`` of ``repeat``; with ``asks``, the first
    that is not a registry fact (None when the register filled the whole item)."""
    for page in fill.pages():
        if page.repeat == repeat and page.index == index:
            if asks and is_registry_fact(fill, page):
                continue
            return page.path
    return None


def fact_groups(fill: FormFill, rows: list[SummaryRow]) -> list[list[SummaryRow]]:
    """Registry-fact rows of the check page in groups, one per section or repeat item
    (去世的老人; 第1位继承人), in page order; each group is confirmed or changed (修改) as one."""
    pages = {p.path: p for p in fill.pages()}
    groups: dict[tuple[str | None, str | None], list[SummaryRow]] = {}
    for row in rows:
        page = pages.get(row.path)
        if page is not None and is_registry_fact(fill, page):
            groups.setdefault((row.section, row.item_title), []).append(row)
    return list(groups.values())


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
