"""One question per page: the question as the heading, the hint under it, a note when
the answer came from records (据登记信息), the big widget for its type, and progress.
The engine decides what is wrong; this page only shows it (STYLE.md 6)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kiosk.forms.engine import FormFill, Page
from kiosk.ui import strings as S
from kiosk.ui.answer_widgets import Editor, make_editor
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.look import metrics
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QHBoxLayout, QVBoxLayout


def section_text(fill: FormFill, page: Page, progress: tuple[int, int]) -> str:
    parts = [page.section or ""]
    for repeat, index in page.instance:  # 第2位家庭成员 · 第1项收入
        parts.append(fill.item_title(fill.question(repeat), index))
    parts.append(S.PROGRESS.format(n=progress[0], total=progress[1]))
    return "　·　".join(p for p in parts if p)


def deadline_text(fill: FormFill) -> str | None:
    """The resident's deadline as the form's rules state it (办理时限：…), or None."""
    rules = fill.form.rules
    return S.DEADLINE.format(text=rules.time_limit.resident.text) if rules else None


class QuestionPage(BasePage):
    def __init__(
        self,
        *,
        fill: FormFill,
        page: Page,
        progress: tuple[int, int],
        on_next: Callable[[Any], None],
        on_back: Callable[[], None],
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        q = page.question
        super().__init__(q.label, q.hint, name="question", on_read=on_read, badge=badge)
        self.path = page.path
        self.spoken_label = q.speak
        self.set_section(section_text(fill, page, progress))
        self.deadline_note = deadline_text(fill)
        if self.deadline_note:
            note, box = frame("note", name="deadline")
            box.addWidget(label(self.deadline_note, "large", name="deadline-text"))
            self.body.addWidget(note)
        source = fill.prefill_label(page.path)
        self.prefill_note = None
        if source:
            note, box = frame("note", name="prefilled")
            self.prefill_note = S.PREFILLED.format(source=source)
            box.addWidget(label(self.prefill_note, "large"))
            self.body.addWidget(note)
        self.editor: Editor = make_editor(q, fill.value(page.path), fill.choices(q), fill.today)
        self.body.addWidget(self.editor)
        self.body.addStretch(1)
        self.set_nav(back=on_back, home=on_home, next=lambda: on_next(self.editor.value()))

    def extra_spoken(self) -> list[str]:
        return [t for t in (self.deadline_note, self.prefill_note) if t]

    def spoken_text(self) -> str:
        text = super().spoken_text()
        if self.spoken_label:  # the form's own reading when the label has symbols
            text = text.replace(self.heading.text(), self.spoken_label, 1)
        return text


class RepeatPage(BasePage):
    """A repeat group's list: each item with 修改 and 删除, and 添加 under them."""

    def __init__(
        self,
        *,
        fill: FormFill,
        page: Page,
        progress: tuple[int, int],
        on_add: Callable[[], None],
        on_edit: Callable[[int], None],
        on_remove: Callable[[int], None],
        on_next: Callable[[], None],
        on_back: Callable[[], None],
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        q = page.question
        super().__init__(q.label, q.hint, name="repeat", on_read=on_read, badge=badge)
        self.path = page.path
        self.set_section(section_text(fill, page, progress))
        items = fill.items(page.path)
        self.item_texts: list[str] = []
        if not items:
            self.body.addWidget(label(S.REPEAT_EMPTY, "large", name="repeat-empty"))
        first_text = next((c.name for c in q.children if c.type == "text"), None)
        for i, item in enumerate(items):
            box, layout = frame("panel", name=f"item-{i}")
            text = fill.item_title(q, i)
            if first_text and item.get(first_text):
                text += f"：{item[first_text]}"
            self.item_texts.append(text)
            row = QHBoxLayout()
            row.addWidget(label(text, "large"), 1)
            row.addWidget(
                button(S.EDIT, "fa5s.edit", name=f"edit-{i}", on_click=partial(on_edit, i))
            )
            row.addWidget(
                button(
                    S.REMOVE,
                    "fa5s.trash-alt",
                    name=f"remove-{i}",
                    on_click=partial(on_remove, i),
                )
            )
            layout.addLayout(row)
            self.body.addWidget(box)
        if q.max_items is None or len(items) < q.max_items:
            self.body.addWidget(button(S.ADD_ITEM, "fa5s.plus", name="add", on_click=on_add))
        self.suggestions = QVBoxLayout()
        self.suggestions.setSpacing(metrics().gap)
        self.body.addLayout(self.suggestions)
        self.body.addStretch(1)
        self.set_nav(back=on_back, home=on_home, next=on_next)

    def show_suggestions(self, suggestions: list[tuple[str, Callable[[], None]]]) -> None:
        """People the household register knows, to add with one touch and then confirm."""
        if not suggestions:
            return
        self.suggestions.addWidget(label(S.FROM_HOUSEHOLD, "large"))
        for i, (text, add) in enumerate(suggestions):
            self.suggestions.addWidget(
                button(
                    S.ADD_PERSON.format(person=text),
                    "fa5s.user-plus",
                    name=f"suggest-{i}",
                    on_click=add,
                )
            )

    def extra_spoken(self) -> list[str]:
        return self.item_texts or [S.REPEAT_EMPTY]
