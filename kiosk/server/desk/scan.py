"""What a desk's scanner (a USB barcode reader typing like a keyboard) or a typed case
number opens: the identity QR code of the printed case (``BBI2:…``, verified with the
enrolled key of the device that signed it), a case number, or a case UUID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from kiosk.device_identity import load_public_key_b64
from kiosk.printing.signing import is_identity_code, verify_identity_payload
from kiosk.server import routing
from kiosk.server.models import Device, ServerCase

DATA_PREFIX = "BBD1:"
# What a scanner types: a code of ours (BBI2: identity, BBD1: data, BBR1: receipt ...),
# a case number (261130-01-001, 261130-K7MQ9XAT-001) or a case UUID.
_CODE_PREFIX = re.compile(r"BB[A-Z]\d:", re.IGNORECASE)
_CASE_NUMBER = re.compile(r"\d{6}-(?:\d{2,3}|[A-Z2-9]{8})-\d{3,}", re.IGNORECASE)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def looks_scanned(text: str) -> bool:
    """True for words a barcode scanner typed rather than a person: a code of ours
    anywhere in them, or nothing but a case number or a case UUID (docs/desk.md)."""
    bare = "".join(text.split())
    if _CODE_PREFIX.search(bare):
        return True
    return bool(_CASE_NUMBER.fullmatch(bare) or _UUID.fullmatch(bare))


@dataclass(frozen=True)
class ScanResult:
    case: ServerCase | None
    message: str  # Chinese, for the page when nothing opens


def _key(session: Session, device_id: str) -> Ed25519PublicKey | None:
    device = session.get(Device, device_id)
    if device is None:
        return None
    try:
        return load_public_key_b64(device.public_key)
    except ValueError:
        return None


def open_scanned(session: Session, text: str) -> ScanResult:
    """The case a scan or a typed number names; a message saying why when none."""
    text = text.strip()
    if not text:
        return ScanResult(None, "请扫表上第1页右上角的验真码，或输入办件编号。")
    if text.upper().startswith(DATA_PREFIX):
        return ScanResult(
            None, "这是数据码。请扫第1页右上角的“验真码”；网络不通时到“扫码导入”页导入。"
        )
    if is_identity_code(text):
        verdict = verify_identity_payload(text, lambda d: _key(session, d))
        if not verdict.ok or verdict.identity is None:
            return ScanResult(None, verdict.message_zh)
        case = session.get(ServerCase, verdict.identity.case_id)
        if case is None:
            return ScanResult(
                None,
                f"办件 {verdict.identity.number} 还没有传到镇里。请到“扫码导入”页扫它的数据码。",
            )
        if case.content_hash != verdict.identity.content_hash:
            return ScanResult(None, "这张表和镇里收到的内容不一样，请人工核对。")
        return ScanResult(case, "")
    try:
        return ScanResult(routing.find_case(session, text), "")
    except routing.CaseNotFound:
        return ScanResult(None, f"没有找到办件 {text}。请核对编号。")
