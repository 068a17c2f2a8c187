"""Issue 12, second round (a fresh tester's findings), as a new user meets them from the CLI:
a number already held is never handed out again (restored data root, QR import); the
identity code signs the whole envelope (volunteer, finalize time, bundle, extra); a case
number must name the device that signed it; identity and data codes of two cases with
the same number are a MISMATCH (docs/qr-format.md)."""

from __future__ import annotations

import shutil
import uuid
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import FORM_ID, catalogue, example, example_file, fixed_clock

from kiosk.cli import main
from kiosk.device_identity import load_or_create_signing_key
from kiosk.domain.case_numbers import DEVICE_NO_KEY
from kiosk.printing.compact import write_value
from kiosk.printing.qr_codec import encode_data_codes
from kiosk.printing.signing import CaseIdentity
from kiosk.printing.textcode import Writer, b45encode
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.packets import case_packet
from kiosk.services.printing import case_sheet


def kiosk(root: Path, device_no: int | None = 1, *, real_clock: bool = False) -> KioskContext:
    """A kiosk on ``root``; the fixed test clock unless ``real_clock`` (as the CLI runs)."""
    if real_clock:
        ctx = open_kiosk(root, catalogue=catalogue())
    else:
        ctx = open_kiosk(root, catalogue=catalogue(), clock=fixed_clock)
    with ctx.store.unit_of_work() as uow:
        uow.meta.set(DEVICE_NO_KEY, str(device_no) if device_no else "")
        uow.commit()
    return ctx


def paper(ctx: KioskContext, case_id: str) -> list[str]:
    sheet = case_sheet(ctx, case_id)
    return [sheet.identity_payload, *sheet.data_payloads]


def old_format_code(identity: CaseIdentity, key: Ed25519PrivateKey) -> str:
    """A format-1 code (BBI1:) as the first round signed it: no envelope digest
    (tests/unit/printing/test_qr_signing.py has the same)."""
    w = Writer()
    w.raw(uuid.UUID(identity.case_id).bytes + uuid.UUID(identity.device_id).bytes)
    w.raw(bytes.fromhex(identity.content_hash))
    w.text(identity.form_id)
    w.varint(identity.form_version)
    write_value(identity.number, w)
    content = bytes(w.buf)
    signed = content + key.sign(b"bangban-identity-v1\x00" + content)
    return "BBI1:" + b45encode(signed + zlib.crc32(signed).to_bytes(4, "big"))


def numbers(ctx: KioskContext) -> list[str]:
    from kiosk.services.case_queries import list_cases

    return sorted(c.number for c in list_cases(ctx))


def test_a_restored_data_root_skips_numbers_its_imported_paper_holds(tmp_path: Path) -> None:
    root = tmp_path / "a"
    kiosk(root).close()
    load_or_create_signing_key(root)  # the device key is in the copy too
    shutil.copytree(root, tmp_path / "backup")  # the copy an admin restores later
    ctx = kiosk(root, real_clock=True)  # today's numbers, as `kiosk fill` below makes them
    try:
        first = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
        scanned = paper(ctx, first.id)
        held = numbers(ctx)
    finally:
        ctx.close()
    shutil.rmtree(root)
    shutil.copytree(tmp_path / "backup", root)  # the disk died; the old copy comes back
    args = ["--data-dir", str(root)]
    assert main([*args, "qr", "import", *scanned]) == 0  # the paper brings the case back
    answers = str(example_file())
    # The next case of the day takes the next free number, not the held one (no crash).
    # (the same example again: a second claim for the same deceased needs a reason, issue 14)
    fill = [*args, "fill", FORM_ID, "--answers", answers, "--volunteer", "1001"]
    assert main([*fill, "--duplicate-reason", "test: the same example again"]) == 0
    ctx = kiosk(root, real_clock=True)
    try:
        now = numbers(ctx)
    finally:
        ctx.close()
    assert len(now) == 2 and len(set(now)) == 2 and held[0] in now
    assert int(now[1].rsplit("-", 1)[1]) == int(held[0].rsplit("-", 1)[1]) + 1


def test_next_number_skips_every_held_number_of_the_day(ctx: KioskContext) -> None:
    from kiosk.store.models import DayCounter

    made = [fill_case(ctx, FORM_ID, example(), volunteer_id="1001").id for _ in range(3)]
    with ctx.store.unit_of_work() as uow:
        for counter in uow.session.query(DayCounter):
            counter.last_seq = 0  # a counter behind the cases (restored, or imported)
        uow.commit()
    fourth = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
    assert len(set(numbers(ctx))) == 4 and fourth.number.endswith("-004"), made


@pytest.fixture
def two_kiosks(tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Kiosk A (enrolled as device 3) with a case; kiosk B given A's key file (`qr key`)."""
    a = kiosk(tmp_path / "a", device_no=3)
    b_args = ["--data-dir", str(tmp_path / "b")]
    kiosk(tmp_path / "b", device_no=4).close()
    capsys.readouterr()
    assert main(["--data-dir", str(a.data_root), "qr", "key"]) == 0
    keys = tmp_path / "a-key.json"
    keys.write_text(capsys.readouterr().out, encoding="utf-8")
    assert '"device_no": 3' in keys.read_text(encoding="utf-8")
    assert main([*b_args, "qr", "trust", str(keys)]) == 0
    capsys.readouterr()
    try:
        yield a, b_args
    finally:
        a.close()


@pytest.mark.parametrize(
    "change",
    [
        {"volunteer_id": "6666"},
        {"finalized_at": "2026-11-19T01:00:00Z"},
        {"bundle_id": "8f1c2a4e-1111-4222-8333-944455556666"},
        {"extra": {"note": "x"}},
    ],
    ids=["volunteer", "finalized_at", "bundle", "extra"],
)
def test_changing_the_envelope_on_paper_is_refused_by_import_and_verify(
    two_kiosks, change, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    a, b = two_kiosks
    case = fill_case(a, FORM_ID, example(), volunteer_id="1001")
    identity, *_data = paper(a, case.id)
    packet = replace(case_packet(a, case.id), **change)
    forged = encode_data_codes(packet, a.catalogue.get(packet.form_id, packet.form_version))
    assert main([*b, "qr", "verify", identity, *forged]) == 1
    assert "TAMPERED" in capsys.readouterr().out
    assert main([*b, "qr", "import", identity, *forged]) == 1
    out = capsys.readouterr().out
    assert "refused" in out and "volunteer" in out
    assert main([*b, "qr", "import", *paper(a, case.id)]) == 0  # the genuine paper still does


def test_a_number_naming_another_device_is_refused(
    two_kiosks, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    a, b = two_kiosks
    with a.store.unit_of_work() as uow:  # A (device 3) issues a number of device 05
        uow.meta.set(DEVICE_NO_KEY, "5")
        uow.commit()
    case = fill_case(a, FORM_ID, example(), volunteer_id="1001")
    assert "-05-" in case.number
    scanned = paper(a, case.id)
    assert main([*b, "qr", "verify", *scanned]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH" in out and "names device 05" in out and "device 03" in out
    assert main([*b, "qr", "import", *scanned]) == 1
    assert "names device 05" in capsys.readouterr().out


def test_same_number_other_uuid_is_a_mismatch_and_two_cases_are_two(
    two_kiosks, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    a, b = two_kiosks
    one = fill_case(a, FORM_ID, example(), volunteer_id="1001")
    two = fill_case(a, FORM_ID, example(), volunteer_id="1002")
    identity, *_ = paper(a, one.id)
    other = replace(case_packet(a, one.id), case_id=str(uuid.uuid4()))
    data = encode_data_codes(other, a.catalogue.get(other.form_id, other.form_version))
    assert main([*b, "qr", "verify", identity, *data]) == 1
    out = capsys.readouterr().out
    assert out.startswith("MISMATCH") and "VALID" not in out and "TAMPERED" not in out, out
    assert main([*b, "qr", "verify", *paper(a, one.id), *reversed(paper(a, two.id))]) == 0
    out = capsys.readouterr().out
    assert out.count("VALID:") == 2 and one.number in out and two.number in out, out
    assert main([*b, "qr", "import", *paper(a, two.id), *paper(a, one.id)]) == 0
    assert capsys.readouterr().out.count("imported: case") == 2


def test_own_format_1_codes_are_re_signed_in_format_2_when_the_kiosk_opens(
    tmp_path: Path,
) -> None:
    """Cases finalized under the first round keep working: their own kiosk signs format 2
    for them (never another kiosk's case); the trust rule then takes them."""
    from kiosk.printing.signing import identity_of
    from kiosk.printing.trust import check_case
    from kiosk.services.qr_import import key_lookup

    root = tmp_path / "a"
    ctx = kiosk(root)
    try:
        case = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
        packet = case_packet(ctx, case.id)
        old = old_format_code(
            replace(identity_of(packet), envelope=None), load_or_create_signing_key(root)
        )
        with ctx.store.unit_of_work() as uow:
            uow.cases.require(case.id).identity_code = old
            uow.commit()
        assert check_case(packet, old, key_lookup(ctx)).status.value == "old_format"
    finally:
        ctx.close()
    ctx = kiosk(root)
    try:
        again = case_packet(ctx, case.id)
        assert again.identity_code and again.identity_code.startswith("BBI2:")
        assert check_case(again, again.identity_code, key_lookup(ctx)).ok
    finally:
        ctx.close()
