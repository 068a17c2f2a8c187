"""The kiosk's side of the desk console: the home banner reads the town's 赶集 calendar
pulled as reference data, and a reprint while 需补材料 says what is missing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kiosk.services.context import KioskContext
from kiosk.services.market_days import market_day_banner
from kiosk.sync.pull import reference_path


def test_banner_names_the_village_desks_in_the_hall_today(ctx: KioskContext) -> None:
    from helpers import TODAY  # 2026-11-20, lunar 十月十二

    assert market_day_banner(ctx, TODAY) is None  # no calendar, no setting
    ctx.settings = ctx.settings.model_copy(update={"market_days": "2,5,8"})
    assert market_day_banner(ctx, TODAY) == "今天是赶集日：各村便民服务代办点开门办事。"
    path = reference_path(ctx.data_root, "market_days")
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"days": [2, 5, 8], "villages": {"v03": [2], "v02": [2, 8], "v05": [5]}}
    path.write_text(json.dumps({"version": 3, "body": body}), encoding="utf-8")
    assert market_day_banner(ctx, TODAY) == "今天赶集：双龙村、新店村的代办员在大厅办事。"
    body = {"days": [1, 4, 7]}  # the town's calendar wins over the kiosk's own setting
    path.write_text(json.dumps({"version": 4, "body": body}), encoding="utf-8")
    assert market_day_banner(ctx, TODAY) is None


def test_a_reprint_while_materials_are_missing_says_what_is_missing(
    ctx: KioskContext, tmp_path: Path
) -> None:
    from helpers import FORM_ID, example

    from kiosk.services.cases import fill_case
    from kiosk.services.printing import render_case_pdf
    from kiosk.store.models import CaseRow

    case_id = fill_case(ctx, FORM_ID, example()).id
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(CaseRow, case_id)
        assert row is not None
        row.state = "needs_materials"
        # As the sync pull stores the desk's note: encrypted (issue 11).
        uow.cases.write_note(row, "需补材料：户口本、火化证明原件")
        uow.commit()
    out = tmp_path / "case.pdf"
    out.write_bytes(render_case_pdf(ctx, case_id))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "需补材料：户口本、火化证明原件" in text.replace(" ", "")
