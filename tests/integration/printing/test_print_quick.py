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


def _stored_plan(home: Path, number: str) -> bytes | None:
    """The raw (encrypted) print plan column of a case."""
    import sqlite3

    db = sqlite3.connect(home / "kiosk.sqlite3")
    try:
        row = db.execute("SELECT print_plan FROM cases WHERE number = ?", (number,)).fetchone()
    finally:
        db.close()
    return None if row is None else row[0]


def _no_form_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, loading the catalogue fails the test: the plan must draw the paper."""
    import kiosk.forms.catalogue

    def refuse() -> None:
        raise AssertionError("the quick path loaded the form catalogue")

    monkeypatch.setattr(kiosk.forms.catalogue, "default_catalogue", refuse)


@pytest.mark.parametrize("form_id", FORMS)
def test_the_plan_made_at_finalize_draws_the_first_print(
    form_id: str, kiosk_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finalizing stores the case's print plan (encrypted: nothing of the paper readable
    in it); the first print draws it without the form code, the full path's bytes."""
    number = _fill(form_id, tmp_path)
    stored = _stored_plan(kiosk_home, number)
    assert stored
    assert "办件编号".encode() not in stored and number.encode() not in stored
    full = _full_pdf(number)
    _no_form_code(monkeypatch)
    quick = quick_export_pdf(None, number, actor="cli:tester")
    assert quick is not None
    _same_paper(quick, full)
    assert _stored_plan(kiosk_home, number) == stored  # drawn from it, not made again


def test_a_case_finalized_without_a_plan_gets_one_on_its_first_print(
    kiosk_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case finalized before plans existed: its first print builds the sheet from the
    form and stores the plan, the next draws it; both the full path's paper."""
    import sqlite3

    number = _fill("pension_death_benefit", tmp_path)
    db = sqlite3.connect(kiosk_home / "kiosk.sqlite3")
    db.execute("UPDATE cases SET print_plan = NULL")
    db.commit()
    db.close()
    first = quick_export_pdf(None, number, actor="cli:tester")
    stored = _stored_plan(kiosk_home, number)
    assert first is not None and stored
    full = _full_pdf(number)
    _no_form_code(monkeypatch)
    again = quick_export_pdf(None, number, actor="cli:tester")
    assert again is not None
    _same_paper(first, full)
    _same_paper(again, full)
    assert _stored_plan(kiosk_home, number) == stored


def test_the_plan_takes_what_changed_since(
    kiosk_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored plan with the desk's 需补材料 note added later: printed from the plan
    with the note, as the full path prints it."""
    number = _fill("elderly_allowance", tmp_path)
    assert _stored_plan(kiosk_home, number)
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            row = uow.cases.require(number)
            row.state = CaseState.NEEDS_MATERIALS
            uow.cases.write_note(row, "请补户口本首页复印件")
            uow.commit()
    finally:
        ctx.close()
    full = _full_pdf(number)
    _no_form_code(monkeypatch)
    quick = quick_export_pdf(None, number, actor="cli:tester")
    assert quick is not None
    _same_paper(quick, full)
    assert b"%PDF" in quick


def test_a_renumbered_case_gets_a_new_plan(kiosk_home: Path, tmp_path: Path) -> None:
    """The plan is keyed by the case row (here its number, changed as kiosk.sync.renumber
    does): a stale plan is made anew, and the paper carries the new number."""
    number = _fill("pension_death_benefit", tmp_path)
    assert quick_export_pdf(None, number, actor="cli:tester") is not None
    old_plan = _stored_plan(kiosk_home, number)
    new_number = number[:-3] + "777"
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            uow.cases.require(number).number = new_number
            uow.commit()
    finally:
        ctx.close()
    quick = quick_export_pdf(None, new_number, actor="cli:tester")
    assert quick is not None
    _same_paper(quick, _full_pdf(new_number))
    assert _stored_plan(kiosk_home, new_number) not in (None, old_plan)


def test_a_damaged_plan_is_made_again(kiosk_home: Path, tmp_path: Path) -> None:
    """Bytes that do not decrypt (or decode) as a plan: the sheet is built from the form,
    the same paper, and a good plan stored in their place."""
    import sqlite3

    number = _fill("disability_card", tmp_path)
    assert quick_export_pdf(None, number, actor="cli:tester") is not None
    db = sqlite3.connect(kiosk_home / "kiosk.sqlite3")
    db.execute("UPDATE cases SET print_plan = ? WHERE number = ?", (b"\x00" * 80, number))
    db.commit()
    db.close()
    quick = quick_export_pdf(None, number, actor="cli:tester")
    assert quick is not None
    _same_paper(quick, _full_pdf(number))
    assert _stored_plan(kiosk_home, number) not in (None, b"\x00" * 80)


def test_bundle_members_print_from_their_plans(
    kiosk_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each case of a life-event bundle (its bundle id in the data codes) prints alone
    from its plan, as the full path prints it."""
    catalogue = default_catalogue()
    bundle = catalogue.bundle("death_in_family")
    example = example_answers(catalogue.get(bundle.form_id, bundle.version))
    answers = tmp_path / "bundle.json"
    answers.write_text(json.dumps(example, ensure_ascii=False), encoding="utf-8")
    assert main(["bundle", "fill", "death_in_family", "--answers", str(answers)]) == 0
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            numbers = [r.number for r in uow.cases.search() if r.bundle_id]
    finally:
        ctx.close()
    assert len(numbers) >= 2
    assert all(_stored_plan(kiosk_home, n) for n in numbers)  # made at the bundle's finalize
    fulls = {n: _full_pdf(n) for n in numbers}
    _no_form_code(monkeypatch)
    for n in numbers:
        quick = quick_export_pdf(None, n, actor="cli:tester")
        assert quick is not None
        _same_paper(quick, fulls[n])


def test_a_plan_that_cannot_be_made_never_stops_a_finalize(
    kiosk_home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Building the paper fails at finalize: the case is finalized all the same, without a
    plan (logged with no case data), and its first print makes the plan."""
    import kiosk.services.print_plans

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("张秀英 110101194001011234")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kiosk.services.print_plans, "build_sheet", broken)
        number = _fill("elderly_allowance", tmp_path)
    assert _stored_plan(kiosk_home, number) is None
    assert "print plan not made at finalize: RuntimeError" in caplog.text
    assert "张秀英" not in caplog.text and "110101" not in caplog.text
    quick = quick_export_pdf(None, number, actor="cli:tester")
    assert quick is not None and _stored_plan(kiosk_home, number)
    _same_paper(quick, _full_pdf(number))


def test_pages_photographed_after_the_plan_are_printed_from_it(
    kiosk_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of a material photographed after finalize: the plan's paper says 已拍照 and
    its data codes count the page still to reach the town server, as the full path's."""
    from kiosk.devices.camera import draw_page
    from kiosk.devices.capture import prepare_frame
    from kiosk.services.attachments import add_attachment

    number = _fill("pension_death_benefit", tmp_path)
    plain = quick_export_pdf(None, number, actor="cli:tester")
    ctx = open_kiosk()
    try:
        page = prepare_frame(draw_page(angle=4.0)).jpeg
        add_attachment(ctx, number, material_id="applicant_id_card", data=page)
    finally:
        ctx.close()
    full = _full_pdf(number)
    _no_form_code(monkeypatch)
    quick = quick_export_pdf(None, number, actor="cli:tester")
    assert quick is not None and plain is not None
    _same_paper(quick, full)
    assert quick != plain  # the page is on the paper


def test_a_department_draft_gets_no_plan(kiosk_home: Path, tmp_path: Path) -> None:
    """A case of a form from ``--forms-dir`` (not the shipped definitions the plan's key
    covers) is finalized without a plan; the quick path leaves its print to the full path."""
    from kiosk.forms.catalogue import DEFINITIONS_DIR

    drafts = tmp_path / "drafts"
    drafts.mkdir()
    shipped = (DEFINITIONS_DIR / "elderly_allowance.v2.yaml").read_text(encoding="utf-8")
    draft = shipped.replace("\nversion: 2\n", "\nversion: 9\n", 1)
    assert draft != shipped
    (drafts / "elderly_allowance.v9.yaml").write_text(draft, encoding="utf-8")
    answers = tmp_path / "answers.json"
    example = example_answers(default_catalogue().get("elderly_allowance", 2))
    answers.write_text(json.dumps(example, ensure_ascii=False), encoding="utf-8")
    args = ["fill", "elderly_allowance", "--answers", str(answers), "--forms-dir", str(drafts)]
    assert main(args) == 0
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            row = uow.cases.search(form_id="elderly_allowance")[0]
            number, version = row.number, row.form_version
    finally:
        ctx.close()
    assert version == 9
    assert _stored_plan(kiosk_home, number) is None
    assert quick_export_pdf(None, number, actor="cli:tester") is None
    assert _stored_plan(kiosk_home, number) is None
