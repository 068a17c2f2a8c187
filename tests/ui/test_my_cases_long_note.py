"""我的办件 with a desk's note that has no place to break (a pasted URL, a long Latin
name): the screen wraps it instead of scrolling sideways (issue 17, second round)."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot

from kiosk.services.views import CaseSummary
from kiosk.ui.look import apply_look
from kiosk.ui.my_cases_page import MyCasesPage, wrap_anywhere
from kiosk.ui.qt import QApplication, QLabel, QScrollArea

URL_NOTE = "需补材料：https://example.com/" + "a" * 180
NAME_NOTE = "请ABDULKHAMITJANOVICHABDURAKHMANOVWILLIAMSONSMITHJR带户口本来"


def summary(number: str, note: str) -> CaseSummary:
    return CaseSummary(
        id=f"id-{number}",
        number=number,
        form_id="pension_death_benefit",
        form_version=2,
        form_title="城乡居民基本养老保险死亡待遇申领",
        department="社保所",
        state="needs_materials",
        state_label="需补材料",
        volunteer_id=None,
        bundle_id=None,
        created_at=datetime(2026, 11, 20, 9, 0),
        finalized_at=datetime(2026, 11, 20, 9, 5),
        server_note=note,
    )


def test_a_long_unbroken_note_wraps_instead_of_scrolling_sideways(
    qtbot: QtBot, qapp: QApplication
) -> None:
    apply_look(qapp, 1.0)
    page = MyCasesPage(
        cases=[summary("261120-01-001", URL_NOTE), summary("261120-01-002", NAME_NOTE)],
        on_home=lambda: None,
        on_read=None,
        badge=None,
    )
    qtbot.addWidget(page)
    page.resize(1280, 1000)
    page.show()
    qtbot.waitExposed(page)
    qapp.processEvents()
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    assert scroll.horizontalScrollBar().maximum() == 0, "我的办件 scrolls sideways"
    notes = [w for w in page.findChildren(QLabel) if w.objectName() == "note"]
    assert len(notes) == 2
    for note in notes:
        assert note.width() <= scroll.viewport().width()
        # The words are all there: only zero-width break points were added.
        assert note.text().replace("\u200b", "") in (URL_NOTE, NAME_NOTE)


def test_wrap_anywhere_leaves_ordinary_words_alone() -> None:
    chinese = "需补材料：居民死亡医学证明（推断）书或火化证明、火化证明原件"
    assert wrap_anywhere(chinese) == chinese  # Qt breaks between Chinese characters
    assert wrap_anywhere("ok " + "x" * 20) == "ok " + "\u200b".join("x" * 20)
