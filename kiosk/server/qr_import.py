"""QR import: the scanned codes of a printed case become the same case the network path
would have made (same UUID, same idempotent intake), once its signature checks out.

The scan of one case is its identity code (``BBI1:``, signed by the device's Ed25519
key) and its data codes (``BBD1:``, the whole case). The data codes are decoded with
``kiosk.printing.qr_codec``; the identity code is verified with the public key the
packet's device enrolled with, and must name the same case and content hash.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.device_identity import load_public_key_b64
from kiosk.forms.catalogue import Catalogue
from kiosk.server.intake import ingest
from kiosk.server.models import Device
from kiosk.sync.protocol import REJECTED, CaseResult


class QrImportError(Exception):
    """The payloads cannot be decoded (nothing was imported)."""


def import_payloads(
    sessions: sessionmaker[Session], payloads: Sequence[str], catalogue: Catalogue
) -> list[CaseResult]:
    from kiosk.printing.qr_codec import DataCodeError, decode_data_codes
    from kiosk.printing.signing import IDENTITY_PREFIX, verify_identity_payload

    texts = [p.strip() for p in payloads if p.strip()]
    identity = [p for p in texts if p.startswith(IDENTITY_PREFIX)]
    data = [p for p in texts if not p.startswith(IDENTITY_PREFIX)]
    if len(identity) != 1:
        raise QrImportError("scan the case's identity code (BBI1:…) once with its data codes")
    try:
        packet = decode_data_codes(data, catalogue)
    except DataCodeError as exc:
        raise QrImportError(f"data codes do not decode: {exc}") from exc
    except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
        # Scanned text is input like any other: garbage is a refusal, not a server error.
        raise QrImportError(f"data codes do not decode ({type(exc).__name__})") from exc

    with sessions() as session:
        device = session.scalar(select(Device).where(Device.id == packet.device_id))
        keys = {device.id: device.public_key} if device else {}

    def lookup(device_id: str) -> Ed25519PublicKey | None:
        key = keys.get(device_id)
        return load_public_key_b64(key) if key else None

    try:
        verdict = verify_identity_payload(identity[0], lookup, expected_hash=packet.content_hash)
    except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
        raise QrImportError(f"identity code does not decode ({type(exc).__name__})") from exc
    if not verdict.ok:
        return [CaseResult(packet.case_id, REJECTED, verdict.message[:200])]
    named = verdict.identity
    if named is None or (named.case_id, named.device_id) != (packet.case_id, packet.device_id):
        return [CaseResult(packet.case_id, REJECTED, "identity code names another case")]
    return ingest(sessions, [packet.to_dict()], catalogue, device_id=None, source="qr")
