"""``kiosk status`` read through sqlite3 (kiosk.cli.status_quick) says what the full path
says, text and ``--json``, on the same data root (issue 19)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from helpers import FORM_ID, example

from kiosk.cli import main, status_quick
from kiosk.config import DataRootError
from kiosk.services.context import open_kiosk
from kiosk.store.models import AttachmentRow, OutboxEntry
from kiosk.sync.state import Credentials, record_outcome, save_credentials


def _both(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick and the full path print the same, as text and as JSON."""
    assert status_quick.quick_status(None) is not None, "the quick path fell back"
    for args in (["status"], ["status", "--json"]):
        assert main(args) == 0
        quick = capsys.readouterr().out
        with monkeypatch.context() as m:
            m.setattr(status_quick, "quick_status", lambda _data_dir: None)
            assert main(args) == 0
            full = capsys.readouterr().out
        assert quick == full
        if args[-1] == "--json":
            assert json.loads(quick)["definitions"]


def _fill(tmp_path: Path, *extra: str) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    assert main(["fill", FORM_ID, "--answers", str(answers), *extra]) == 0


def test_a_new_kiosk_with_a_pending_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DataRootError, match="no kiosk store"):  # read-only: makes none
        status_quick.quick_status(None)
    _fill(tmp_path)
    capsys.readouterr()
    _both(capsys, monkeypatch)


def test_an_enrolled_kiosk_after_rounds_renumbers_and_photos(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(tmp_path)
    _fill(tmp_path, "--duplicate-reason", "a second claim for the test")
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            save_credentials(uow.meta, ctx.store.cipher, Credentials("dev-1", "secret-token"))
            record_outcome(uow.meta, online=False, error="timed out", now=datetime(2026, 11, 20))
            first, second = uow.cases.search()
            entry = uow.session.query(OutboxEntry).filter_by(case_id=first.id).one()
            entry.state = "quarantined"
            second.print_problem = "需重新打印"
            uow.cases.audit(second, actor="sync", action="renumbered", detail="X -> Y")
            uow.session.add(
                AttachmentRow(
                    id="a1",
                    case_id=second.id,
                    material_id="id_card",
                    page=1,
                    media_type="image/png",
                    size=10,
                    sha256="0" * 64,
                    source="file",
                    added_by="cli",
                )
            )
            uow.commit()
    finally:
        ctx.close()
    capsys.readouterr()
    _both(capsys, monkeypatch)
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "quarantined 1" in out and "photos pending 1" in out and "offline" in out
    assert "renumbered from X" in out and "not enrolled" not in out


def test_refused_definitions_and_releases_take_the_full_path(
    kiosk_home: Path, tmp_path: Path
) -> None:
    _fill(tmp_path)
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            uow.meta.set("forms.refused", json.dumps([{"release": 3, "path": "x", "why": "y"}]))
            uow.commit()
    finally:
        ctx.close()
    assert status_quick.quick_status(None) is None
    (kiosk_home / "forms" / "releases").mkdir(parents=True)
    assert status_quick.quick_status(None) is None
