"""家里困难 v2 on the screens: the household is asked once (issue 16.4).

The resident lists the family on one repeat; the 核查授权书's adults and the 低保 form's
members are copied from it, so their names and ID numbers are never asked again; only a
member's own 低保 questions (health, work) come, per member. Each finalized case holds its
own complete list.
"""

from __future__ import annotations

import json

from pytestqt.qtbot import QtBot
from test_death_benefit_flow import identify
from ui_driver import agree, answer, click, confirm_and_sign, errors

from kiosk.forms.examples import example_path
from kiosk.forms.paths import parse_path
from kiosk.services.case_queries import list_cases, show_case
from kiosk.ui.main_window import MainWindow

WIFE = "500111197008220249"
SON = "500111200006010373"


def test_the_household_is_asked_once_and_each_case_holds_its_own_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    w = window
    composed = w.ctx.catalogue.get("bundle.family_hardship")
    assert composed.version >= 2
    data = json.loads(example_path(composed).read_text("utf-8"))
    click(qtbot, w, "tile-life_events")
    identify(qtbot, w, data["applicant_id"])
    click(qtbot, w, "offer-family_hardship")
    click(qtbot, w, "next")
    agree(qtbot, w)
    visited: list[str] = []
    repeat_pages: list[str] = []
    added = 0
    for _ in range(120):
        if w.page.page_name == "check":
            break
        path = w.session.page
        assert path is not None
        visited.append(path)
        if w.page.page_name == "repeat":
            repeat_pages.append(path)
            if path == "household" and added < len(data["household"]):
                added += 1
                click(qtbot, w, "add")
            else:
                click(qtbot, w, "next")
            continue
        name, inst = parse_path(path)
        source = data
        for repeat, index in inst:
            source = source[repeat][index]
        answer(qtbot, w, source.get(name) if name != "applicant_signature" else "sign")
        assert errors(w) == [], (path, errors(w))
    else:
        raise AssertionError("never reached the check page")
    # One list page, for the household; the copies have none and their copied fields no page.
    assert "household" in repeat_pages
    assert not {"consent__adults", "dibao__members"} & set(repeat_pages)
    assert not [p for p in visited if p.startswith("consent__adults")]
    assert not [p for p in visited if "member_name" in p and p.startswith("dibao__")]
    assert "dibao__members[1].dibao__member_health" in visited, " ".join(visited)
    confirm_and_sign(qtbot, w)
    assert w.page.page_name == "done", errors(w)
    by_form = {c.form_id: c for c in list_cases(w.ctx, states=["finalized"])}
    consent = show_case(w.ctx, by_form["household_check_authorization"].id).answers
    assert [a["adult_id"] for a in consent["adults"]] == [WIFE, SON]
    dibao = show_case(w.ctx, by_form["minimum_living"].id).answers
    assert [(m["member_id"], m["member_work"]) for m in dibao["members"]] == [
        (WIFE, "farming"),
        (SON, "migrant"),
    ]
