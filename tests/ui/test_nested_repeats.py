"""A repeat inside a repeat through the real screens (issue 10, point 4): each household
member's incomes are added on their own list page, the check page titles them by item,
the frozen case holds them nested, and they survive the print's data QR codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import APPLICANT_ID, fixed_clock
from pytestqt.qtbot import QtBot
from test_death_benefit_flow import identify
from ui_driver import agree, answer, click, confirm_and_sign, errors, settle

from kiosk.forms.catalogue import DEFINITIONS_DIR, load_catalogue
from kiosk.services.cases import list_cases, show_case
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.ui.look import apply_look
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QApplication, QLabel
from kiosk.ui.speech import Speaker

NESTED = Path(__file__).resolve().parents[1] / "forms" / "nested"
HOUSEHOLD = {
    "members": [
        {"member_name": "张大", "incomes": [("wages", "1200"), ("farming", "300.50")]},
        {"member_name": "张二", "incomes": []},
        {"member_name": "张三", "incomes": [("pension", "2400")]},
    ]
}


@pytest.fixture
def nested_window(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> Iterator[MainWindow]:
    catalogue, issues = load_catalogue([DEFINITIONS_DIR, NESTED])
    assert not issues
    ctx: KioskContext = open_kiosk(tmp_path / "home", catalogue=catalogue, clock=fixed_clock)
    apply_look(qapp, ctx.settings.font_scale)
    win = MainWindow(ctx, speaker=Speaker(backend="record"))
    win.tap_guard.ms = 0  # the driver taps at machine speed; test_tap_guard.py tests it
    qtbot.addWidget(win)
    win.resize(1280, 1000)
    win.show()
    qtbot.waitExposed(win)
    settle(qtbot, win)
    yield win
    win.runner.forget()
    win.runner.wait()
    qapp.removeEventFilter(win.idle)
    ctx.close()


def _wanted(path: str) -> object:
    """What the person gives on the page at ``path`` (from HOUSEHOLD)."""
    parts = path.replace("]", "").split(".")
    if path == "pid":
        return APPLICANT_ID
    member = HOUSEHOLD["members"][int(parts[0].split("[")[1])]
    if parts[-1] == "member_name":
        return member["member_name"]
    source, amount = member["incomes"][int(parts[1].split("[")[1])]  # type: ignore[index]
    return source if parts[-1] == "source" else amount


def test_a_household_with_each_members_incomes(qtbot: QtBot, nested_window: MainWindow) -> None:
    w = nested_window
    click(qtbot, w, "tile-services")
    identify(qtbot, w, APPLICANT_ID)
    click(qtbot, w, "offer-t10_household")
    click(qtbot, w, "next")  # 开始填写
    assert w.page.page_name == "notice"
    agree(qtbot, w)
    added: dict[str, int] = {}
    seen_lists: list[str] = []
    for _ in range(60):
        if w.page.page_name == "check":
            break
        path = w.session.page
        assert path is not None
        if w.page.page_name == "repeat":
            seen_lists.append(path)
            if path == "members":
                want = len(HOUSEHOLD["members"])
            else:
                index = int(path.split("[")[1].split("]")[0])
                want = len(HOUSEHOLD["members"][index]["incomes"])  # type: ignore[arg-type]
            if added.get(path, 0) < want:
                added[path] = added.get(path, 0) + 1
                click(qtbot, w, "add")
            else:
                click(qtbot, w, "next")
            continue
        answer(qtbot, w, _wanted(path))
    assert w.page.page_name == "check"
    assert "members[0].incomes" in seen_lists and "members[2].incomes" in seen_lists
    shown = [lbl.text() for lbl in w.page.findChildren(QLabel)]
    assert any("第1位家人 · 第2项收入" in t for t in shown), shown
    confirm_and_sign(qtbot, w)  # 确认无误, declaration, signature, 确认提交
    assert w.page.page_name == "done", errors(w)
    [case] = list_cases(w.ctx, states=["finalized"])
    frozen = show_case(w.ctx, case.id).answers
    assert frozen["household_total"] == "3900.50"
    assert [m["member_total"] for m in frozen["members"]] == ["1500.50", "0.00", "2400.00"]
    assert frozen["members"][0]["incomes"][1] == {"source": "farming", "amount": "300.50"}
    assert "incomes" not in frozen["members"][1]
    # The same answers through `kiosk fill`'s path freeze the same case and hash.
    from kiosk.services.cases import fill_case

    again = fill_case(w.ctx, "t10_household", frozen)
    assert show_case(w.ctx, again.id).content_hash == show_case(w.ctx, case.id).content_hash

    from kiosk.printing.qr_codec import decode_data_codes
    from kiosk.services.printing import case_sheet, render_case_pdf

    sheet = case_sheet(w.ctx, case.id)
    packet = decode_data_codes(sheet.data_payloads, w.ctx.catalogue)
    assert packet.answers == frozen and packet.hash_matches()
    pdf = render_case_pdf(w.ctx, case.id)
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "张大" in text and "300.50" in text
