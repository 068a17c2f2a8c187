"""Fewer taps for the same answers (issue 15 point 8, 家人去世 v5), through the real widgets:
the new 户主 picked with one touch from the people the case already holds (its number
copied with its source, checked, frozen and printed as picked), and each heir's 同意 as a
row on one page (one explicit answer each, none preselected)."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from typing import Any

import pytest
from helpers import APPLICANT_ID, catalogue
from pytestqt.qtbot import QtBot
from ui_driver import (
    agree,
    answer,
    answer_ticks,
    click,
    confirm_and_sign,
    errors,
    example_value,
    settle,
    wedge_read,
)

from kiosk.forms.engine import FormFill
from kiosk.forms.examples import example_answers, example_path
from kiosk.services.cases import list_cases, show_case
from kiosk.ui import flow
from kiosk.ui.known_people import KnownPerson, known_people, pick_person
from kiosk.ui.main_window import MainWindow
from kiosk.ui.person_pick_widget import PersonPickBox
from kiosk.ui.qt import QPushButton

registry = pytest.importorskip("kiosk.services.registry")
BUNDLE_ID = "death_in_family"
DECEASED = "500225194103080133"  # 张德明 (demo registry), the 户主
LI_GUILAN = "500225194512110049"  # his wife, same household
ZHANG_JIANGUO = "500111197205190317"  # his son, same household
ZHANG_XIULAN = "500111197512010427"  # his daughter, her own household: a listed heir
HEAD = "hukou__new_head_id"
AGREES = [f"pension__heirs[{i}].pension__heir_agrees" for i in range(3)]


def start(qtbot: QtBot, w: MainWindow) -> dict[str, Any]:
    """The applicant by card (so the register may be shown), 家人去世, notice agreed."""
    registry.load_demo_data(w.ctx)
    composed = w.ctx.catalogue.get(f"bundle.{BUNDLE_ID}")
    data: dict[str, Any] = json.loads(example_path(composed).read_text("utf-8"))
    click(qtbot, w, "tile-life_events")
    wedge_read(qtbot, w, f"张秀英 {APPLICANT_ID}")
    click(qtbot, w, "confirm")
    if w.page.page_name == "life-events":
        click(qtbot, w, f"offer-{BUNDLE_ID}")
    click(qtbot, w, "next")  # materials: 开始填写
    agree(qtbot, w)
    return data


def walk_until(qtbot: QtBot, w: MainWindow, data: dict[str, Any], stop: str) -> None:
    """Answer as the example does (heirs typed) until the page ``stop`` or the ticks page
    (``stop == "ticks"``) shows."""
    added = 0
    for _ in range(80):
        name, path = w.page.page_name, w.session.page
        if name == stop or path == stop:
            settle(qtbot, w)
            return
        assert name != "check", f"never reached {stop}"
        if name == "ticks":
            answer_ticks(qtbot, w, lambda p: example_value(data, p))
        elif name == "repeat":
            added += 1
            click(qtbot, w, "add" if added <= len(data["family_heirs"]) else "next")
        else:
            value = example_value(data, path)
            shown = w.session.draft.fill.value(path)
            answer(qtbot, w, None if value == shown else value)
        assert errors(w) == [], (path, errors(w))
    raise AssertionError(f"never reached {stop}")


def test_the_new_head_is_picked_from_the_people_known(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    data = start(qtbot, w)
    walk_until(qtbot, w, data, HEAD)
    box = w.page.findChild(PersonPickBox)
    assert box is not None
    # The household from the register (the deceased left out), then the listed heir.
    assert [p.id_number for p in box.people] == [LI_GUILAN, ZHANG_JIANGUO, ZHANG_XIULAN]
    assert "李桂兰" in box.texts[0] and "张秀兰" in box.texts[2]
    assert box.people[2].source == "本次填写的其他继承人"
    household_source = box.people[0].source
    assert household_source and household_source != box.people[2].source
    # Nothing chosen for the person: the number is empty until a name or keys are touched.
    assert w.page.editor.value() is None  # type: ignore[attr-defined]
    assert w.session.draft.fill.value(HEAD) is None
    assert any(box.spoken()[0] in t for t in [w.page.spoken_text()])

    # What the form refuses is refused when picked too (checked like a typed number).
    case_id = w.session.draft.case.id
    refused = pick_person(w.ctx, case_id, HEAD, KnownPerson("x", DECEASED, "户籍登记"), "resident")
    assert not refused.ok and refused.draft.fill.value(HEAD) is None

    click(qtbot, w, "pick-0")  # one touch: 李桂兰
    assert w.session.page == "hukou__id_card_available", errors(w)
    fill = w.session.draft.fill
    assert fill.value(HEAD) == LI_GUILAN and fill.prefill_label(HEAD) == household_source
    assert fill.value("hukou__new_head_name") == "李桂兰"

    walk_until(qtbot, w, data, "check")
    groups = [
        b.objectName()
        for b in w.page.findChildren(QPushButton)
        if b.objectName().startswith("edit-group-")
    ]
    assert "edit-group-hukou__deceased_was_head" in groups, groups  # confirmed in its box
    confirm_and_sign(qtbot, w)
    assert w.page.page_name == "done", errors(w)

    # Frozen as picked: the number, the name from the register and where the number came from.
    [hukou] = [
        c for c in list_cases(w.ctx, states=["finalized"]) if c.form_id == "hukou_cancellation"
    ]
    case = show_case(w.ctx, hukou.number)
    assert case.answers["new_head_id"] == LI_GUILAN
    assert case.answers["new_head_name"] == "李桂兰"
    [row] = [r for r in case.rows if r.path == "new_head_id"]
    assert row.source == household_source
    from kiosk.services.printing import render_case_pdf

    pdf = render_case_pdf(w.ctx, hukou.id)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert LI_GUILAN in text.replace(" ", "") and "李桂兰" in text


def test_each_heir_agrees_on_one_page(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    data = start(qtbot, w)
    walk_until(qtbot, w, data, "ticks")
    page = w.page
    assert list(page.editors) == AGREES  # type: ignore[attr-defined]
    assert [p.split("：")[1] for p in page.people] == ["李桂兰", "张建国", "张秀兰"]  # type: ignore[attr-defined]
    assert not any(
        b.isChecked() for b in page.findChildren(QPushButton) if b.objectName().startswith("tick-")
    )  # none preselected

    click(qtbot, w, "next")  # nobody answered: each is asked for, by name
    assert w.page is page and len(errors(w)) == 3
    assert all("还没有回答" in e for e in errors(w)) and "张建国" in errors(w)[1]

    click(qtbot, w, "tick-0-yes")
    click(qtbot, w, "tick-1-no")  # 张建国 does not agree: the form's own rule says why
    click(qtbot, w, "tick-2-yes")
    click(qtbot, w, "next")
    assert w.page is page
    assert any("张建国" in e and "都同意" in e for e in errors(w)), errors(w)

    click(qtbot, w, "tick-1-yes")
    click(qtbot, w, "next")
    assert w.session.page == "hukou__death_certificate_number", errors(w)
    fill = w.session.draft.fill
    assert [fill.value(p) for p in AGREES] == [True, True, True]  # one answer per heir

    click(qtbot, w, "back")  # 上一步: the same page, each row as answered
    assert w.page.page_name == "ticks"
    assert [e.value() for e in w.page.editors.values()] == [True, True, True]  # type: ignore[attr-defined]

    # 修改 on one heir's row of the check page: the same page, then the check page again.
    walk_until(qtbot, w, data, "check")
    click(qtbot, w, f"edit-{AGREES[1]}")
    assert w.page.page_name == "ticks"
    click(qtbot, w, "next")
    assert w.page.page_name == "check", errors(w)


# ----- the rules behind the two widgets, without a screen -------------------------------------


def example_fill(heirs: int) -> FormFill:
    """The composed 家人去世 v5 on its example's answers, with the first ``heirs`` heirs."""
    form = catalogue().get(f"bundle.{BUNDLE_ID}", 5)
    data = example_answers(form)
    data["family_heirs"] = data["family_heirs"][:heirs]
    data["pension__heirs"] = data["pension__heirs"][:heirs]
    fill = FormFill(form, catalogue().lists, today=date(2026, 11, 20))
    assert not [p for p in fill.apply_answers(data) if p.is_error]
    return fill


def test_tick_group_is_every_heirs_consent_and_nothing_else() -> None:
    fill = example_fill(3)
    for path in AGREES:  # any of the three shows the one page
        assert flow.tick_group(fill, path) == AGREES
    assert flow.tick_group(fill, "family_heirs[0].heir_relationship") is None  # has a list
    assert flow.tick_group(fill, "medical_pending_bills") is None  # not in a list
    assert flow.tick_group(example_fill(1), AGREES[0]) is None  # one heir: its own page


def test_known_people_without_the_register_are_the_heirs_entered() -> None:
    """A typed ID number alone shows no registry data: only the people the resident named
    are offered, each once, the deceased never."""
    fill = example_fill(3)
    people = known_people(None, fill, with_register=False)  # type: ignore[arg-type]
    assert [p.id_number for p in people] == [LI_GUILAN, ZHANG_JIANGUO, ZHANG_XIULAN]
    assert {p.source for p in people} == {"本次填写的其他继承人"}
    assert DECEASED not in {p.id_number for p in people}
