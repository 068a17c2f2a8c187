"""The 家人去世 life event through the real screens: one intake, then one finalized case
per form that applies, each with its number on the done page."""

from __future__ import annotations

import json

import pytest
from helpers import APPLICANT_ID
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import fill_all, identify
from ui_driver import answer, click, confirm_and_sign, errors, find, settle

from kiosk.forms.examples import example_path
from kiosk.services import cases
from kiosk.services.cases import list_cases
from kiosk.ui.main_window import MainWindow
from kiosk.ui.print_preview_dialog import PrintPreviewDialog
from kiosk.ui.qt import QLabel, QPushButton

bundles = pytest.importorskip("kiosk.services.bundles")
BUNDLE_ID = "death_in_family"


def test_death_in_family_bundle(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    composed = w.ctx.catalogue.get(f"bundle.{BUNDLE_ID}")
    data = json.loads(example_path(composed).read_text("utf-8"))

    click(qtbot, w, "tile-life_events")
    identify(qtbot, w, APPLICANT_ID)
    # With one life event its materials show at once; with several, 家人去世 is picked.
    if w.page.page_name == "life-events":
        click(qtbot, w, f"offer-{BUNDLE_ID}")
    assert w.page.page_name == "materials"
    click(qtbot, w, "next")
    assert w.page.page_name == "notice"
    # The life event's forms ask a bank account: consented to separately, with why, as a
    # second act after the notice's 我同意 (its own page and button).
    assert w.page.findChild(QLabel, "sensitive-金融账户") is None
    assert w.page.next_button.text().replace("\n", "") == "我同意"
    click(qtbot, w, "agree")
    assert w.page.page_name == "notice-sensitive"
    assert w.page.findChild(QLabel, "sensitive-金融账户") is not None
    assert "同意提供敏感信息" in w.page.next_button.text().replace("\n", "")
    click(qtbot, w, "agree")
    assert w.page.page_name == "question"
    trail = [a.action for a in cases.show_case(w.ctx, w.session.draft.case.id).audit]
    assert "consent" in trail and "consent_sensitive" in trail
    fill_all(qtbot, w, data)
    assert w.page.page_name == "check"
    settle(qtbot, w)
    assert any("城乡居民基本养老保险死亡待遇申领" in line for line in w.page.plan), w.page.plan

    confirm_and_sign(qtbot, w)  # 确认无误, declaration, signature, 确认提交
    assert w.page.page_name == "done", errors(w)
    numbers = [lbl.text() for lbl in w.page.findChildren(QLabel, "case-number")]
    finalized = list_cases(w.ctx, states=["finalized"])
    assert len(finalized) >= 2 and len(numbers) == len(finalized)
    assert {c.number for c in finalized} == {n.split("：")[1] for n in numbers}
    assert "pension_death_benefit" in {c.form_id for c in finalized}
    assert list_cases(w.ctx, states=["draft"]) == []  # the intake draft is gone

    # One 打印 for the whole life event: one preview holding the cover and every form.
    prints = [b.objectName() for b in w.page.findChildren(QPushButton) if b.isVisible()]
    assert [n for n in prints if n.startswith("print")] == ["print-all"], prints
    assert f"共 {len(finalized)} 份" in find(w, "print-all").text()
    click(qtbot, w, "print-all")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in w.findChildren(PrintPreviewDialog)))
    [dialog] = [d for d in w.findChildren(PrintPreviewDialog) if d.isVisible()]
    assert dialog.document.pageCount() > len(finalized)  # a cover page, then each form
    dialog.reject()


def test_bundle_progress_total_does_not_change_with_answers(
    qtbot: QtBot, window: MainWindow
) -> None:
    """brk15 finding 8: 在领养老金：是 brings in the pension section; the total stays."""
    w = window
    composed = w.ctx.catalogue.get(f"bundle.{BUNDLE_ID}")
    data = json.loads(example_path(composed).read_text("utf-8"))
    click(qtbot, w, "tile-life_events")
    identify(qtbot, w, APPLICANT_ID)
    click(qtbot, w, f"offer-{BUNDLE_ID}")
    click(qtbot, w, "next")
    while w.page.page_name.startswith("notice"):
        click(qtbot, w, "agree")
    totals = set()
    steps = set()
    for _ in range(60):
        if w.page.page_name == "check":
            break
        section = w.page.section_label.text()
        totals.add(section.rpartition("共")[2])
        steps.add(section.partition("步")[0])
        path = w.session.page
        if path == "drew_pension":
            click(qtbot, w, "choice-yes")
            click(qtbot, w, "next")
            continue
        answer(qtbot, w, data.get(path.rpartition(".")[2]))
    assert w.page.page_name == "check", (w.page.page_name, errors(w))
    assert len(totals) == 1, totals  # one total all along, 是 or 否
    assert any("第 2 " in step for step in steps), steps
