"""The identity code: valid, tampered (any one character), another key, unknown device."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.device_identity import load_or_create_signing_key
from kiosk.printing.signing import (
    IDENTITY_PREFIX,
    CaseIdentity,
    VerdictStatus,
    sign_identity,
    verify_identity_payload,
)
from kiosk.printing.textcode import BASE45

DEVICE = str(uuid.uuid4())
IDENTITY = CaseIdentity(
    case_id=str(uuid.uuid4()),
    number="261120-01-007",
    form_id="pension_death_benefit",
    form_version=1,
    content_hash="ab" * 32,
    device_id=DEVICE,
)


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def lookup_for(key: Ed25519PrivateKey):  # type: ignore[no-untyped-def]
    return {DEVICE: key.public_key()}.get


def test_a_signed_code_is_valid_and_small(key: Ed25519PrivateKey) -> None:
    payload = sign_identity(IDENTITY, key)
    assert payload.startswith(IDENTITY_PREFIX)
    assert len(payload) <= 300
    assert set(payload) <= set(BASE45)  # QR alphanumeric mode
    verdict = verify_identity_payload(payload, lookup_for(key))
    assert verdict.status is VerdictStatus.VALID, verdict.message
    assert verdict.identity == IDENTITY


def test_every_single_character_change_is_refused(key: Ed25519PrivateKey) -> None:
    payload = sign_identity(IDENTITY, key)
    lookup = lookup_for(key)
    for i in range(len(IDENTITY_PREFIX), len(payload)):
        for swapped in ("0", "Z"):
            if payload[i] == swapped:
                continue
            bad = payload[:i] + swapped + payload[i + 1 :]
            verdict = verify_identity_payload(bad, lookup)
            assert verdict.status is VerdictStatus.TAMPERED, (i, verdict)
            assert "tampered" in verdict.message


def test_a_different_device_key_is_a_bad_signature(key: Ed25519PrivateKey) -> None:
    forged = sign_identity(IDENTITY, Ed25519PrivateKey.generate())
    verdict = verify_identity_payload(forged, lookup_for(key))
    assert verdict.status is VerdictStatus.BAD_SIGNATURE
    assert "invalid signature" in verdict.message
    assert not verdict.ok


def test_unknown_device(key: Ed25519PrivateKey) -> None:
    verdict = verify_identity_payload(sign_identity(IDENTITY, key), lambda device: None)
    assert verdict.status is VerdictStatus.UNKNOWN_DEVICE
    assert DEVICE in verdict.message


def test_content_hash_must_match_the_case_on_file(key: Ed25519PrivateKey) -> None:
    payload = sign_identity(IDENTITY, key)
    verdict = verify_identity_payload(payload, lookup_for(key), expected_hash="cd" * 32)
    assert verdict.status is VerdictStatus.TAMPERED
    ok = verify_identity_payload(payload, lookup_for(key), expected_hash="ab" * 32)
    assert ok.ok


def test_not_our_code(key: Ed25519PrivateKey) -> None:
    verdict = verify_identity_payload("WIFI:S:hall;;", lookup_for(key))
    assert verdict.status is VerdictStatus.NOT_OURS
    assert verdict.message_zh


def test_the_device_key_is_created_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = load_or_create_signing_key(tmp_path)
    again = load_or_create_signing_key(tmp_path)
    payload = sign_identity(IDENTITY, first)
    assert verify_identity_payload(payload, {DEVICE: again.public_key()}.get).ok
