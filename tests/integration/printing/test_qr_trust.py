"""The one trust rule on the kiosk (`kiosk qr import`, `kiosk qr verify`): forged data codes,
tampered or missing identity codes and fake cases are refused; genuine paper from another
kiosk imports, reprints with the original signature, and two cases scanned together are two
cases (docs/qr-format.md, "Trust rule")."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import FORM_ID, catalogue, example, fixed_clock

from kiosk.cli import main
from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_packet import CasePacket
from kiosk.printing.qr_codec import encode_data_codes
from kiosk.printing.signing import identity_of, sign_identity
from kiosk.services.cases import fill_case, show_case
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.packets import case_packet
from kiosk.services.printing import case_sheet


@pytest.fixture
def hall(ctx: KioskContext, tmp_path: Path) -> tuple[KioskContext, list[str], str]:
    """Kiosk A (``ctx``) with a finalized case, and kiosk B's ``--data-dir`` arguments."""
    case = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
    return ctx, ["--data-dir", str(tmp_path / "kiosk-b")], case.id


def paper(ctx: KioskContext, case_id: str) -> tuple[str, list[str]]:
    sheet = case_sheet(ctx, case_id)
    return sheet.identity_payload, sheet.data_payloads


def trust_a(
    ctx: KioskContext, b: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An offline hall: kiosk B is given kiosk A's key file (`kiosk qr key` → `qr trust`)."""
    capsys.readouterr()
    assert main(["--data-dir", str(ctx.data_root), "qr", "key"]) == 0
    keys = tmp_path / "a-key.json"
    keys.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main([*b, "qr", "trust", str(keys)]) == 0
    assert "1" in capsys.readouterr().out


def reencoded(ctx: KioskContext, packet: CasePacket, **answers: object) -> list[str]:
    """Data codes of the packet with changed answers and a consistent content hash: the CRC
    and the hash inside the codes check out, only the signature can tell."""
    changed = {**packet.answers, **answers}
    forged = replace(
        packet,
        answers=changed,
        content_hash=content_hash(packet.form_id, packet.form_version, changed),
    )
    return encode_data_codes(forged, ctx.catalogue.get(packet.form_id, packet.form_version))


def test_forged_and_fake_cases_are_refused_and_the_genuine_paper_imports(
    hall: tuple[KioskContext, list[str], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a, b, case = hall
    trust_a(a, b, tmp_path, capsys)
    identity, data = paper(a, case)
    packet = case_packet(a, case)
    forged_data = reencoded(a, packet, bank_account="6217170000999999999")

    # A different bank account, valid CRC and hash, beside the genuine identity code.
    assert main([*b, "qr", "import", identity, *forged_data]) == 1
    assert "tampered" in capsys.readouterr().out
    # The same with a tampered identity code (one character changed).
    i = len(identity) // 2
    bad_identity = identity[:i] + ("A" if identity[i] != "A" else "B") + identity[i + 1 :]
    assert main([*b, "qr", "import", bad_identity, *forged_data]) == 1
    assert "refused" in capsys.readouterr().out
    # Data codes alone: no identity code, no import.
    assert main([*b, "qr", "import", *data]) == 1
    assert "no identity code" in capsys.readouterr().out
    # A brand-new fake case "from kiosk A", signed with some other key.
    fake = replace(packet, case_id=str(uuid.uuid4()), number="261120-01-099")
    fake_code = sign_identity(identity_of(fake), Ed25519PrivateKey.generate())
    fake_data = encode_data_codes(fake, a.catalogue.get(FORM_ID))
    assert main([*b, "qr", "import", fake_code, *fake_data]) == 1
    assert "invalid signature" in capsys.readouterr().out
    # ... or from a device nobody knows.
    stranger = replace(fake, device_id=str(uuid.uuid4()))
    code = sign_identity(identity_of(stranger), Ed25519PrivateKey.generate())
    stranger_data = encode_data_codes(stranger, a.catalogue.get(FORM_ID))
    assert main([*b, "qr", "import", code, *stranger_data]) == 1
    assert "unknown device" in capsys.readouterr().out

    # Nothing of that was stored: the genuine paper imports now, once.
    assert main([*b, "qr", "import", identity, *data]) == 0
    assert "imported: case" in capsys.readouterr().out
    assert main([*b, "qr", "import", *data, identity]) == 0
    assert "already here" in capsys.readouterr().out

    other = open_kiosk(b[1], catalogue=catalogue(), clock=fixed_clock)
    try:
        detail = show_case(other, case)
        assert detail.answers["bank_account"] == "6217170000123456780"
        assert [a.action for a in detail.audit] == ["imported"]
        # A reprint on kiosk B carries kiosk A's signature, never B's.
        assert case_sheet(other, case).identity_payload == identity
        assert case_packet(other, case).identity_code == identity
    finally:
        other.close()


def test_verify_two_cases_together_and_a_code_beside_another_cases_data(
    hall: tuple[KioskContext, list[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    a, _b, first = hall
    second = fill_case(a, FORM_ID, example(), volunteer_id="1001")  # same answers, other UUID
    id1, data1 = paper(a, first)
    id2, data2 = paper(a, second.id)
    here = ["--data-dir", str(a.data_root)]
    capsys.readouterr()

    assert main([*here, "qr", "verify", id1, *data1, id2, *data2]) == 0
    out = capsys.readouterr().out
    assert out.count("VALID") == 2 and "TAMPERED" not in out, out

    # The identity code of case 1 with the data codes of case 2: same answers and content
    # hash, but another UUID: refused, and said so.
    assert main([*here, "qr", "verify", id1, *data2]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH" in out and second.id in out, out
