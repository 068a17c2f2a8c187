"""The identity QR code: a small signed code that names a printed case and proves its origin.

Payload (format 2): ``BBI2:`` + Base45 of case UUID, device UUID, the full content hash,
the envelope digest (finalize time, volunteer, bundle, extra:
kiosk.domain.case_hash.envelope_digest), form id and version, case number, the device's
Ed25519 signature over all of it and a CRC-32 (about 275 characters). Format 1
(``BBI1:``, no envelope digest) is still read and verified, but it does not vouch for
the envelope, so the trust rule refuses a case offered with it (``OLD_FORMAT``).
The CRC covers everything before it, the signature included, so a damaged or
hand-edited code reads as *tampered*, while a code signed with another key reads as
*bad signature*. Verification takes a key lookup and no store: the town server calls
it for scanned codes.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.domain.case_hash import ENVELOPE_DIGEST_BYTES, envelope_digest
from kiosk.domain.case_packet import CasePacket
from kiosk.domain.identity_format import IDENTITY_PREFIX, IDENTITY_PREFIXES
from kiosk.printing.compact import read_value, write_value
from kiosk.printing.textcode import CodecError, Reader, Writer, b45decode, b45encode

# A signature of one format (or of anything else) is never valid in another.
_SIGNED_DOMAIN = {2: b"bangban-identity-v2\x00", 1: b"bangban-identity-v1\x00"}

PublicKeyLookup = Callable[[str], Ed25519PublicKey | None]


class VerdictStatus(StrEnum):
    VALID = "valid"
    BAD_SIGNATURE = "bad_signature"
    TAMPERED = "tampered"
    UNKNOWN_DEVICE = "unknown_device"
    NOT_OURS = "not_ours"
    MISMATCH = "mismatch"  # a genuine identity code beside the data of another case
    MISSING = "missing"  # a case that comes without its identity code
    OLD_FORMAT = "old_format"  # a format-1 code: it does not sign the envelope


_MESSAGES = {
    VerdictStatus.VALID: (
        "valid: signed by device {device} {detail}",
        "二维码有效，是本系统打印的办件。",
    ),
    VerdictStatus.BAD_SIGNATURE: (
        "invalid signature: the code was not signed by device {device}'s key",
        "二维码签名不对，这张表可能不是本系统打印的，请人工核对。",
    ),
    VerdictStatus.TAMPERED: (
        "tampered content: the code was altered or damaged {detail}",
        "二维码内容被改动或损坏，请人工核对。",
    ),
    VerdictStatus.UNKNOWN_DEVICE: (
        "unknown device: no public key for device {device}",
        "不认识打印这张表的机器，请工作人员核对。",
    ),
    VerdictStatus.NOT_OURS: (
        "not a case identity code (expected 'BBI2:...') {detail}",
        "这不是办件的二维码。",
    ),
    VerdictStatus.MISMATCH: (
        "mismatch: the identity code names another case {detail}",
        "验真码和数据码不是同一件事的，请核对纸面后分别扫描。",
    ),
    VerdictStatus.OLD_FORMAT: (
        "old identity code format 1: it does not sign the volunteer, finalize time and "
        "bundle, so the case is not taken from it; reprint the case on the kiosk that made "
        "it (it signs format 2) {detail}",
        "这张表的验真码是旧版的，不能据此导入。请在原来打印它的机器上重新打印后再扫。",
    ),
    VerdictStatus.MISSING: (
        "no identity code: a case is taken only with its signed identity code {detail}",
        "缺少验真码（第一页右上角的二维码），请一起扫描。",
    ),
}


@dataclass(frozen=True)
class CaseIdentity:
    case_id: str
    number: str
    form_id: str
    form_version: int
    content_hash: str
    device_id: str
    # envelope_digest of the case (hex, 16 bytes); None only in a format-1 code
    envelope: str | None = None

    @property
    def format(self) -> int:
        return 1 if self.envelope is None else 2


@dataclass(frozen=True)
class Verdict:
    status: VerdictStatus
    message: str  # plain English, for the CLI and logs
    message_zh: str  # for the screen
    identity: CaseIdentity | None = None

    @property
    def ok(self) -> bool:
        return self.status is VerdictStatus.VALID


def make_verdict(
    status: VerdictStatus, identity: CaseIdentity | None = None, detail: str = ""
) -> Verdict:
    en, zh = _MESSAGES[status]
    device = identity.device_id if identity else "?"
    return Verdict(status, en.format(device=device, detail=detail).strip(), zh, identity)


def _content(identity: CaseIdentity) -> bytes:
    w = Writer()
    w.raw(uuid.UUID(identity.case_id).bytes)
    w.raw(uuid.UUID(identity.device_id).bytes)
    w.raw(bytes.fromhex(identity.content_hash))
    if identity.envelope is not None:
        envelope = bytes.fromhex(identity.envelope)
        if len(envelope) != ENVELOPE_DIGEST_BYTES:
            raise ValueError("the envelope digest has 16 bytes")
        w.raw(envelope)
    w.text(identity.form_id)
    w.varint(identity.form_version)
    write_value(identity.number, w)
    return bytes(w.buf)


def identity_of(packet: CasePacket) -> CaseIdentity:
    """What a format-2 identity code of this packet signs (its envelope digest included)."""
    return CaseIdentity(
        packet.case_id,
        packet.number,
        packet.form_id,
        packet.form_version,
        packet.content_hash,
        packet.device_id,
        envelope_of(packet),
    )


def envelope_of(packet: CasePacket) -> str:
    """The envelope digest of a packet (kiosk.domain.case_hash.envelope_digest)."""
    return envelope_digest(packet.finalized_at, packet.volunteer_id, packet.bundle_id, packet.extra)


def is_identity_code(text: str) -> bool:
    """True for a text that claims to be an identity code of any format (BBI2:, BBI1:)."""
    return text.strip().upper().startswith(IDENTITY_PREFIXES)


def sign_identity(identity: CaseIdentity, key: Ed25519PrivateKey) -> str:
    """The identity code's payload text, format 2. Raises ValueError without an envelope
    digest: only format 2 is ever signed now."""
    if identity.envelope is None:
        raise ValueError("an identity code signs the envelope digest (format 2)")
    content = _content(identity)
    signed = content + key.sign(_SIGNED_DOMAIN[2] + content)
    return IDENTITY_PREFIX + b45encode(signed + zlib.crc32(signed).to_bytes(4, "big"))


def parse_identity(payload: str) -> tuple[CaseIdentity, bytes, bytes]:
    """(identity, signed content with its domain, signature); CodecError when the bytes do
    not read. The prefix says the format: ``BBI2:`` carries the envelope digest."""
    text = payload.strip()
    fmt = 2 if text.upper().startswith(IDENTITY_PREFIX) else 1
    raw = b45decode(text[len(IDENTITY_PREFIX) :])
    if len(raw) < 4 + 64 or zlib.crc32(raw[:-4]).to_bytes(4, "big") != raw[-4:]:
        raise CodecError("checksum does not match")
    content, signature = raw[:-68], raw[-68:-4]
    r = Reader(content)
    case_id = str(uuid.UUID(bytes=r.raw(16)))
    device_id = str(uuid.UUID(bytes=r.raw(16)))
    digest = r.raw(32).hex()
    envelope = r.raw(ENVELOPE_DIGEST_BYTES).hex() if fmt == 2 else None
    form_id, version = r.text(), r.varint()
    number = read_value(r)
    if not r.done() or not isinstance(number, str):
        raise CodecError("unexpected layout")
    identity = CaseIdentity(case_id, number, form_id, version, digest, device_id, envelope)
    return identity, _SIGNED_DOMAIN[fmt] + content, signature


def verify_identity_payload(
    payload: str,
    public_key_lookup: PublicKeyLookup,
    *,
    expected_hash: str | None = None,
    expected_case_id: str | None = None,
) -> Verdict:
    """Check a scanned identity code: valid / bad signature / tampered / unknown device /
    mismatch.

    ``expected_hash`` (the content hash of the case on file, or of its data codes)
    also catches a genuine code stuck on a paper whose case content differs;
    ``expected_case_id`` (the UUID of that case) catches a genuine code of another case
    with the same answers. The whole rule for a case is ``kiosk.printing.trust.check_case``.
    """
    if not is_identity_code(payload):
        return make_verdict(VerdictStatus.NOT_OURS)
    try:
        identity, content, signature = parse_identity(payload)
    except CodecError as exc:
        return make_verdict(VerdictStatus.TAMPERED, detail=f"({exc})")
    key = public_key_lookup(identity.device_id)
    if key is None:
        return make_verdict(VerdictStatus.UNKNOWN_DEVICE, identity)
    try:
        key.verify(signature, content)
    except InvalidSignature:
        return make_verdict(VerdictStatus.BAD_SIGNATURE, identity)
    if expected_case_id is not None and expected_case_id != identity.case_id:
        return make_verdict(
            VerdictStatus.MISMATCH,
            identity,
            f"(it names case {identity.number} {identity.case_id}, "
            f"the data are case {expected_case_id})",
        )
    if expected_hash is not None and expected_hash != identity.content_hash:
        return make_verdict(
            VerdictStatus.TAMPERED, identity, "(its content hash differs from the case on file)"
        )
    if identity.format == 1:
        return make_verdict(VerdictStatus.VALID, identity, "(old format 1: signs no envelope)")
    return make_verdict(VerdictStatus.VALID, identity)
