"""The identity QR code: a small signed code that names a printed case and proves its origin.

Payload: ``BBI1:`` + Base45 of case UUID, device UUID, form id and version, case
number, the full content hash, a CRC-32 and the device's Ed25519 signature
(about 250 characters). The CRC covers everything before it, the signature
included, so a damaged or hand-edited code reads as *tampered*, while a code
signed with another key reads as *bad signature*. Verification takes a key
lookup and no store: the town server calls it for scanned codes.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.domain.case_packet import CasePacket
from kiosk.printing.compact import read_value, write_value
from kiosk.printing.textcode import CodecError, Reader, Writer, b45decode, b45encode

IDENTITY_PREFIX = "BBI1:"
_SIGNED_DOMAIN = b"bangban-identity-v1\x00"  # a signature here is never valid elsewhere

PublicKeyLookup = Callable[[str], Ed25519PublicKey | None]


class VerdictStatus(StrEnum):
    VALID = "valid"
    BAD_SIGNATURE = "bad_signature"
    TAMPERED = "tampered"
    UNKNOWN_DEVICE = "unknown_device"
    NOT_OURS = "not_ours"
    MISMATCH = "mismatch"  # a genuine identity code beside the data of another case
    MISSING = "missing"  # a case that comes without its identity code


_MESSAGES = {
    VerdictStatus.VALID: ("valid: signed by device {device}", "二维码有效，是本系统打印的办件。"),
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
        "not a case identity code (expected 'BBI1:...') {detail}",
        "这不是办件的二维码。",
    ),
    VerdictStatus.MISMATCH: (
        "mismatch: the identity code names another case {detail}",
        "验真码和数据码不是同一件事的，请核对纸面后分别扫描。",
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
    w.text(identity.form_id)
    w.varint(identity.form_version)
    write_value(identity.number, w)
    return bytes(w.buf)


def identity_of(packet: CasePacket) -> CaseIdentity:
    return CaseIdentity(
        packet.case_id,
        packet.number,
        packet.form_id,
        packet.form_version,
        packet.content_hash,
        packet.device_id,
    )


def sign_identity(identity: CaseIdentity, key: Ed25519PrivateKey) -> str:
    """The identity code's payload text."""
    content = _content(identity)
    signed = content + key.sign(_SIGNED_DOMAIN + content)
    return IDENTITY_PREFIX + b45encode(signed + zlib.crc32(signed).to_bytes(4, "big"))


def parse_identity(payload: str) -> tuple[CaseIdentity, bytes, bytes]:
    """(identity, signed content, signature); CodecError when the bytes do not read."""
    raw = b45decode(payload.strip()[len(IDENTITY_PREFIX) :])
    if len(raw) < 4 + 64 or zlib.crc32(raw[:-4]).to_bytes(4, "big") != raw[-4:]:
        raise CodecError("checksum does not match")
    content, signature = raw[:-68], raw[-68:-4]
    r = Reader(content)
    case_id = str(uuid.UUID(bytes=r.raw(16)))
    device_id = str(uuid.UUID(bytes=r.raw(16)))
    digest = r.raw(32).hex()
    form_id, version = r.text(), r.varint()
    number = read_value(r)
    if not r.done() or not isinstance(number, str):
        raise CodecError("unexpected layout")
    return CaseIdentity(case_id, number, form_id, version, digest, device_id), content, signature


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
    if not payload.strip().startswith(IDENTITY_PREFIX):
        return make_verdict(VerdictStatus.NOT_OURS)
    try:
        identity, content, signature = parse_identity(payload)
    except CodecError as exc:
        return make_verdict(VerdictStatus.TAMPERED, detail=f"({exc})")
    key = public_key_lookup(identity.device_id)
    if key is None:
        return make_verdict(VerdictStatus.UNKNOWN_DEVICE, identity)
    try:
        key.verify(signature, _SIGNED_DOMAIN + content)
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
    return make_verdict(VerdictStatus.VALID, identity)
