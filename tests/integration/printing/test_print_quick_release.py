"""``kiosk print N --out`` on a kiosk that installed a release from the town server keeps
its quick path (break19c #2: every print took the full path, 1.3 s): the plan of a case
is keyed with the release files its definitions came from, so it is drawn without the
form code when those are still the ones in use, and the full path draws (and keeps the
plan) when they are not — always the paper the full path draws, byte for byte."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import shipped_policy_version
from release_folder import release_folder

from kiosk.cli import main
from kiosk.cli.print_quick import quick_export_pdf
from kiosk.device_identity import public_key_b64
from kiosk.forms.catalogue import default_catalogue
from kiosk.forms.examples import example_answers
from kiosk.forms.publish import build_release
from kiosk.services.context import open_kiosk
from kiosk.services.printing import render_case_pdf
from kiosk.services.published import install_release
from kiosk.store.models import AuditEntry
from kiosk.sync.state import RELEASE_KEY

FORM = "elderly_allowance"


@pytest.fixture(autouse=True)
def invariant_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)


def _install(tmp_path: Path, release: int, min_age: int, key: Ed25519PrivateKey) -> None:
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            uow.meta.set(RELEASE_KEY, public_key_b64(key))
            uow.commit()
        version = shipped_policy_version() + release
        folder = release_folder(tmp_path, f"r{release}", policy_version=version, min_age=min_age)
        policy = folder / "policy.yaml"  # a deciding office the paper names, renamed
        text = policy.read_text(encoding="utf-8")
        assert "value: 重庆市大足区民政局\n" in text
        policy.write_text(
            text.replace("value: 重庆市大足区民政局\n", f"value: 重庆市大足区民政局R{release}\n"),
            encoding="utf-8",
        )
        body = build_release(
            folder,
            key,
            release=release,
            effective=datetime.now(UTC) - timedelta(hours=1),
            publisher="server",
        )
        assert install_release(ctx, body) is not None
    finally:
        ctx.close()


def _fill(tmp_path: Path, name: str) -> str:
    answers = tmp_path / f"{name}.json"
    example = example_answers(default_catalogue().get(FORM))
    answers.write_text(json.dumps(example, ensure_ascii=False), encoding="utf-8")
    assert main(["fill", FORM, "--answers", str(answers), "--duplicate-reason", name]) == 0
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            return uow.cases.search(form_id=FORM)[0].number
    finally:
        ctx.close()


def _full(number: str) -> bytes:
    ctx = open_kiosk()
    try:
        return render_case_pdf(ctx, number)
    finally:
        ctx.close()


def _no_form_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import kiosk.forms.catalogue

    def refuse(*_args: object, **_kw: object) -> None:
        raise AssertionError("the quick path loaded form definitions")

    monkeypatch.setattr(kiosk.forms.catalogue, "default_catalogue", refuse)
    monkeypatch.setattr(kiosk.forms.catalogue, "load_catalogue", refuse)


def test_a_case_finalized_under_the_release_prints_from_its_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, 1, 75, Ed25519PrivateKey.generate())
    number = _fill(tmp_path, "under release 1")
    full = _full(number)
    with monkeypatch.context() as m:
        _no_form_code(m)
        quick = quick_export_pdf(None, number, actor="cli:tester")
    assert quick == full


def test_a_new_release_changes_no_finalized_case_s_paper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case is drawn with its own release's definitions (break19d #3: each new release
    changed the 审批机关 of every finalized case), by both paths, from its plan."""
    key = Ed25519PrivateKey.generate()
    shipped = _fill(tmp_path, "shipped definitions")
    before = quick_export_pdf(None, shipped, actor="cli:tester")
    assert before is not None and before == _full(shipped)
    _install(tmp_path, 1, 75, key)
    under_one = _fill(tmp_path, "under release 1")
    paper_one = _full(under_one)
    _install(tmp_path, 2, 70, key)
    for number, paper in ((shipped, before), (under_one, paper_one)):
        assert _full(number) == paper  # the full path: the case's release
        with monkeypatch.context() as m:
            _no_form_code(m)
            assert quick_export_pdf(None, number, actor="cli:tester") == paper
    # --forms-dir (drafts) draws a release's case with that release's definitions too
    # (break19d #4: "no such form")
    out = tmp_path / "drafts.pdf"
    (tmp_path / "no-drafts").mkdir()
    assert (
        main(["print", under_one, "--out", str(out), "--forms-dir", str(tmp_path / "no-drafts")])
        == 0
    )
    capsys.readouterr()

    # A release file changed on disk: not the definitions the plan was made with.
    policy = tmp_path / "kiosk-home" / "forms" / "releases" / "000001" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert quick_export_pdf(None, under_one, actor="cli:tester") is None
    assert quick_export_pdf(None, shipped, actor="cli:tester") == before  # not its release


def test_a_failed_write_is_not_recorded_as_an_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """break19c #6: --out into a missing folder wrote nothing but was audited as exported."""
    number = _fill(tmp_path, "one case")
    for full_path in ([], ["--forms-dir", str(tmp_path / "no-drafts")]):
        (tmp_path / "no-drafts").mkdir(exist_ok=True)
        bad = tmp_path / "no-such-folder" / "case.pdf"
        assert main(["print", number, "--out", str(bad), *full_path]) == 1
        assert "cannot write" in capsys.readouterr().err
    ctx = open_kiosk()
    try:
        with ctx.store.unit_of_work() as uow:
            row = uow.cases.require(number)
            entries = uow.session.query(AuditEntry).filter_by(case_id=row.id).all()
            actions = [entry.action for entry in entries]
    finally:
        ctx.close()
    assert "exported" not in actions


def test_a_case_whose_release_is_gone_is_not_printed_with_other_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """break19e D6: with its release's folder removed, a case printed with the shipped
    definitions and a 0 exit; now both paths refuse in one line, naming the release."""
    import shutil

    key = Ed25519PrivateKey.generate()
    _install(tmp_path, 1, 75, key)
    number = _fill(tmp_path, "under release 1")
    _install(tmp_path, 2, 70, key)
    shutil.rmtree(tmp_path / "kiosk-home" / "forms" / "releases" / "000001")
    assert quick_export_pdf(None, number, actor="cli:tester") is None
    out = tmp_path / "case.pdf"
    capsys.readouterr()
    assert main(["print", number, "--out", str(out)]) == 1
    assert "release 1, which this kiosk no longer holds" in capsys.readouterr().err
    assert not out.exists()
