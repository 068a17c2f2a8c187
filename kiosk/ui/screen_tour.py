"""Visit every screen of a window in turn, for the screenshot script (scripts/screens.py)
and the test that checks the elder-access numbers on each screen.

It fills a draft with the death-benefit example through the services directly (it is a
tour, not a person), then shows each page type. Yields a short name per screen.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from kiosk.domain.id_card_chip import IdCardData
from kiosk.domain.idcard import check_character, parse_id_number
from kiosk.forms.examples import example_path
from kiosk.services import cases, presence
from kiosk.services.printing import PrintProblem
from kiosk.ui import backend, sync_backend
from kiosk.ui import strings as S
from kiosk.ui.identify_page import IdentifyPage
from kiosk.ui.main_window import MainWindow
from kiosk.ui.qt import QApplication, QPushButton
from kiosk.ui.staff_page import StaffPage
from kiosk.ui.volunteer_page import LoginPage

FORM_ID = "pension_death_benefit"
BUNDLE_ID = "death_in_family"
BUNDLE_PAGES = [
    ("bundle-new-head", "hukou__new_head_id"),  # the new 户主 picked from known people
    ("bundle-heirs-agree", "pension__heirs[0].pension__heir_agrees"),  # each heir's 同意
]
QUESTION_PAGES = [
    ("question-id-number", "deceased_id"),
    ("question-text", "deceased_name"),
    ("question-prefilled-choice", "deceased_sex"),
    ("question-date", "death_date"),
    ("question-village", "deceased_village"),
    ("question-choice", "bank_name"),
    ("question-yes-no", "drew_pension"),
    ("question-relationship", "applicant_relationship"),
    ("question-phone", "applicant_phone"),
    ("question-repeat", "heirs"),
    ("question-repeat-item", "heirs[0].heir_name"),
    ("question-bank", "bank_account"),
    ("question-signature", "applicant_signature"),
]


def settle(w: MainWindow) -> None:
    """Let every pending operation finish and its result reach the screen."""
    for _ in range(200):
        w.runner.wait()
        QApplication.processEvents()
        if not w.runner.busy:
            QApplication.processEvents()
            return


def _example(form_id: str = FORM_ID) -> dict[str, Any]:
    form = backend.optional("kiosk.forms.catalogue")
    assert form is not None
    data: dict[str, Any] = json.loads(
        example_path(form.default_catalogue().get(form_id)).read_text("utf-8")
    )
    return data


def _fill_draft(
    w: MainWindow, case_id: str, answers: dict[str, Any], copied: tuple[str, ...] = ()
) -> None:
    """Answer ``answers`` on the draft; the lists named in ``copied`` get their items from
    another list (a bundle's shared heirs), so only their answers are given."""
    ctx = w.ctx
    for name, value in answers.items():
        if isinstance(value, list):
            for i, item in enumerate(value):
                if name not in copied:
                    cases.add_item(ctx, case_id, name)
                for key, v in item.items():
                    cases.answer(ctx, case_id, f"{name}[{i}].{key}", v)
        else:
            cases.answer(ctx, case_id, name, value)


def tour(w: MainWindow) -> Iterator[str]:
    data = _example()
    applicant = parse_id_number(data["applicant_id"], today=w.ctx.today())
    w.show_home()
    settle(w)
    yield "home"

    w.identify("services")
    page = w.page
    assert isinstance(page, IdentifyPage)
    page.line.setText(data["applicant_id"][:17] + "1")
    yield "identify-error"
    page.line.setText(data["applicant_id"])
    settle(w)
    yield "identify"  # typed: masked data only
    card = IdCardData(
        applicant.number,
        "张秀英",
        "female",
        "汉",
        applicant.birth_date,
        "重庆市大足区石马镇新店村4组12号",
        valid_until=date(2036, 5, 1),
        complete=True,
    )
    page.card_arrived(card)
    settle(w)
    yield "identify-card"  # the card read: the person in full
    w._identified("services", presence.read_card(w.ctx, card))
    settle(w)
    yield "services"
    offer = next(o for o in backend.service_offers(w.ctx) if o.key == FORM_ID)
    w.show_materials(offer, w.show_services)
    yield "materials"

    w.form.start(offer)
    settle(w)
    yield "notice"
    agree = w.page.findChild(QPushButton, "agree")
    assert agree is not None
    agree.click()  # the notice
    settle(w)
    if w.page.page_name == "notice-sensitive":
        yield "notice-sensitive"
        agree = w.page.findChild(QPushButton, "agree")
        assert agree is not None
        agree.click()  # the sensitive items, apart
        settle(w)
    assert w.session.draft is not None
    case_id = w.session.draft.case.id
    _fill_draft(w, case_id, data)
    w.session.draft = cases.load_draft(w.ctx, case_id)
    for name, path in QUESTION_PAGES:
        w.session.checked = name == "question-signature"  # signed after the check page
        w.form.go(path)
        settle(w)
        if name == "question-signature":
            w.page.editor.pad.draw_stroke(  # type: ignore[attr-defined]
                [(60, 200), (120, 80), (180, 220), (260, 90), (340, 180)]
            )
        yield name
    yield from _handwriting(w)
    w.form.go("deceased_id")
    w.say_errors(["身份证号码最后一位对不上，请再核对一遍。"])
    yield "question-error"

    w.form.show_check()
    yield "check"
    w.form.submit()
    settle(w)
    yield "done"
    w.form.ask_rating([])
    yield "rating"

    mine = cases.cases_for_person(w.ctx, data["applicant_id"])
    w._show_my_cases(mine)
    yield "my-cases"
    from kiosk.ui.case_open_page import open_case

    open_case(w, mine[0], w.go_home)
    yield "case-open"
    w.session.wipe_person()

    w.staff.show_volunteer()
    assert isinstance(w.page, LoginPage)
    yield "volunteer-login"
    from kiosk.services.volunteers import Volunteer

    w.session.volunteer = Volunteer("1001", "王志愿", "volunteer")
    w.staff.show_volunteer()
    settle(w)
    yield "volunteer"
    w.show_home()
    settle(w)
    yield "home-volunteer"
    w.form._show_duplicates(cases.list_cases(w.ctx, form_id=FORM_ID)[:1], lambda: None)
    yield "duplicate"

    w.staff.show_staff_pin()
    yield "staff-pin"
    w.session.staff = Volunteer("9001", "刘主任", "admin")
    w.staff.show_staff()
    settle(w)
    yield "staff"
    yield from _staff_sync_problems(w)

    w.show_life_events()
    settle(w)
    yield "life-events"
    yield from _bundle(w, card)

    w.idle._warn()
    yield "idle"
    w.idle.still_here()
    w.session.volunteer = None
    w.go_home()
    settle(w)


def _staff_sync_problems(w: MainWindow) -> Iterator[str]:
    """Staff mode with a case the server sent back, an error and a refused code (shown on
    screen only: the tour does not touch the outbox)."""
    details = sync_backend.details(w.ctx)
    if details is None:
        return
    row = sync_backend.QuarantineRow(
        "00000000-0000-0000-0000-000000000000",
        "261120-01-009",
        w.ctx.catalogue.get(FORM_ID).title,
        "422 rejected: form pension_death_benefit version 9 is unknown",
    )
    status = replace(details.status, quarantined=1, online=True, last_error="HTTP 401")
    shown = replace(details, status=status, quarantined=[row])
    queue = S.QUEUE_STATE.format(pending=status.pending, sent=0, quarantined=1)
    problem = PrintProblem(
        "00000000-0000-0000-0000-000000000001",
        "261120-01-008",
        FORM_ID,
        "没有打印出来。打印机没有响应，请检查打印机的电源和网线（或USB线）。处理好后再按“打印”。",
    )
    w.staff._staff_page([queue], [], shown, "", [problem])
    page = w.page
    if isinstance(page, StaffPage) and page.enroll_panel is not None:
        page.enroll_panel.show_result(S.ENROLL_BAD_CODE)
    yield "staff-sync"


def _handwriting(w: MainWindow) -> Iterator[str]:
    """A name question in 手写 with 十 written on the pad and its candidates offered."""
    from kiosk.ui.handwriting_widget import WritingPad

    w.form.go("deceased_name")
    settle(w)
    pad = w.page.findChild(WritingPad, "writing-pad")
    if pad is not None:
        side = pad.width()
        ten = [[(0.15, 0.45), (0.5, 0.44), (0.85, 0.43)], [(0.5, 0.12), (0.5, 0.5), (0.5, 0.9)]]
        for line in ten:
            pad.draw_stroke([(x * side, y * side) for x, y in line])
        settle(w)
    yield "handwriting"


def _bundle(w: MainWindow, card: IdCardData) -> Iterator[str]:
    """The 家人去世 life event: its two pages of their own (the new 户主 picked from the
    people the case knows; every heir's 同意 as rows), its done page with 全部打印, the
    print preview of the whole bundle, and the reason page of a low rating."""
    from kiosk.ui.print_preview_dialog import PrintPreviewDialog

    offer = next((o for o in backend.bundle_offers(w.ctx) if o.key == BUNDLE_ID), None)
    if offer is None:
        return
    w._identified("services", presence.read_card(w.ctx, card))
    settle(w)
    w.form.start(offer)
    settle(w)
    while w.page.page_name.startswith("notice"):
        agree = w.page.findChild(QPushButton, "agree")
        assert agree is not None
        agree.click()
        settle(w)
    assert w.session.draft is not None
    case_id = w.session.draft.case.id
    data = _example(f"bundle.{BUNDLE_ID}")
    # Another deceased than the single form's earlier in the tour: no duplicate claim.
    first17 = data["deceased_id"][:14] + "015"
    data["deceased_id"] = first17 + check_character(first17)
    _fill_draft(w, case_id, data, copied=("pension__heirs",))
    w.session.draft = cases.load_draft(w.ctx, case_id)
    for name, path in BUNDLE_PAGES:
        w.session.checked = False
        w.form.go(path)
        settle(w)
        yield name
    w.session.checked = True
    w.form.show_check()
    settle(w)
    w.form.submit()
    settle(w)
    assert w.page.page_name == "done", (w.page.page_name, w.page.errors.messages)
    yield "done-bundle"
    print_all = w.page.findChild(QPushButton, "print-all")
    assert print_all is not None
    print_all.click()
    settle(w)
    dialog = next((d for d in w.findChildren(PrintPreviewDialog) if d.isVisible()), None)
    assert dialog is not None
    yield "print-preview"
    dialog.reject()
    w.form.ask_rating([c.id for c in w.session.done])
    low = w.page.findChild(QPushButton, "rate-dissatisfied")
    assert low is not None
    low.click()
    settle(w)
    yield "rating-reason"
    w.session.wipe_person()
    w.go_home()
    settle(w)
