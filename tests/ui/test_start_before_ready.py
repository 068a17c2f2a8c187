"""Home screen first (issue 19): the window shows the home screen from the settings alone;
办事 opens the identify page before the store is open, whose look-up says 请稍候 and runs
once the store is; a tap that needs the store at once (staff) waits on home; a kiosk that
cannot open says so in Chinese instead of freezing or crashing. The store's opening is held
back by the test: ``attach`` (or ``open_failed``) is what kiosk/ui/app.py's background
thread ends with."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import APPLICANT_ID, DECEASED_ID
from pytestqt.qtbot import QtBot
from ui_driver import click, errors, find, keypad, settle

from kiosk.config import ConfigError
from kiosk.services.context import KioskContext
from kiosk.ui import strings as S
from kiosk.ui.home_page import HomePage
from kiosk.ui.identify_page import IdentifyPage
from kiosk.ui.look import apply_look
from kiosk.ui.main_window import OPEN_FAILED, OPENING, MainWindow
from kiosk.ui.qt import QApplication, QLabel, Qt
from kiosk.ui.speech import Speaker


@pytest.fixture
def early(qtbot: QtBot, qapp: QApplication, ui_ctx: KioskContext) -> Iterator[MainWindow]:
    """A window made before the kiosk is open (as kiosk/ui/app.py makes it)."""
    apply_look(qapp, ui_ctx.settings.font_scale)
    win = MainWindow(settings=ui_ctx.settings, speaker=Speaker(backend="record"))
    win.tap_guard.ms = 0  # the driver taps at machine speed; test_tap_guard.py tests it
    qtbot.addWidget(win)
    win.resize(1280, 1000)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.runner.forget()
    win.runner.wait()
    qapp.removeEventFilter(win.idle)


def _typed(qtbot: QtBot, w: MainWindow, digits: str) -> None:
    """Keypad taps that start no look-up (fewer than 18 digits): settle after each."""
    keypad(qtbot, w, digits)


def _tap_key(qtbot: QtBot, w: MainWindow, ch: str) -> None:
    """One keypad tap without waiting for the operation thread (a look-up may be waiting
    for the store, so the runner stays busy)."""
    qtbot.mouseClick(find(w, f"key-{ch}"), Qt.MouseButton.LeftButton)


@pytest.fixture
def look_ups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The look-ups the registry really ran (presence.look_up counted, not replaced)."""
    from kiosk.services import presence

    ran: list[str] = []
    real = presence.look_up

    def counted(ctx: KioskContext, number: str) -> object:
        ran.append(number)
        return real(ctx, number)

    monkeypatch.setattr(presence, "look_up", counted)
    return ran


def test_a_form_tap_before_ready_shows_the_identify_page_at_once(
    qtbot: QtBot, early: MainWindow, ui_ctx: KioskContext, look_ups: list[str]
) -> None:
    """办事 before the store is open: the identify page at once (typing 18 digits takes a
    person seconds); the look-up says 请稍候 and waits for the store, then runs once; what
    was typed stays; 下一步 then goes on to the services."""
    assert isinstance(early.page, HomePage) and not early.ready
    with pytest.raises(RuntimeError):
        early.ctx  # noqa: B018 — the screens after identification need the opened kiosk
    click(qtbot, early, "tile-services")
    page = early.page
    assert isinstance(page, IdentifyPage) and not early.ready
    assert not page.status.isVisible()  # nothing to wait for yet
    _typed(qtbot, early, APPLICANT_ID[:17])
    _tap_key(qtbot, early, APPLICANT_ID[17])  # the 18th digit: the look-up is asked for
    assert page.status.isVisible() and page.status.text() == OPENING
    qtbot.mouseClick(find(early, "next"), Qt.MouseButton.LeftButton)  # 下一步 meanwhile
    qtbot.wait(200)
    assert early.page is page and look_ups == [] and not page.person.isVisible()
    assert page.line.text() == APPLICANT_ID  # nothing typed is lost
    early.attach(ui_ctx)  # the background thread opened the store
    qtbot.waitUntil(page.person.isVisible, timeout=15_000)
    settle(qtbot, early)
    assert look_ups == [APPLICANT_ID]  # once, for all the waiting
    assert early.page is page and not page.status.isVisible()
    assert page.line.text() == APPLICANT_ID and errors(early) == []
    click(qtbot, early, "next")
    assert early.page.page_name == "services"


def test_a_look_up_no_longer_wanted_is_not_made(
    qtbot: QtBot, early: MainWindow, ui_ctx: KioskContext, look_ups: list[str]
) -> None:
    """Waiting for the store, only the last number typed is looked up, and none once the
    person went back home: the registry is not asked about someone no longer there."""
    click(qtbot, early, "tile-services")
    page = early.page
    assert isinstance(page, IdentifyPage)
    other = DECEASED_ID
    _typed(qtbot, early, other[:17])
    _tap_key(qtbot, early, other[17])  # a first number, looked up when the store opens…
    for _ in range(18):
        _tap_key(qtbot, early, "delete")
    for ch in APPLICANT_ID:  # …retyped: only this one is
        _tap_key(qtbot, early, ch)
    assert page.line.text() == APPLICANT_ID and page.status.text() == OPENING
    early.attach(ui_ctx)
    qtbot.waitUntil(page.person.isVisible, timeout=15_000)
    settle(qtbot, early)
    assert look_ups == [APPLICANT_ID] and page.line.text() == APPLICANT_ID


def test_waiting_text_goes_when_the_number_is_no_longer_whole(
    qtbot: QtBot, early: MainWindow
) -> None:
    """请稍候 stands for the look-up of the number as typed: deleting a digit takes it
    away with the look-up (break19 #7), a whole number again brings it back."""
    click(qtbot, early, "tile-services")
    page = early.page
    assert isinstance(page, IdentifyPage)
    _typed(qtbot, early, APPLICANT_ID[:17])
    _tap_key(qtbot, early, APPLICANT_ID[17])
    assert page.status.text() == OPENING and page.status.isVisible()
    _tap_key(qtbot, early, "delete")
    assert not page.status.isVisible()
    _tap_key(qtbot, early, APPLICANT_ID[17])
    assert page.status.text() == OPENING and page.status.isVisible()


def test_going_home_while_waiting_drops_the_look_up(
    qtbot: QtBot, early: MainWindow, ui_ctx: KioskContext, look_ups: list[str]
) -> None:
    click(qtbot, early, "tile-services")
    _typed(qtbot, early, APPLICANT_ID[:17])
    _tap_key(qtbot, early, APPLICANT_ID[17])
    qtbot.mouseClick(find(early, "back"), Qt.MouseButton.LeftButton)  # 回首页
    assert isinstance(early.page, HomePage)
    early.attach(ui_ctx)
    settle(qtbot, early)
    assert look_ups == [] and isinstance(early.page, HomePage)


def test_a_staff_tap_before_ready_waits_then_runs(
    qtbot: QtBot, early: MainWindow, ui_ctx: KioskContext
) -> None:
    """The staff screens need the store at once: the tap says 请稍候 on home and runs once
    the kiosk is open."""
    click(qtbot, early, "staff")
    assert isinstance(early.page, HomePage)  # still home, not frozen: it says 请稍候
    assert early.page.status.isVisible() and early.page.status.text() == OPENING
    early.attach(ui_ctx)
    settle(qtbot, early)
    assert early.ready and early.page.page_name == "staff-pin"  # the waiting tap ran


def test_a_store_that_fails_to_open_stops_the_waiting_look_up(
    qtbot: QtBot, early: MainWindow, look_ups: list[str]
) -> None:
    click(qtbot, early, "tile-services")
    page = early.page
    assert isinstance(page, IdentifyPage)
    _typed(qtbot, early, APPLICANT_ID[:17])
    _tap_key(qtbot, early, APPLICANT_ID[17])
    assert page.status.text() == OPENING
    early.open_failed(ConfigError("settings.toml: idle_timeout_s: out of bounds"))
    settle(qtbot, early)
    assert early.page is page and errors(early) == [OPEN_FAILED]  # the failure box
    assert not page.status.isVisible() and look_ups == []
    assert page.line.text() == APPLICANT_ID  # nothing typed is lost
    _tap_key(qtbot, early, "delete")
    _tap_key(qtbot, early, APPLICANT_ID[17])  # another look-up: says so at once
    settle(qtbot, early)
    assert errors(early) == [OPEN_FAILED] and look_ups == []


def test_ready_without_a_tap_redraws_home(
    qtbot: QtBot, early: MainWindow, ui_ctx: KioskContext
) -> None:
    first = early.page
    early.attach(ui_ctx)
    settle(qtbot, early)
    assert isinstance(early.page, HomePage) and early.page is not first
    click(qtbot, early, "tile-my_cases")
    assert isinstance(early.page, IdentifyPage)


def test_a_kiosk_that_cannot_open_says_so(qtbot: QtBot, early: MainWindow) -> None:
    early.open_failed(ConfigError("settings.toml: idle_timeout_s: out of bounds"))
    assert OPEN_FAILED in early.page.errors.messages
    # A fault of the machine, not answers to change (b19 #10: it said 还有问题要改).
    heading = early.page.findChild(QLabel, "error-heading")
    assert heading is not None and heading.text() == S.FAULT_HEADING
    click(qtbot, early, "tile-services")
    assert isinstance(early.page, HomePage)
    assert OPEN_FAILED in early.page.errors.messages


def test_the_sync_indicator_waits_for_the_sync_worker(
    qtbot: QtBot, early: MainWindow, ui_ctx: KioskContext
) -> None:
    """Opened, the window reads no sync status (the sync service and its HTTP client are
    loaded after the first form can open, issue 19) until the sync worker was started."""
    early.attach(ui_ctx)
    settle(qtbot, early)
    early.sync.refresh()
    settle(qtbot, early)
    assert early.sync.status is None
    early.sync_started()
    qtbot.waitUntil(lambda: early.sync.status is not None, timeout=10_000)
    assert early.sync.status.pending == 0  # type: ignore[union-attr]


def test_the_identify_page_names_every_proof() -> None:
    """Its proof notes are keyed by the proofs' values, so that the page imports no
    service (issue 19): every proven kind must have its note."""
    from kiosk.services.identity_proof import PROVEN
    from kiosk.ui.identify_page import PROOF_NOTES

    assert set(PROOF_NOTES) == set(PROVEN)
    assert all(PROOF_NOTES[proof] for proof in PROVEN)  # StrEnum members find their note


def test_a_tap_while_opening_pauses_the_opening_thread(
    qtbot: QtBot, early: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The idle watcher hands every tap to ``foreground``: the opening thread's next
    import waits while the tap's page is built (kiosk/ui/foreground.py), then goes on."""
    import sys
    import threading

    from kiosk.ui import foreground

    monkeypatch.setattr(foreground, "QUIET_S", 60.0)  # however slow the machine
    monkeypatch.setattr(foreground, "MAX_WAIT_S", 0.05)

    first = early.foreground
    inside = threading.Event()
    go_on = threading.Event()
    done: list[float] = []

    def opening() -> None:
        with first.background():
            inside.set()
            go_on.wait(5)
            sys.modules.pop("colorsys", None)
            import colorsys  # noqa: F401 — a module not yet loaded: a checkpoint

            done.append(first.paused_s)

    thread = threading.Thread(target=opening)
    thread.start()
    assert inside.wait(5)
    click(qtbot, early, "tile-services")
    assert isinstance(early.page, IdentifyPage)
    go_on.set()
    thread.join(5)
    assert done and done[0] > 0, "the opening thread did not pause for the tap"


def test_home_shows_the_lunar_date_once_painted(qtbot: QtBot, early: MainWindow) -> None:
    """The lunar date (lunar_python, ~14 ms) is added after home's first paint; every
    home after that has it at once."""
    from kiosk.ui.home_page import lunar_text

    today = early.today()
    qtbot.waitUntil(lambda: lunar_text(today) in early.page.hint.text(), timeout=3000)
    early.show_home()
    assert lunar_text(today) in early.page.hint.text()
