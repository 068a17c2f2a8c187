"""Protocol limits, canonical UUIDs, key-possession proofs, server-side pieces that need no
process: throttling, bearer parsing, the day answers are judged on, the registry cut."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.device_identity import public_key_b64
from kiosk.server.auth import bearer_token
from kiosk.server.packets import validation_day
from kiosk.server.refdata import registry_for, villages_for
from kiosk.server.throttle import FREE_FAILURES, MAX_DELAY_S, Throttle
from kiosk.sync.packet_limits import canonical_uuid, json_size, packet_problem
from kiosk.sync.proofs import ENROLL_PURPOSE, proof_message, sign_proof, verify_proof


def _packet(**changes: object) -> dict[str, object]:
    packet: dict[str, object] = {
        "case_id": str(uuid.uuid4()),
        "number": "261120-01-001",
        "form_id": "pension_death_benefit",
        "form_version": 1,
        "answers": {"applicant_name": "张秀英"},
        "content_hash": "0" * 64,
        "device_id": str(uuid.uuid4()),
        "finalized_at": "2026-11-20T02:30:00Z",
        "volunteer_id": "V001",
        "bundle_id": None,
        "extra": {},
    }
    packet.update(changes)
    return packet


def test_canonical_uuid_accepts_every_spelling_and_gives_one() -> None:
    u = uuid.uuid4()
    for spelling in (str(u), str(u).upper(), u.hex, "{" + str(u) + "}", "urn:uuid:" + str(u)):
        assert canonical_uuid(spelling) == str(u)
    for bad in ("", "x", 123, None, "1" * 100):
        with pytest.raises(ValueError):
            canonical_uuid(bad)


def test_packet_limits_name_the_field_never_the_value() -> None:
    assert packet_problem(_packet()) is None
    assert "volunteer_id" in str(packet_problem(_packet(volunteer_id="V" * 40)))
    assert "number" in str(packet_problem(_packet(number="1" * 21)))
    assert "case_id" in str(packet_problem(_packet(case_id=str(uuid.uuid4()).upper())))
    big = packet_problem(_packet(answers={"x": "y" * 300_000}))
    assert big is not None and "answers" in big and "yyy" not in big
    assert "not valid Unicode" in str(packet_problem(_packet(answers={"x": "\ud800"})))
    assert "NUL" in str(packet_problem(_packet(answers={"x": "a\x00b"})))
    assert json_size({"名": "张"}) == len('{"名":"张"}'.encode())


def test_a_proof_needs_the_private_key() -> None:
    key = Ed25519PrivateKey.generate()
    public = public_key_b64(key)
    message = proof_message(ENROLL_PURPOSE, "nonce", "device", public, "CODE")
    signature = sign_proof(key, message)
    assert verify_proof(public, message, signature)
    other = Ed25519PrivateKey.generate()
    assert not verify_proof(public, message, sign_proof(other, message))
    assert not verify_proof(public, message.replace(b"CODE", b"CODF"), signature)
    assert not verify_proof("not-a-key", message, signature)
    assert not verify_proof(public, message, "%%%")
    with pytest.raises(ValueError):
        proof_message(ENROLL_PURPOSE, "a\nb", "device", public)


def test_only_bearer_tokens_are_read() -> None:
    token = "A" * 43
    assert bearer_token(f"Bearer {token}") == token
    assert bearer_token(f"bearer {token}") == token
    for header in (token, f"Token {token}", f"Bearer {token} more", "Bearer ", None, ""):
        assert bearer_token(header) is None


def test_throttle_delay_grows_and_is_capped() -> None:
    now = [1000.0]
    throttle = Throttle(clock=lambda: now[0])
    delays = [throttle.failed("10.0.0.9") for _ in range(FREE_FAILURES + 12)]
    assert delays[:FREE_FAILURES] == [0.0] * FREE_FAILURES
    growing = delays[FREE_FAILURES:]
    assert growing[0] == 0.5 and growing[1] == 1.0 and growing[2] == 2.0
    assert max(growing) == MAX_DELAY_S
    assert throttle.wait_s("10.0.0.9") == MAX_DELAY_S
    assert throttle.wait_s("10.0.0.10") == 0.0  # per client
    now[0] += MAX_DELAY_S + 1
    assert throttle.wait_s("10.0.0.9") == 0.0


def test_answers_are_judged_on_the_finalize_day_but_not_after_tomorrow() -> None:
    now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    local_today = now.astimezone().date()
    assert validation_day("2026-11-19T02:00:00Z", now) <= local_today
    ahead = validation_day("2027-11-20T02:00:00Z", now)
    assert (ahead - local_today).days == 1
    assert validation_day("garbage", now) == local_today
    assert isinstance(validation_day("2026-11-20T02:00:00", now), date)


def test_a_kiosk_gets_its_halls_residents_with_prefill_fields_only() -> None:
    villages = [
        {"value": "v01", "label": "石马社区", "hall": "石马镇"},
        {"value": "v02", "label": "双河村", "hall": "双河镇"},
        {"value": "v03", "label": "新店村"},
    ]
    assert [v["value"] for v in villages_for(villages, "石马镇")] == ["v01", "v03"]
    assert len(villages_for(villages, None)) == 3
    body = {
        "format": "kiosk-registry",
        "source_version": "x",
        "note": "internal",
        "residents": [
            {
                "id_number": "1",
                "name": "a",
                "village": "v01",
                "bank": "6217",
                "flags": {"dibao": True, "x": 1},
            },
            {"id_number": "2", "name": "b", "village": "v02"},
        ],
    }
    cut = registry_for(body, villages_for(villages, "石马镇"))
    assert "note" not in cut and [p["id_number"] for p in cut["residents"]] == ["1"]
    assert cut["residents"][0] == {
        "id_number": "1",
        "name": "a",
        "village": "v01",
        "flags": {"dibao": True},
    }
