"""``kiosk print N --out`` through sqlite3 (kiosk.cli.print_quick) prints the very paper
of the full path (kiosk.services.printing), and audits the export the same way (issue 19).

The only bytes allowed to differ are the PDF's creation and modification times, which
reportlab stamps on every render (and the document /ID digested from them): the tests
render in reportlab's invariant mode, which fixes them, and compare every byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.cli.print_quick import quick_export_pdf
from kiosk.domain.case_states import CaseState
from kiosk.forms.catalogue import default_catalogue
from kiosk.forms.examples import example_answers
from kiosk.services.context import open_kiosk
from kiosk.services.printing import render_case_pdf
from kiosk.store.models import AuditEntry


@pytest.fixture(autouse=True)
def invariant_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)


FORMS = ["pension_death_benefit", "elderly_allowance", "disability_card", "birth_registration"]


def _fill(form_id: str, tmp_path: Path, *extra: str) -> str:
    """A finalized case of the shipped example answers; its number."""
    answers = tmp_path / f"{form_id}.json"
    example = example_answers(default_catalogue().get(form_id))
    answers.write_text(json.dumps(example, ensure_ascii=False), encoding="utf-8")
    assert main(["fill", form_id, "--answers", str(answers), *extra]) == 0
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            rows = uow.cases.search(form_id=form_id)
            return rows[0].number
    finally:
        ctx.close()


def _full_pdf(number: str) -> bytes:
    ctx = open_kiosk()
    try:
        return render_case_pdf(ctx, number)
    finally:
        ctx.close()


def _same_paper(a: bytes, b: bytes) -> None:
    assert a == b


@pytest.mark.parametrize("form_id", FORMS)
def test_quick_pdf_is_the_full_paths_pdf(form_id: str, tmp_path: Path) -> None:
    number = _fill(form_id, tmp_path)
    quick = quick_export_pdf(None, number, actor="cli:tester")
    assert quick is not None, "the quick path fell back for an ordinary case"
    assert quick.startswith(b"%PDF")
    _same_paper(quick, _full_pdf(number))


def test_quick_pdf_of_a_case_waiting_for_materials(tmp_path: Path) -> None:
    """The desk's note (decrypted from the store) is printed as on the full path."""
    number = _fill("elderly_allowance", tmp_path)
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            row = uow.cases.require(number)
            row.state = CaseState.NEEDS_MATERIALS
            uow.cases.write_note(row, "请补户口本首页复印件")
            uow.commit()
    finally:
        ctx.close()
    quick = quick_export_pdf(None, number, actor="cli:tester")
    assert quick is not None
    _same_paper(quick, _full_pdf(number))


@pytest.mark.parametrize("named", [True, False])
def test_the_volunteer_line_reads_the_account(named: bool, tmp_path: Path) -> None:
    """A volunteer's case prints the id and the account's (decrypted) name, or the id
    alone when there is no such account, as on the full path."""
    if named:
        from kiosk.services.accounts import add_account

        ctx = open_kiosk()
        try:
            add_account(ctx, "v0042", "王志愿", "24681357", role="volunteer", actor="test")
        finally:
            ctx.close()
    number = _fill("elderly_allowance", tmp_path, "--volunteer", "V0042")
    quick = quick_export_pdf(None, number, actor="cli:tester")
    assert quick is not None
    _same_paper(quick, _full_pdf(number))


def test_the_export_is_audited_as_the_store_does(tmp_path: Path) -> None:
    number = _fill("elderly_allowance", tmp_path)
    out = tmp_path / "case.pdf"
    assert main(["print", number, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            row = uow.cases.require(number)
            last = uow.session.query(AuditEntry).filter_by(case_id=row.id).all()[-1]
            assert (last.action, last.detail) == ("exported", "PDF file")
            assert last.actor.startswith("cli")
            assert last.at is not None and last.at.year >= 2026  # read back as a datetime
    finally:
        ctx.close()


def test_unusual_cases_take_the_full_path(kiosk_home: Path, tmp_path: Path) -> None:
    assert quick_export_pdf(None, "no-such-case", actor="cli:tester") is None  # no store yet
    plain = _fill("pension_death_benefit", tmp_path)
    assert quick_export_pdf(None, "999999-99-999", actor="cli:tester") is None
    import sqlite3

    db = sqlite3.connect(kiosk_home / "kiosk.sqlite3")
    db.execute("UPDATE alembic_version SET version_num = 'older'")
    db.commit()
    db.close()
    assert quick_export_pdf(None, plain, actor="cli:tester") is None  # not at the head
