"""Drive the real widgets the way a person does: click buttons by their object name, type
on the keypad, step dates; wait for the service calls running off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pytestqt.qtbot import QtBot

from kiosk.forms.paths import parse_path
from kiosk.ui.answer_widgets import (
    DateEditor,
    GroupEditor,
    KeypadEditor,
    Stepper,
    VillageEditor,
)
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import (
    QApplication,
    QEvent,
    QInputMethodEvent,
    QKeyEvent,
    QLineEdit,
    QPushButton,
    Qt,
)


def settle(qtbot: QtBot, w: MainWindow) -> None:
    qtbot.waitUntil(lambda: not w.runner.busy, timeout=15_000)
    QApplication.processEvents()


def find(w: MainWindow, name: str) -> QPushButton:
    root = w.idle.overlay if w.idle.overlay.isVisible() else w.page
    found = [b for b in root.findChildren(QPushButton, name) if b.isVisible()]
    assert found, f"no visible button {name!r} on {w.page.page_name}"
    return found[0]


def click(qtbot: QtBot, w: MainWindow, name: str) -> None:
    qtbot.mouseClick(find(w, name), Qt.MouseButton.LeftButton)
    settle(qtbot, w)


def agree(qtbot: QtBot, w: MainWindow) -> list[str]:
    """Agree on the notice, then, when shown, to the sensitive items (two separate acts);
    returns the page names agreed on."""
    seen = []
    while w.page.page_name in ("notice", "notice-sensitive"):
        seen.append(w.page.page_name)
        click(qtbot, w, "agree")
    return seen


def keypad(qtbot: QtBot, w: MainWindow, text: str) -> None:
    for ch in text:
        click(qtbot, w, f"key-{ch}")


def clear_line(qtbot: QtBot, w: MainWindow, line: QLineEdit) -> None:
    for _ in range(len(line.text())):
        click(qtbot, w, "key-delete")


def step_to(qtbot: QtBot, w: MainWindow, stepper: Stepper, name: str, target: int) -> None:
    if stepper.value() is None:  # an empty stepper: the first tap shows its anchor
        qtbot.mouseClick(find(w, f"{name}+1"), Qt.MouseButton.LeftButton)
    while stepper.value() != target:
        diff = target - stepper.value()
        tens = [b for b in w.page.findChildren(QPushButton, f"{name}+10") if b.isVisible()]
        step = 10 if abs(diff) >= 10 and tens else 1
        button = f"{name}{(step if diff > 0 else -step):+d}"
        qtbot.mouseClick(find(w, button), Qt.MouseButton.LeftButton)


def type_chinese(line: QLineEdit, text: str) -> None:
    """Chinese arrives from an input method (pinyin keyboard) as a committed string."""
    line.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(line, event)


def errors(w: MainWindow) -> list[str]:
    return list(w.page.errors.messages) if w.page.errors.isVisible() else []


def answer(qtbot: QtBot, w: MainWindow, value: Any) -> None:
    """Put ``value`` into the current question's editor the way a person would, then 下一步.
    ``None`` keeps what is shown (a prefilled answer being confirmed)."""
    page = w.page
    editor = getattr(page, "editor", None)
    q = w.session.draft.fill.question(w.session.page) if w.session.draft else None
    if value is not None and editor is not None and q is not None:
        if isinstance(editor, KeypadEditor):
            editor.line.setFocus()
            clear_line(qtbot, w, editor.line)
            keypad(qtbot, w, str(value))
        elif isinstance(editor, DateEditor):
            d = date.fromisoformat(value)
            step_to(qtbot, w, editor.year, "year", d.year)
            step_to(qtbot, w, editor.month, "month", d.month)
            step_to(qtbot, w, editor.day, "day", d.day)
        elif isinstance(editor, VillageEditor):
            village, _, group = value.partition("-")
            click(qtbot, w, f"choice-{village}")
            if editor.with_group:  # 组 is the next page of its own
                click(qtbot, w, "next")
                step_to(qtbot, w, w.page.editor.group, "group", int(group))  # type: ignore[attr-defined]
        elif q.type == "yes_no":
            click(qtbot, w, "choice-yes" if value else "choice-no")
        elif q.type in ("select_one", "relationship"):
            click(qtbot, w, f"choice-{value}")
        elif q.type == "select_multiple":
            for v in value:
                click(qtbot, w, f"choice-{v}")
        elif q.type == "signature":
            pad = editor.pad  # type: ignore[attr-defined]
            qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=pad.rect().center())
            qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=pad.rect().center())
        elif q.type == "text":
            line = editor.line  # type: ignore[attr-defined]
            line.clear()
            type_chinese(line, str(value))
    click(qtbot, w, "next")
    if value is None and isinstance(getattr(w.page, "editor", None), GroupEditor):
        click(qtbot, w, "next")  # a village confirmed as it is: its 组 too


def example_value(data: dict[str, Any], path: str) -> Any:
    """An example's answer at ``path`` (``family_heirs[1].heir_id``)."""
    name, inst = parse_path(path)
    source: Any = data
    for repeat, index in inst:
        source = source[repeat][index]
    return source.get(name)


def answer_ticks(qtbot: QtBot, w: MainWindow, value_of: Callable[[str], Any]) -> None:
    """On a page asking one yes/no of every item (each heir's 同意, kiosk.ui.item_ticks_page):
    each row's 是 or 否 as ``value_of(its path)``, then 下一步."""
    assert w.page.page_name == "ticks", w.page.page_name
    for i, path in enumerate(w.page.editors):  # type: ignore[attr-defined]
        click(qtbot, w, f"tick-{i}-{'yes' if value_of(path) else 'no'}")
    click(qtbot, w, "next")


def confirm_and_sign(qtbot: QtBot, w: MainWindow) -> None:
    """On the check page: 确认无误, then the declaration and the signature (GOV.UK order:
    check answers first), then 确认提交."""
    assert w.page.page_name == "check"
    click(qtbot, w, "next")  # 确认无误
    for _ in range(5):
        if w.page.page_name != "question":
            return
        answer(qtbot, w, "sign" if w.page.editor.__class__.__name__ == "SignatureEditor" else None)
    raise AssertionError("the declaration and signature never ended")


def wedge_read(qtbot: QtBot, w: MainWindow, text: str) -> None:
    """A card reader that types like a keyboard: all keys at once, then Enter."""
    line = w.page.findChild(QLineEdit, "id-number")
    line.setFocus()
    for ch in text:  # key events with their text, as a HID keyboard sends them
        key = Qt.Key(ord(ch.upper())) if ch.isascii() and ch.isalnum() else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(line, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))
    qtbot.keyClick(line, Qt.Key.Key_Return)
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.page.person.isVisible(), timeout=5000)


def typed_by_hand(qtbot: QtBot, w: MainWindow, text: str) -> None:
    """A person at the keyboard: 150 ms between keys (a reader takes a few ms)."""
    line = w.page.findChild(QLineEdit, "id-number")
    line.setFocus()
    qtbot.keyClicks(line, text, delay=150)
    settle(qtbot, w)


STAFF_ID, STAFF_PIN = "9001", "582046"


def staff_login(qtbot: QtBot, w: MainWindow, number: str = STAFF_ID, pin: str = STAFF_PIN) -> None:
    """工作人员 → number and PIN on the keypad → 登录 (the account must exist)."""
    if w.page.page_name != "staff-pin":
        click(qtbot, w, "staff")
    for name, text in (("number", number), ("pin", pin)):
        line = w.page.findChild(QLineEdit, name)
        qtbot.mouseClick(line, Qt.MouseButton.LeftButton)
        clear_line(qtbot, w, line)
        keypad(qtbot, w, text)
    click(qtbot, w, "next")


def add_staff(w: MainWindow, role: str = "admin") -> None:
    from kiosk.services.accounts import add_account

    add_account(w.ctx, STAFF_ID, "刘主任", STAFF_PIN, role=role, actor="test")
