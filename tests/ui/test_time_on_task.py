"""Time on task (issue 15 h): the 家人去世 life event through the real screens, the
applicant identified by card, three heirs (from the household register where it knows
them), counting the screens shown and the taps made. The figures are printed (run with
``-s``) and bounded, so a change that adds screens or taps shows up here.

Issue 15 measured 44 screens and ~146 taps before round two (by hand, 15–18 minutes);
this test counted 47 screens and 129 taps before registry facts (prefilled from the ID
card, the registry and the household register) moved from one page each to boxes on the
check page; that change reached 28 screens and 97 taps (a third below the issue's 146) on
bundle v2. Bundle v4 (issue 16: the life-event list, death proof, 医疗费 bills, the
beneficiary question and each heir's consent, 户口 certificate, 死亡证明 number, new 户主
and 身份证 handed in) measures 33 screens and 122 taps with every registry fact (the nine
在领… flags included) still in the check page's boxes; the bound is that figure, so a
change that adds screens or taps shows up here (docs/ui.md has the figures).

Bundle v5 (issue 15 point 8, the same answers) measures 28 screens and 97 taps, the
issue's third below 146 again: the new 户主 picked from the people already known (one
touch, not 18 digits), each heir's 同意 as a row on one page, the death proof saying
whether the certificate is electronic, the third heir's name from the register by her
number, and 是不是登记的领取人 asked only when 社保所 has a beneficiary on record.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import APPLICANT_ID
from pytestqt.qtbot import QtBot
from ui_driver import (
    agree,
    answer,
    answer_ticks,
    click,
    confirm_and_sign,
    example_value,
    settle,
    wedge_read,
)

from kiosk.forms.examples import example_path
from kiosk.forms.paths import parse_path
from kiosk.ui.main_window import MainWindow
from kiosk.ui.person_pick_widget import PersonPickBox
from kiosk.ui.qt import QAbstractButton, QApplication, QEvent, QObject, QPushButton

registry = pytest.importorskip("kiosk.services.registry")
BUNDLE_ID = "death_in_family"


class TapCounter(QObject):
    """Counts presses on buttons and the signature pad: what a finger does."""

    def __init__(self) -> None:
        super().__init__()
        self.taps = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and (
            isinstance(obj, QAbstractButton) or type(obj).__name__ == "SignatureWidget"
        ):
            self.taps += 1
        return False


def test_death_in_family_screens_and_taps(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    registry.load_demo_data(w.ctx)
    composed = w.ctx.catalogue.get(f"bundle.{BUNDLE_ID}")
    data: dict[str, Any] = json.loads(example_path(composed).read_text("utf-8"))
    counter = TapCounter()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(counter)
    screens = [0]
    w.stack.currentChanged.connect(lambda _i: screens.__setitem__(0, screens[0] + 1))
    typed: list[str] = []
    try:
        click(qtbot, w, "tile-life_events")
        wedge_read(qtbot, w, f"张秀英 {APPLICANT_ID}")  # the card on the reader: no tap
        click(qtbot, w, "confirm")
        # Five life events since issue 16: the list, then 家人去世's materials.
        assert w.page.page_name == "life-events"
        click(qtbot, w, f"offer-{BUNDLE_ID}")
        assert w.page.page_name == "materials"
        click(qtbot, w, "next")  # 开始填写
        agree(qtbot, w)  # the notice, then the sensitive items: two acts (issue 14)
        heirs_added = ticks = 0
        picked: list[str] = []
        for _ in range(120):
            if w.page.page_name == "check":
                break
            path = w.session.page
            assert path is not None, w.page.page_name
            if w.page.page_name == "repeat":
                settle(qtbot, w)
                want = len(data.get(path, []))
                suggested = [
                    b
                    for b in w.page.findChildren(QPushButton)
                    if b.objectName().startswith("suggest-")
                ]
                if heirs_added < want and suggested:
                    heirs_added += 1
                    click(qtbot, w, suggested[0].objectName())  # one touch from the register
                elif heirs_added < want:
                    heirs_added += 1
                    click(qtbot, w, "add")
                else:
                    click(qtbot, w, "next")
                continue
            if w.page.page_name == "ticks":  # each heir's 同意: a row each, one page
                ticks += 1
                answer_ticks(qtbot, w, lambda p: example_value(data, p))
                continue
            settle(qtbot, w)
            box = w.page.findChild(PersonPickBox)
            if box is not None:  # the new 户主: picked from the people already known
                ids = [p.id_number for p in box.people]
                picked.append(path)
                click(qtbot, w, f"pick-{ids.index(example_value(data, path))}")
                continue
            value = example_value(data, path)
            name = parse_path(path)[0]
            shown = w.session.draft.fill.value(path)
            if value == shown or (value is None and name != "applicant_signature"):
                answer(qtbot, w, None)  # already right (from the card or the register)
                continue
            q = w.session.draft.fill.question(path)
            if q.type == "text":
                typed.append(str(value))
            answer(qtbot, w, value)
        assert w.page.page_name == "check"
        # The register's facts: one box per section or heir, each with one 修改.
        boxes = [b.objectName() for b in w.page.findChildren(QPushButton)]
        groups = [n for n in boxes if n.startswith("edit-group-")]
        assert "edit-group-deceased_name" in groups and "edit-group-applicant_id" in groups
        # The two from the household; the third's name from the register by her number.
        assert sum("heirs[" in n for n in groups) == 3, groups
        # The picked 户主 is confirmed in the 户口 box, with where the number came from.
        assert "edit-group-hukou__deceased_was_head" in groups, groups
        taps, shown = counter.taps, screens[0]
        walk_fact_box(qtbot, w, "deceased_name")
        counter.taps, screens[0] = taps, shown  # the walk is a check, not part of the task
        confirm_and_sign(qtbot, w)
        assert w.page.page_name == "done"
        click(qtbot, w, "next")  # 完成
        click(qtbot, w, "next")  # 好差评: 跳过
        assert w.page.page_name == "home"
    finally:
        app.removeEventFilter(counter)
    print(
        f"\n家人去世: {screens[0]} screens, {counter.taps} taps, "
        f"{len(typed)} text answers ({sum(len(t) for t in typed)} characters)"
    )
    assert heirs_added == 3
    assert ticks == 1 and picked == ["hukou__new_head_id"], (ticks, picked)
    assert counter.taps <= 97 and screens[0] <= 28, (screens[0], counter.taps)


def walk_fact_box(qtbot: QtBot, w: MainWindow, first: str) -> None:
    """修改 on a box of facts shows each of its questions in turn, then the check page."""
    click(qtbot, w, f"edit-group-{first}")
    seen = []
    for _ in range(40):  # 去世的老人: 5 pages, then nine registry flags (bundle v4)
        if w.page.page_name == "check":
            break
        seen.append(w.session.page)
        click(qtbot, w, "next")
    assert w.page.page_name == "check"
    assert seen[0] == first and "deceased_village" in seen and "death_date" not in seen, seen
    # The register's yes/no flags are confirmed in this box, never asked one page each.
    assert {"drew_pension", "had_dibao", "had_employee_medical"} <= set(seen), seen
