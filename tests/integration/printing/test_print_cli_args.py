"""Case arguments as people paste them, and ``--out -`` (b19 #11): a case number with
spaces around it (a copied table cell) is found by every command that takes one;
``kiosk print N --out -`` writes the PDF to standard output, never a file named '-'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import FORM_ID, example

from kiosk.cli import main
from kiosk.services.context import open_kiosk


@pytest.fixture
def case_number(kiosk_home: Path, tmp_path: Path) -> str:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    assert main(["fill", FORM_ID, "--answers", str(answers), "--volunteer", "1001"]) == 0
    ctx = open_kiosk()
    try:
        from kiosk.services.cases import list_cases

        return list_cases(ctx)[0].number
    finally:
        ctx.close()


@pytest.mark.parametrize("pasted", [" {n}", "{n} ", "\u3000{n}\n", "\u200b{n}"])
def test_a_pasted_case_number_is_found(
    case_number: str, tmp_path: Path, pasted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    key = pasted.format(n=case_number)
    out = tmp_path / "case.pdf"
    assert main(["print", key, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    assert main(["cases", "show", key]) == 0
    assert case_number in capsys.readouterr().out
    assert main(["attachments", key]) == 0


def test_print_out_dash_writes_the_pdf_to_standard_output(
    case_number: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["print", case_number, "--out", "-"]) == 0
    captured = capsysbinary.readouterr()
    assert captured.out.startswith(b"%PDF") and captured.out.rstrip().endswith(b"%%EOF")
    assert b"standard output" in captured.err
    assert not (tmp_path / "-").exists()


def test_an_empty_case_number_is_a_usage_error(
    kiosk_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["print", "  ", "--out", "x.pdf"])
    assert stop.value.code == 2
    assert "the case number is empty" in capsys.readouterr().err
