"""打印 at a desk: the same A4 PDF as the kiosk (kiosk.printing), made from the server's copy.

The data codes are the kiosk's (they carry the case, no key needed). The identity code
is the one the case arrived with, signed by the kiosk that made it (a reprint carries the
original signature: docs/qr-format.md). Only a case stored without a format-2 code gets
one signed by the town server's own Ed25519 key (``KIOSK_SERVER_HOME/keys/signing.ed25519``),
registered in ``devices`` as a device named 镇服务器 so the console's scanner verifies it.
While the case waits for materials the page says what is missing, as a kiosk reprint does.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from kiosk.device_identity import load_or_create_signing_key, public_key_b64
from kiosk.domain.case_packet import CasePacket
from kiosk.forms.catalogue import Catalogue
from kiosk.printing.document import render_case
from kiosk.printing.qr_codec import encode_data_codes
from kiosk.printing.sheet import build_sheet, needs_materials_notice
from kiosk.printing.signing import IDENTITY_PREFIX, identity_of, sign_identity
from kiosk.server.db import server_home
from kiosk.server.desk.casework import form_lists, form_of
from kiosk.server.models import Device, ServerCase
from kiosk.store.sqlbase import utcnow

SERVER_DEVICE_NAME = "镇服务器"
_NAMESPACE = uuid.UUID("6b2f3a52-7d1e-4f4a-9a55-1f0c2f6d1e17")


class PrintRefused(Exception):
    pass


def server_device(session: Session) -> tuple[str, Ed25519PrivateKey]:
    """(device id, private key) of this server, registering its public key once."""
    key = load_or_create_signing_key(server_home())
    public = public_key_b64(key)
    device_id = str(uuid.uuid5(_NAMESPACE, public))
    if session.get(Device, device_id) is None:
        # No bearer token is ever issued for it: the hash of random bytes nobody holds.
        unusable = base64.b16encode(uuid.uuid4().bytes + uuid.uuid4().bytes).decode().lower()
        session.add(
            Device(
                id=device_id,
                name=SERVER_DEVICE_NAME,
                public_key=public,
                token_hash=unusable,
                enrolled_at=utcnow(),
            )
        )
    return device_id, key


def pages_to_come(session: Session, case_id: str) -> int:
    """Pages the newest manifest lists that have not arrived whole here (for the paper's
    data codes: 份材料待传)."""
    from kiosk.server.attachments import case_attachments

    found = case_attachments(session, case_id)
    return max(0, int(found["expected"]) - int(found["complete"]))


def case_pdf(session: Session, forms: Catalogue, case: ServerCase, hall_name: str) -> bytes:
    form = form_of(forms, case)
    if form is None:
        raise PrintRefused(f"不认识表单 {case.form_id} 第{case.form_version}版，不能打印。")
    packet = CasePacket(
        case_id=case.id,
        number=case.number,
        form_id=case.form_id,
        form_version=case.form_version,
        answers=case.answers,
        content_hash=case.content_hash,
        device_id=case.device_id,
        finalized_at=case.finalized_at,
        volunteer_id=case.volunteer_id,
        bundle_id=case.bundle_id,
        extra=dict(case.extra or {}),  # signed in the identity code (issue 16)
    )
    if case.identity_code and case.identity_code.strip().startswith(IDENTITY_PREFIX):
        # The trust rule: a reprint carries the signature of the device that made the case.
        identity_payload = case.identity_code
    else:  # a case stored before identity codes travelled: the server vouches for it
        device_id, key = server_device(session)
        identity = replace(identity_of(packet), device_id=device_id)
        identity_payload = sign_identity(identity, key)
    notices = [needs_materials_notice(case.status_note)] if case.status == "needs_materials" else []
    sheet = build_sheet(
        form,
        form_lists(session, forms),
        packet,
        hall=hall_name,
        volunteer=case.volunteer_id or "",
        identity_payload=identity_payload,
        data_payloads=encode_data_codes(
            packet, form, attachments_pending=pages_to_come(session, case.id)
        ),
        notices=notices,
    )
    return render_case(sheet)
