"""Issue 16, tester's findings 1 and 3, against a real town server on 127.0.0.1: a draft
started under a release finishes under that release's forms and policy after a newer
release came into force; the case records the release and policy version (signed), and
the server judges it by that release, not by the one in force when it arrives."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from helpers import FIXED_NOW, shipped_policy_version
from release_folder import release_folder
from release_helpers import publish
from server_process import ServerProcess
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sync_helpers import KioskFactory

from kiosk.domain.idcard import make_id_number
from kiosk.forms.examples import example_answers
from kiosk.server.models import ServerCase
from kiosk.services.cases import (
    InvalidAnswers,
    answer,
    fill_case,
    finalize_case,
    load_draft,
    start_case,
)
from kiosk.services.sync import sync_once

SHIPPED_POLICY = shipped_policy_version()


def test_a_draft_keeps_its_release_and_the_server_judges_it_by_that_release(
    own_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    ctx = make_kiosk(own_server)
    yesterday = (FIXED_NOW - timedelta(days=1)).isoformat()
    publish(
        own_server,
        release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1, min_age=75),
        yesterday,
    )  # 高龄津贴 from 75
    sync_once(ctx)
    answers = example_answers(ctx.catalogue.get("elderly_allowance"))
    birth = FIXED_NOW.date().replace(year=FIXED_NOW.year - 77)  # 77: allowed under r1 only
    answers["elder_id"] = make_id_number("500111", birth, 12)
    started = start_case(ctx, "elderly_allowance")
    for path, value in answers.items():
        assert answer(ctx, started.case.id, path, value).ok, path

    # Release 2 goes back to 80 (policy 3) and is in force before the draft is finished.
    publish(
        own_server,
        release_folder(tmp_path, "r2", policy_version=SHIPPED_POLICY + 2, min_age=80),
        yesterday,
    )
    sync_once(ctx)
    assert ctx.catalogue.policy.version == SHIPPED_POLICY + 2
    with pytest.raises(InvalidAnswers):  # a new case is judged by release 2
        fill_case(ctx, "elderly_allowance", answers)

    resumed = load_draft(ctx, started.case.id)
    assert (
        resumed.fill.form.policy.version == SHIPPED_POLICY + 1
    )  # the draft finishes under its release
    finalize_case(ctx, started.case.id)
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.get(started.case.id)
        assert row is not None
        assert (row.release, row.policy_version) == (1, SHIPPED_POLICY + 1)

    sent = sync_once(ctx)
    assert (sent.sent, sent.quarantined, sent.error) == (1, 0, None), sent
    engine = create_engine(own_server.db_url)
    with Session(engine) as session:
        stored = session.scalar(select(ServerCase).where(ServerCase.id == started.case.id))
        assert stored is not None and stored.extra == {
            "release": 1,
            "policy_version": SHIPPED_POLICY + 1,
        }
    engine.dispose()
