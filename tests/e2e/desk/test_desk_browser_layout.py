"""Long unbroken text in the console at 1366×768 (issue 17, second round): a Latin name
as long as a name may be (30 letters, issue 15) and a 200-character URL wrap inside their
boxes; nothing scrolls sideways; case numbers stay on one line; buttons keep their size.
The kiosk's 我的办件 wraps the same note. Debian's Chromium through Playwright against a
real ``kiosk-server run``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_helpers import add_staff, fits_1366, log_in, log_out, shot
from server_process import ServerProcess

from kiosk.forms.values import MAX_NAME
from kiosk.services.context import KioskContext

# The longest name the forms accept, one unbroken word (48 letters before issue 15).
LATIN_NAME = "ABDURAKHMANJANOVICHKHAMITOVWILLIAMSONSMITHJOHNSON"[:MAX_NAME]
URL = "https://example.com/" + "a" * 180


def one_line(page: Any, selector: str) -> bool:
    """Whether the element's text is laid out on a single line."""
    script = """sel => {
        const el = document.querySelector(sel);
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        return tops.size === 1;
    }"""
    return bool(page.evaluate(script, selector))


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return dict(found)


@pytest.mark.parametrize("town_server", ["sqlite"], indirect=True)
def test_long_unbroken_text_wraps_and_nothing_scrolls_sideways(
    town_server: ServerProcess, kiosk: KioskContext, page: Any, qtbot: Any, tmp_path: Path
) -> None:
    from helpers import APPLICANT_ID, FORM_ID, ROUTED_VERSION, example

    from kiosk.services.cases import cases_for_person, fill_case
    from kiosk.services.sync import sync_once
    from kiosk.ui.my_cases_page import MyCasesPage
    from kiosk.ui.qt import QScrollArea

    assert len(LATIN_NAME) == MAX_NAME == 30
    answers = {**example(ROUTED_VERSION), "deceased_name": LATIN_NAME}
    case_id = fill_case(
        kiosk, FORM_ID, answers, form_version=ROUTED_VERSION, volunteer_id="V001"
    ).id
    assert sync_once(kiosk).sent == 1
    add_staff(town_server, "xindian", "新店村")
    add_staff(town_server, "boss", "民政办", "admin")

    log_in(page, town_server, "xindian")
    page.goto(f"{town_server.url}/desk/cases/{case_id}")
    page.click("#needs-box summary")
    page.fill("#needs-box textarea[name=text]", URL)
    page.click("#needs")
    page.click("#note-box summary")
    page.fill("#note-box textarea[name=text]", "X" * 200)
    page.click("#note")
    assert "备注已保存" in page.inner_text("#flash")

    shot(page, "case-long", tmp_path)  # checks the page fits 1366 px too
    fits_1366(page)
    assert one_line(page, "#case-number")
    assert box(page, "#print")["height"] < 60  # not squeezed into a column of characters
    assert box(page, "#accept")["width"] >= 60 and box(page, "#done")["width"] >= 200
    answers_box, work_box = box(page, "#answers"), box(page, "#step-panel")
    assert answers_box["x"] + answers_box["width"] <= work_box["x"]  # the columns hold
    value = page.locator(".answers .value", has_text=LATIN_NAME[:20]).first.bounding_box()
    assert value is not None
    assert value["x"] + value["width"] <= answers_box["x"] + answers_box["width"]

    page.goto(f"{town_server.url}/desk/queue")
    fits_1366(page)
    assert one_line(page, "#queue td.num a")
    log_out(page)

    log_in(page, town_server, "boss")
    for path in ("/desk/overview", f"/desk/cases/{case_id}", "/desk/queue?desk=新店村"):
        page.goto(f"{town_server.url}{path}")
        fits_1366(page)

    # The kiosk pulls the note; its 我的办件 wraps it too (no sideways scrolling).
    assert sync_once(kiosk).error is None
    screen = MyCasesPage(
        cases=cases_for_person(kiosk, APPLICANT_ID), on_home=lambda: None, on_read=None, badge=None
    )
    qtbot.addWidget(screen)
    screen.resize(1280, 1000)
    screen.show()
    qtbot.waitExposed(screen)
    scroll = screen.findChild(QScrollArea)
    assert scroll is not None and scroll.horizontalScrollBar().maximum() == 0
