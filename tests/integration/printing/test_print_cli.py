"""`kiosk print --out`, `kiosk qr verify` (valid, tampered, other key) and `kiosk qr import`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import FORM_ID, example

from kiosk.cli import main
from kiosk.printing.signing import identity_of, sign_identity
from kiosk.services.context import open_kiosk
from kiosk.services.packets import case_packet
from kiosk.services.printing import case_sheet


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


def test_print_to_file(
    case_number: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "case.pdf"
    assert main(["print", case_number, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["print", "999999-99-999", "--out", str(out)]) == 1
    assert "no case 999999-99-999" in capsys.readouterr().err


def test_qr_verify_valid_tampered_and_foreign(
    case_number: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = open_kiosk()
    try:
        payload = case_sheet(ctx, case_number).identity_payload
        forged = sign_identity(
            identity_of(case_packet(ctx, case_number)), Ed25519PrivateKey.generate()
        )
    finally:
        ctx.close()
    assert main(["qr", "verify", payload]) == 0
    assert "VALID" in capsys.readouterr().out
    i = len(payload) // 2
    tampered = payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1 :]
    assert main(["qr", "verify", tampered]) == 1
    assert "TAMPERED" in capsys.readouterr().out
    assert main(["qr", "verify", forged]) == 1
    assert "BAD_SIGNATURE" in capsys.readouterr().out


def test_qr_import_into_another_kiosk(
    case_number: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = open_kiosk()
    try:
        sheet = case_sheet(ctx, case_number)
        codes = [sheet.identity_payload, *sheet.data_payloads]
    finally:
        ctx.close()
    assert main(["qr", "key"]) == 0
    keys = tmp_path / "keys.json"
    keys.write_text(capsys.readouterr().out, encoding="utf-8")
    other = ["--data-dir", str(tmp_path / "desk")]
    assert main([*other, "qr", "import", *codes]) == 1  # the desk does not know the kiosk
    assert "unknown device" in capsys.readouterr().out
    assert main([*other, "qr", "import", *codes, "--keys", str(keys)]) == 0
    assert "imported: case" in capsys.readouterr().out
    assert main([*other, "qr", "import", *codes, "--keys", str(keys)]) == 0
    assert "already here" in capsys.readouterr().out
    assert main([*other, "qr", "import", codes[0], codes[1][:-3] + "AAA"]) == 1
    assert "damaged" in capsys.readouterr().out


def test_another_kiosk_verifies_with_the_exported_key(
    case_number: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = open_kiosk()
    try:
        payload = case_sheet(ctx, case_number).identity_payload
    finally:
        ctx.close()
    assert main(["qr", "key"]) == 0
    keys = tmp_path / "keys.json"
    keys.write_text(capsys.readouterr().out, encoding="utf-8")
    desk = ["--data-dir", str(tmp_path / "desk")]
    assert main([*desk, "qr", "verify", payload]) == 1
    assert "UNKNOWN_DEVICE" in capsys.readouterr().out
    assert main([*desk, "qr", "verify", payload, "--keys", str(keys)]) == 0
    assert "VALID" in capsys.readouterr().out
