"""The one trust rule (kiosk.printing.trust) without a store: every way a case can fail it,
and how a scan of several codes is sorted into cases."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import FORM_ID, catalogue, example

from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_packet import CasePacket
from kiosk.printing.qr_codec import encode_data_codes
from kiosk.printing.signing import VerdictStatus, identity_of, sign_identity
from kiosk.printing.trust import check_case, read_scan

KEY = Ed25519PrivateKey.generate()
DEVICE = str(uuid.uuid4())
LOOKUP = {DEVICE: KEY.public_key()}.get
VERSION = catalogue().get(FORM_ID).version  # the example answers are the newest version's


def case(number: str = "261120-01-001", **answers: object) -> CasePacket:
    body = {**example(), **answers}
    return CasePacket(
        case_id=str(uuid.uuid4()),
        number=number,
        form_id=FORM_ID,
        form_version=VERSION,
        answers=body,
        content_hash=content_hash(FORM_ID, VERSION, body),
        device_id=DEVICE,
        finalized_at="2026-11-20T02:30:00Z",
    )


def signed(packet: CasePacket, key: Ed25519PrivateKey = KEY) -> CasePacket:
    return replace(packet, identity_code=sign_identity(identity_of(packet), key))


def scan(packet: CasePacket) -> list[str]:
    return [packet.identity_code or "", *encode_data_codes(packet, catalogue().get(FORM_ID))]


def test_a_genuine_case_passes() -> None:
    packet = signed(case())
    assert check_case(packet, packet.identity_code, LOOKUP).ok


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (lambda p: replace(p, identity_code=None), VerdictStatus.MISSING),
        (lambda p: signed(p, Ed25519PrivateKey.generate()), VerdictStatus.BAD_SIGNATURE),
        (
            lambda p: replace(signed(replace(p, device_id=str(uuid.uuid4())))),
            VerdictStatus.UNKNOWN_DEVICE,
        ),
        (lambda p: replace(signed(p), case_id=str(uuid.uuid4())), VerdictStatus.MISMATCH),
        (lambda p: replace(signed(p), number="261120-01-002"), VerdictStatus.TAMPERED),
        (lambda p: replace(signed(p), form_version=VERSION + 1), VerdictStatus.TAMPERED),
        (
            lambda p: replace(
                signed(p), answers={**p.answers, "bank_account": "6217170000999999999"}
            ),
            VerdictStatus.TAMPERED,  # the hash no longer matches the answers
        ),
    ],
    ids=["missing", "other-key", "unknown-device", "other-uuid", "number", "version", "answers"],
)
def test_each_part_of_the_rule(change, status) -> None:  # type: ignore[no-untyped-def]
    packet = change(case())
    verdict = check_case(packet, packet.identity_code, LOOKUP)
    assert verdict.status is status, verdict.message
    assert not verdict.ok and verdict.message_zh


def test_changed_answers_with_a_consistent_hash_are_tampered() -> None:
    genuine = signed(case())
    forged = case(bank_account="6217170000999999999")
    forged = replace(forged, case_id=genuine.case_id, identity_code=genuine.identity_code)
    verdict = check_case(forged, forged.identity_code, LOOKUP)
    assert verdict.status is VerdictStatus.TAMPERED and "content hash" in verdict.message


def test_two_genuine_cases_scanned_together_are_two_valid_cases() -> None:
    one, two = signed(case()), signed(case("261120-01-002"))
    found = read_scan([*scan(one), *reversed(scan(two))], LOOKUP, catalogue())
    assert sorted(f.packet.number for f in found if f.packet) == [one.number, two.number]
    assert all(f.verdict.ok and f.importable for f in found)


def test_an_identity_code_beside_another_cases_data_is_a_mismatch() -> None:
    one, two = signed(case()), signed(case())  # same answers and hash, other UUIDs
    [found] = read_scan([one.identity_code or "", *scan(two)[1:]], LOOKUP, catalogue())
    assert found.verdict.status is VerdictStatus.MISMATCH and not found.importable
    assert two.case_id in found.verdict.message


def test_data_without_identity_and_identity_without_data() -> None:
    one, two = signed(case()), signed(case("261120-01-002"))
    [data_only] = read_scan(scan(one)[1:], LOOKUP, catalogue())
    assert data_only.verdict.status is VerdictStatus.MISSING and not data_only.importable
    assert data_only.packet == replace(one, identity_code=None)
    [code_only] = read_scan([two.identity_code or ""], LOOKUP, catalogue())
    assert code_only.verdict.ok and code_only.packet is None and not code_only.importable
    assert code_only.problem == "its data codes were not scanned"


@pytest.mark.parametrize(
    "change",
    [
        {"volunteer_id": "9999"},
        {"finalized_at": "2026-11-21T02:30:00Z"},
        {"bundle_id": str(uuid.uuid4())},
        {"extra": {"note": "added on paper"}},
    ],
    ids=["volunteer", "finalized_at", "bundle", "extra"],
)
def test_the_signature_covers_the_whole_envelope(change: dict[str, object]) -> None:
    genuine = signed(replace(case(), volunteer_id="1001"))
    changed = replace(genuine, **change)  # type: ignore[arg-type]
    verdict = check_case(changed, changed.identity_code, LOOKUP)
    assert verdict.status is VerdictStatus.TAMPERED, verdict.message
    assert "volunteer" in verdict.message
    # Through paper too: the changed envelope re-encoded into data codes is refused.
    [found] = read_scan(scan(changed), LOOKUP, catalogue())
    assert found.verdict.status is VerdictStatus.TAMPERED and not found.importable


def test_the_same_time_spelled_otherwise_is_the_same_envelope() -> None:
    genuine = signed(case())
    same = replace(genuine, finalized_at="2026-11-20T02:30:00+00:00")
    assert check_case(same, same.identity_code, LOOKUP).ok


def test_an_old_format_code_is_not_taken() -> None:
    from test_qr_signing import old_format_code

    packet = case()
    old = old_format_code(replace(identity_of(packet), envelope=None), KEY)
    verdict = check_case(packet, old, LOOKUP)
    assert verdict.status is VerdictStatus.OLD_FORMAT and "format 1" in verdict.message


@pytest.mark.parametrize(
    ("middle", "ok"),
    [("03", True), ("05", False), ("003", False), (None, True), ("K7MQ9XAT", False)],
    ids=["own-number", "other-number", "padded", "own-tag", "other-tag"],
)
def test_the_number_names_the_signing_device(middle: str | None, ok: bool) -> None:
    from kiosk.domain.case_numbers import unenrolled_tag

    part = middle or unenrolled_tag(DEVICE)
    packet = signed(case(f"261120-{part}-001"))
    numbers = {DEVICE: 3}.get
    verdict = check_case(packet, packet.identity_code, LOOKUP, numbers)
    assert verdict.ok is ok, verdict.message
    if not ok:
        assert verdict.status is VerdictStatus.MISMATCH and part in verdict.message


def test_an_identity_code_beside_data_of_the_same_number_is_a_mismatch() -> None:
    """Same number, other UUID, other answers: still the identity code's case, not TAMPERED."""
    one = signed(case())
    other = signed(case(bank_account="6217170000999999999"))
    [found] = read_scan([*scan(other)[1:], one.identity_code or ""], LOOKUP, catalogue())
    assert found.verdict.status is VerdictStatus.MISMATCH, found.verdict.message


def test_same_number_other_uuid_beside_another_genuine_case_is_a_mismatch() -> None:
    """Two identity codes, the data of one genuine case and of a case under the other's
    number with another UUID: the genuine one VALID, the other pair MISMATCH (not MISSING)."""
    one, two = signed(case()), signed(case("261120-01-002"))
    other = signed(replace(case("261120-01-002"), finalized_at="2026-11-20T03:00:00Z"))
    texts = [*scan(one), two.identity_code or "", *scan(other)[1:]]
    found = {f.verdict.status for f in read_scan(texts, LOOKUP, catalogue())}
    assert found == {VerdictStatus.VALID, VerdictStatus.MISMATCH}
