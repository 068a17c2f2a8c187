"""One question per page: the question as the heading, the hint under it, a note when
the answer came from records (据登记信息), the big widget for its type, and progress.
The engine decides what is wrong; this page only shows it (STYLE.md 6)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kiosk.forms.engine import FormFill, Page
from kiosk.forms.policy import for_residents
from kiosk.ui import strings as S
from kiosk.ui.answer_widgets import Editor, make_editor
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.keypad_widget import show_whole
from kiosk.ui.look import metrics
from kiosk.ui.page_frame import BasePage, OnResize
from kiosk.ui.qt import QEvent, QHBoxLayout, QLineEdit, QObject, QTimer, QVBoxLayout, QWidget

_CHANGING_EVENTS = {
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.TouchEnd,
    QEvent.Type.KeyRelease,
    QEvent.Type.InputMethod,
}


def section_text(fill: FormFill, page: Page, progress: tuple[int, int]) -> str:
    parts = [page.section or ""]
    for repeat, index in page.instance:  # 第2位家庭成员 · 第1项收入
        parts.append(fill.item_title(fill.question(repeat), index))
    parts.append(S.PROGRESS.format(n=progress[0], total=progress[1]))
    return "　·　".join(p for p in parts if p)


def deadline_text(fill: FormFill) -> str | None:
    """The resident's deadline as the form's rules state it (办理时限：…), or None."""
    rules = fill.form.rules
    return S.DEADLINE.format(text=for_residents(rules.time_limit.resident.text)) if rules else None


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
        editor: Editor | None = None,
        heading: str | None = None,
        read_deadline: Callable[[], bool] | None = None,
        declarations: list[str] | None = None,
    ) -> None:
        """``editor`` and ``heading`` replace the question's own (the 组 page of a village
        question asks 第几组 on a page of its own). ``read_deadline()`` says whether 朗读
        reads the deadline this time (once per form, not on every page); None: always.
        ``declarations`` (the form's 声明) show above a signature pad, so the person signs
        right under what they declare."""
        q = page.question
        super().__init__(
            heading or q.label,
            None if heading else q.hint,
            name="question",
            on_read=on_read,
            badge=badge,
        )
        self.path = page.path
        self.spoken_label = None if heading else q.speak
        self.set_section(section_text(fill, page, progress))
        self.deadline_note = deadline_text(fill)
        self._read_deadline = read_deadline
        if self.deadline_note:
            note, box = frame("note", name="deadline")
            box.addWidget(label(self.deadline_note, "large", name="deadline-text"))
            self.body.addWidget(note)
        self.declarations = list(declarations or [])
        for text in self.declarations:
            note, box = frame("note", name="declaration")
            box.addWidget(label(text, "large", name="declaration-text"))
            self.body.addWidget(note)
        source = fill.prefill_label(page.path)
        self.prefill_note = None
        if source:
            note, box = frame("note", name="prefilled")
            self.prefill_note = S.PREFILLED.format(source=source)
            box.addWidget(label(self.prefill_note, "large"))
            self.body.addWidget(note)
        self.editor: Editor = editor or make_editor(
            q, fill.value(page.path), fill.choices(q), fill.today
        )
        self.body.addWidget(self.editor)
        self._shown_for: Any = None  # the answer the message on show was about
        keypad = getattr(self.editor, "keypad", None)
        if keypad is not None:  # pinned beside the page: it never scrolls out of view
            self.pin_keypad(keypad)
        # 手写 (the pad pinned beside the page): the answer written so far is scrolled into
        # view on arrival, on a resize and as it changes, so it stays in view while the
        # finger is on the pad (issue 15). It stays in the scrolling body: a message on a
        # short screen at 200 % text never makes the page taller than the window.
        self._answer_followed = bool(getattr(keypad, "needs_height", False))
        self._follow: list[OnResize] = []
        line = getattr(self.editor, "line", None)
        if self._answer_followed and isinstance(line, QLineEdit):
            line.textChanged.connect(self._keep_answer_in_view)
            # The view or the body changed size: arrival, a resize, 手写/拼音 (the pinned
            # pad shown or hidden widens the page column), a message.
            content = self.scroll_area.widget()
            for widget in [self.scroll_area.viewport(), *([content] if content else [])]:
                self._follow.append(OnResize(widget, self._keep_answer_in_view))
        # A tap or key anywhere in the editor (or its pinned keypad) may change the answer.
        for part in [self.editor, keypad] if keypad is not None else [self.editor]:
            for widget in [part, *part.findChildren(QWidget)]:
                widget.installEventFilter(self)
        self.body.addStretch(1)
        self.set_nav(back=on_back, home=on_home, next=lambda: on_next(self.editor.value()))

    def show_errors(self, messages: list[str], *, fault: bool = False) -> None:
        super().show_errors(messages, fault=fault)
        self._shown_for = self.editor.value()
        self._keep_answer_in_view()

    def _keep_answer_in_view(self) -> None:
        """The message shortens the scrolled view from below: the answer typed (a
        keypad's number) is scrolled back into view once the page has taken it in."""
        line = getattr(self.editor, "line", None)
        if isinstance(line, QWidget):
            QTimer.singleShot(0, self, partial(show_whole, self.scroll_area, line))

    def show_warning(self, messages: list[str], accept: str, on_accept: Callable[[], None]) -> None:
        super().show_warning(messages, accept, on_accept)
        self._shown_for = self.editor.value()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """After a tap or a key in the answer: the message goes once the answer changed
        (it was about the old answer; 下一步 checks the new one)."""
        if event.type() in _CHANGING_EVENTS and self.errors.isVisible():
            QTimer.singleShot(0, self, self._answer_changed)
        return False

    def _answer_changed(self) -> None:
        if self.errors.isVisible() and self.editor.value() != self._shown_for:
            self.errors.show_messages([])

    def extra_spoken(self) -> list[str]:
        """After the question and hint: the resident's deadline, where the answer came
        from, the choices with their numbers, and the answer shown now (or that none is
        given yet)."""
        deadline = self.deadline_note
        if deadline and self._read_deadline is not None and not self._read_deadline():
            deadline = None
        parts = [*self.declarations]
        parts += [t for t in (deadline, self.prefill_note) if t]
        parts += self.editor.spoken_choices()
        if self.editor.__class__ is not Editor:  # a note page has no answer to read
            answer = self.editor.spoken_answer()
            parts.append(S.SPOKEN_ANSWER.format(answer=answer) if answer else S.SPOKEN_NO_ANSWER)
        return parts

    def spoken_text(self) -> str:
        text = super().spoken_text()
        if self.spoken_label:  # the form's own reading when the label has symbols
            text = text.replace(self.heading.text(), self.spoken_label, 1)
        return text


class RepeatPage(BasePage):
    """A repeat group's list: each item with 修改 and 删除, and 添加 under them.

    删除 hides the item at once and offers 撤销 for ``UNDO_S`` seconds; only then (or when
    the person leaves the page) does ``on_remove(indices, then)`` remove it in the store.
    A kill in between loses nothing: the item is still saved.
    """

    UNDO_S = 10.0

    def __init__(
        self,
        *,
        fill: FormFill,
        page: Page,
        progress: tuple[int, int],
        on_add: Callable[[], None],
        on_edit: Callable[[int], None],
        on_remove: Callable[[list[int], Callable[[], None] | None], None],
        on_next: Callable[[], None],
        on_back: Callable[[], None],
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
    ) -> None:
        q = page.question
        super().__init__(q.label, q.hint, name="repeat", on_read=on_read, badge=badge)
        self.path = page.path
        self._on_remove = on_remove
        self.pending: list[int] = []  # removed on screen, not yet in the store
        self.set_section(section_text(fill, page, progress))
        items = fill.items(page.path)
        self.item_texts: list[str] = []
        self.item_boxes: list[QWidget] = []
        m = metrics()
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
            row.setSpacing(m.gap)  # 修改 and 删除 well apart (≥ 12 px)
            row.addWidget(label(text, "large"), 1)
            row.addWidget(
                button(S.EDIT, "fa5s.edit", name=f"edit-{i}", on_click=partial(self._edit, i))
            )
            row.addSpacing(m.gap)
            row.addWidget(
                button(
                    S.REMOVE,
                    "fa5s.trash-alt",
                    name=f"remove-{i}",
                    on_click=partial(self.remove, i),
                )
            )
            layout.addLayout(row)
            self.body.addWidget(box)
            self.item_boxes.append(box)
        self._on_edit = on_edit
        self.undo_box, undo_layout = frame("note", name="undo-box")
        undo_row = QHBoxLayout()
        undo_row.setSpacing(m.gap)
        self.undo_text = label("", "large", name="undo-text")
        undo_row.addWidget(self.undo_text, 1)
        undo_row.addWidget(button(S.UNDO, "fa5s.undo", name="undo", on_click=self.undo))
        undo_layout.addLayout(undo_row)
        self.undo_box.hide()
        self.body.addWidget(self.undo_box)
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.timeout.connect(lambda: self.commit(None))
        if q.max_items is None or len(items) < q.max_items:
            self.body.addWidget(
                button(S.ADD_ITEM, "fa5s.plus", name="add", on_click=self._leaving(on_add))
            )
        self.suggestions = QVBoxLayout()
        self.suggestions.setSpacing(m.gap)
        self.body.addLayout(self.suggestions)
        self.body.addStretch(1)
        self.set_nav(
            back=self._leaving(on_back), home=self._leaving(on_home), next=self._leaving(on_next)
        )

    # ----- 删除 with 撤销 -------------------------------------------------------------------

    def remove(self, index: int) -> None:
        """Hide item ``index`` and offer 撤销 for ``UNDO_S`` seconds."""
        if index in self.pending:
            return
        self.pending.append(index)
        self.item_boxes[index].hide()
        self._say_removed()
        self.undo_box.show()
        self.undo_timer.start(round(self.UNDO_S * 1000))

    def _say_removed(self) -> None:
        """The 撤销 bar names every item still waiting, so no removal goes unseen
        (b15 #8: two 删除 in a row); each 撤销 brings back the last one removed."""
        names = [self.item_texts[i] for i in self.pending]
        if len(names) == 1:
            self.undo_text.setText(S.REMOVED_ITEM.format(item=names[0]))
        else:
            self.undo_text.setText(S.REMOVED_ITEMS.format(items="；".join(names)))

    def undo(self) -> None:
        """撤销: the last item removed comes back (nothing was removed in the store)."""
        if not self.pending:
            return
        index = self.pending.pop()
        self.item_boxes[index].show()
        if self.pending:
            self._say_removed()
            self.undo_timer.start(round(self.UNDO_S * 1000))
        else:
            self.undo_box.hide()
            self.undo_timer.stop()

    def hold_place(self, undo_text: str, scroll: int) -> None:
        """Shown again after 撤销 ran out: the 撤销 box's place stays, empty, and the
        scroll position too, so nothing moves by itself under a finger (添加 and 下一步
        stay where they were until the person goes to another page)."""
        self.undo_text.setText(undo_text)  # the same height as the box that was there
        keep = self.undo_box.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        self.undo_box.setSizePolicy(keep)
        bar = self.scroll_area.verticalScrollBar()
        QTimer.singleShot(0, self, lambda: bar.setValue(scroll))

    def commit(self, then: Callable[[], None] | None) -> None:
        """Remove the pending items in the store, then ``then`` (None: show the list again)."""
        self.undo_timer.stop()
        pending, self.pending = list(self.pending), []
        self._on_remove(pending, then)

    def _leaving(self, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if self.pending:
                self.commit(action)
            else:
                action()

        return run

    def _edit(self, index: int) -> None:
        # The index after the pending removals (an item above it may be going).
        shift = sum(1 for p in self.pending if p < index)
        self._leaving(lambda: self._on_edit(index - shift))()

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
                    on_click=self._leaving(add),
                )
            )

    def extra_spoken(self) -> list[str]:
        return self.item_texts or [S.REPEAT_EMPTY]
