"""The identity code: valid, tampered (any one character), another key, unknown device;
format 2 signs the envelope, format 1 is still read (and says so)."""

from __future__ import annotations

import uuid
import zlib
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.device_identity import load_or_create_signing_key
from kiosk.printing.compact import write_value
from kiosk.printing.signing import (
    IDENTITY_PREFIX,
    CaseIdentity,
    VerdictStatus,
    sign_identity,
    verify_identity_payload,
)
from kiosk.printing.textcode import BASE45, Writer, b45encode

DEVICE = str(uuid.uuid4())
IDENTITY = CaseIdentity(
    case_id=str(uuid.uuid4()),
    number="261120-01-007",
    form_id="pension_death_benefit",
    form_version=1,
    content_hash="ab" * 32,
    device_id=DEVICE,
    envelope="cd" * 16,
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


def old_format_code(identity: CaseIdentity, key: Ed25519PrivateKey) -> str:
    """A format-1 code (BBI1:) as the first round wrote it: no envelope digest."""
    w = Writer()
    w.raw(uuid.UUID(identity.case_id).bytes + uuid.UUID(identity.device_id).bytes)
    w.raw(bytes.fromhex(identity.content_hash))
    w.text(identity.form_id)
    w.varint(identity.form_version)
    write_value(identity.number, w)
    content = bytes(w.buf)
    signed = content + key.sign(b"bangban-identity-v1\x00" + content)
    return "BBI1:" + b45encode(signed + zlib.crc32(signed).to_bytes(4, "big"))


def test_format_2_carries_the_envelope_and_format_1_still_reads(key: Ed25519PrivateKey) -> None:
    payload = sign_identity(IDENTITY, key)
    assert payload.startswith("BBI2:")
    verdict = verify_identity_payload(payload, lookup_for(key))
    assert verdict.identity is not None and verdict.identity.envelope == "cd" * 16
    old = old_format_code(replace(IDENTITY, envelope=None), key)
    verdict = verify_identity_payload(old, lookup_for(key))
    assert verdict.ok and verdict.identity is not None
    assert verdict.identity.format == 1 and "old format 1" in verdict.message
    with pytest.raises(ValueError):
        sign_identity(replace(IDENTITY, envelope=None), key)  # only format 2 is signed


def test_a_format_2_signature_relabelled_as_format_1_is_refused(key: Ed25519PrivateKey) -> None:
    """Each format signs under its own domain: the prefix cannot be swapped (downgrade)."""
    payload = sign_identity(IDENTITY, key)
    relabelled = "BBI1:" + payload[len("BBI2:") :]
    verdict = verify_identity_payload(relabelled, lookup_for(key))
    assert not verdict.ok
