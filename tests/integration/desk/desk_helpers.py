"""Helpers of the desk console tests: an in-process town server app, staff accounts,
real cases made on a real kiosk and taken in by the server's intake."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kiosk.services.context import KioskContext

PASSWORD = "desk-pass-2026"


@dataclass
class DeskServer:
    client: TestClient
    sessions: sessionmaker[Session]
    db_url: str
    tokens: dict[str, str] = field(default_factory=dict)  # device id → its bearer token

    def add_staff(self, name: str, desk: str, role: str = "staff") -> None:
        from kiosk.server.desk.accounts import add_staff

        with self.sessions() as session:
            add_staff(session, name, desk=desk, password=PASSWORD, role=role)
            session.commit()

    def enroll(self, ctx: KioskContext) -> None:
        """The kiosk enrolled as the API enrolls it: a one-time code, a server nonce signed
        with the kiosk's key (proof of possession), a device number, the devices list (the
        trust rule then checks its signatures). Its token is kept in ``tokens``."""
        from kiosk.device_identity import load_or_create_signing_key
        from kiosk.server.models import Device

        key = load_or_create_signing_key(ctx.data_root)
        with self.sessions() as session:
            if session.get(Device, ctx.store.device_id) is None:
                token, _number = enroll_with_proof(session, key, ctx.store.device_id)
                session.commit()
                self.tokens[ctx.store.device_id] = token

    def take(self, ctx: KioskContext, case_id: str) -> None:
        """The kiosk's case as the server's intake takes it (what sync does)."""
        from kiosk.server.intake import ingest
        from kiosk.services.packets import case_packet

        self.enroll(ctx)
        packet = case_packet(ctx, case_id).to_dict()
        app = self.client.app
        results = ingest(self.sessions, [packet], app.state.desk.forms, device_id=None)  # type: ignore[attr-defined]
        assert results[0].status in (201, 202), results


def enroll_with_proof(
    session: Session, key: Ed25519PrivateKey, device_id: str, name: str = "测试机"
) -> tuple[str, int]:
    """Enroll ``device_id`` through kiosk.server.devices.enroll with a fresh code and a
    nonce signed by ``key``, as POST /api/v1/enroll does; (bearer token, device number)."""
    from kiosk.device_identity import public_key_b64
    from kiosk.server.auth import create_code, new_nonce
    from kiosk.server.devices import enroll
    from kiosk.sync.proofs import ENROLL_PURPOSE, proof_message, sign_proof

    code = create_code(session, name)
    nonce, _expires = new_nonce(session)
    public = public_key_b64(key)
    plain = code.replace("-", "")
    signature = sign_proof(key, proof_message(ENROLL_PURPOSE, nonce, device_id, public, plain))
    issued, number = enroll(
        session,
        code=code,
        device_id=device_id,
        public_key=public,
        nonce=nonce,
        signature=signature,
    )
    return issued.token, number


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    page = client.get("/desk/login")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert token
    return client.post(
        "/desk/login",
        data={"name": name, "password": password, "form_token": token.group(1), "next": ""},
        follow_redirects=False,
    )


@contextmanager
def desk_server(db_url: str, home: Path, *, staff_token: str | None = None) -> Iterator[DeskServer]:
    from helpers import catalogue

    from kiosk.server.api import create_app
    from kiosk.server.db import create_server_engine, session_factory

    app = create_app(db_url, catalogue=catalogue(), staff_token=staff_token)
    sessions = session_factory(create_server_engine(db_url))
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000)) as client:
        yield DeskServer(client, sessions, db_url)


def pdf_text(pdf: bytes, tmp: Path) -> str:
    import subprocess

    path = tmp / "desk.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.replace(" ", "")  # pdftotext drops spaces between CJK characters


def enroll_kiosk(server: DeskServer, ctx: KioskContext, case_id: str) -> None:
    """Register the kiosk's public key as enrollment does (so its QR codes verify)."""
    from kiosk.device_identity import load_or_create_signing_key, public_key_b64
    from kiosk.server.models import Device
    from kiosk.services.packets import case_packet

    device_id = case_packet(ctx, case_id).device_id
    key = load_or_create_signing_key(ctx.data_root)
    with server.sessions() as session:
        if session.get(Device, device_id) is None:
            session.add(
                Device(
                    id=device_id,
                    name="大厅1号机",
                    public_key=public_key_b64(key),
                    token_hash="t" * 64,
                )
            )
            session.commit()
