"""Enrollment and tokens against real server processes: no hijacked kiosk.

Each test that sends wrong credentials has a server process of its own (``own_server``):
the throttling it provokes must not slow the other tests' kiosks down.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from server_process import ServerProcess
from sqlalchemy import select, update
from sync_helpers import KioskFactory, add_cases, assert_exactly_once, enroll_raw

from kiosk.device_identity import load_or_create_signing_key, public_key_b64
from kiosk.server.db import create_server_engine, session_factory
from kiosk.server.models import Device
from kiosk.services.sync import SyncError, enroll_device, sync_once
from kiosk.sync.client import InsecureServer, check_server_url
from kiosk.sync.proofs import ENROLL_PURPOSE, proof_message, sign_proof

BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def _enroll_body(
    code: str, device_id: str, public_key: str, signer: Ed25519PrivateKey, nonce: str
) -> dict[str, str]:
    message = proof_message(ENROLL_PURPOSE, nonce, device_id, public_key, code.replace("-", ""))
    return {
        "code": code,
        "device_id": device_id,
        "public_key": public_key,
        "nonce": nonce,
        "signature": sign_proof(signer, message),
    }


def _api(server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=server.url + "/api/v1", timeout=30)


@BOTH
def test_a_public_key_alone_cannot_take_over_a_kiosk(
    own_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(own_server)
    ids = add_cases(ctx, 2)
    victim_key = public_key_b64(load_or_create_signing_key(ctx.data_root))  # printed in QR codes
    attacker = Ed25519PrivateKey.generate()
    with _api(own_server) as http:
        for signer_key, public in ((attacker, victim_key), (attacker, public_key_b64(attacker))):
            code = own_server.admin("enroll", "--name", "攻击者").strip()
            nonce = http.post("/enroll/challenge").json()["nonce"]
            body = _enroll_body(code, ctx.store.device_id, public, signer_key, nonce)
            answer = http.post("/enroll", json=body)
            # Victim's public key, attacker's signature: no proof. Attacker's own key on
            # the victim's device id: that id is enrolled (an admin must revoke it first).
            assert answer.status_code in (403, 409), answer.text
            assert "token" not in answer.json()
    # The real kiosk is untouched: its token works, its cases go through.
    assert sync_once(ctx).error is None
    assert_exactly_once(own_server, ctx, ids)
    engine = create_server_engine(own_server.db_url)
    with session_factory(engine)() as session:
        device = session.get(Device, ctx.store.device_id)
        assert device is not None and device.public_key == victim_key
    engine.dispose()


@BOTH
def test_one_code_used_sixteen_times_at_once_enrolls_one_device(own_server: ServerProcess) -> None:
    code = own_server.admin("enroll", "--name", "并发").strip()
    with _api(own_server) as http:
        nonces = [http.post("/enroll/challenge").json()["nonce"] for _ in range(16)]
    bodies = []
    for nonce in nonces:
        key = Ed25519PrivateKey.generate()
        bodies.append(_enroll_body(code, str(uuid.uuid4()), public_key_b64(key), key, nonce))
    start = threading.Barrier(16)
    statuses: list[int] = []

    def enroll(body: dict[str, str]) -> None:
        with _api(own_server) as http:
            start.wait()
            statuses.append(http.post("/enroll", json=body).status_code)

    threads = [threading.Thread(target=enroll, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses).count(200) == 1, statuses
    # The losers were all looked at (they raced past the throttle together); once five
    # had failed, the throttle answers 429 instead of 403 for the rest.
    assert len(statuses) == 16 and all(s in (200, 403, 429) for s in statuses), statuses
    listed = own_server.admin("devices", "list", "--json")
    assert listed.count('"id"') == 1


def test_only_a_bearer_token_is_accepted(own_server: ServerProcess) -> None:
    _device, token, _key = enroll_raw(own_server)
    with _api(own_server) as http:
        assert http.get("/device", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert http.get("/device", headers={"Authorization": f"bearer {token}"}).status_code == 200
        for header in (token, f"Token {token}", f"Basic {token}", f"Bearer {token} x"):
            assert http.get("/device", headers={"Authorization": header}).status_code == 401


def test_an_expired_token_is_refused_and_the_kiosk_renews_it_with_its_key(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    from kiosk.sync import state

    ctx = make_kiosk(sqlite_server)
    ids = add_cases(ctx, 2)
    with ctx.store.unit_of_work() as uow:
        old = state.load_credentials(uow.meta, ctx.store.cipher)
    assert old is not None
    engine = create_server_engine(sqlite_server.db_url)
    sessions = session_factory(engine)
    with sessions() as session:
        session.execute(
            update(Device)
            .where(Device.id == ctx.store.device_id)
            .values(token_expires_at=datetime(2020, 1, 1))
        )
        session.commit()
    with _api(sqlite_server) as http:
        headers = {"Authorization": f"Bearer {old.token}"}
        assert http.get("/device", headers=headers).status_code == 401
    report = sync_once(ctx)  # 401, then a new token by signing a nonce, then the cases
    assert report.error is None, report
    assert_exactly_once(sqlite_server, ctx, ids)
    with ctx.store.unit_of_work() as uow:
        fresh = state.load_credentials(uow.meta, ctx.store.cipher)
        expires = state.get_time(uow.meta, state.TOKEN_EXPIRES)
    assert fresh is not None and fresh.token != old.token
    assert expires is not None and expires > datetime.now() + timedelta(days=20)
    with sessions() as session:
        device = session.scalar(select(Device).where(Device.id == ctx.store.device_id))
        assert device is not None and device.token_expires_at is not None
    engine.dispose()


def test_a_revoked_device_is_refused_until_it_enrolls_again(
    own_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    sqlite_server = own_server  # its refused tokens must not throttle other tests' kiosks
    ctx = make_kiosk(sqlite_server)
    out = sqlite_server.admin("devices", "revoke", ctx.store.device_id)
    assert "revoked" in out
    add_cases(ctx, 1)
    report = sync_once(ctx)
    assert report.error and "revoked" in report.error and report.sent == 0
    # A new code and the same device id (the id is free again after the revoke).
    code = sqlite_server.admin("enroll", "--name", "石马镇大厅1号机").strip()
    assert enroll_device(ctx, sqlite_server.url, code) == ctx.store.device_id
    assert sync_once(ctx).sent == 1


def test_wrong_tokens_and_codes_are_throttled_with_a_growing_delay(
    own_server: ServerProcess,
) -> None:
    _device, token, _key = enroll_raw(own_server)
    statuses: list[int] = []
    started = time.monotonic()
    with _api(own_server) as http:
        while len(statuses) < 1000 and time.monotonic() - started < 60:
            r = http.get("/changes", headers={"Authorization": f"Bearer {'x' * 43}"})
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert int(r.headers["Retry-After"]) >= 1
        # Only a handful were even looked at; the rest waited (429).
        assert statuses.count(401) <= 8, statuses.count(401)
        assert statuses.count(429) >= len(statuses) - 8
        # A valid token still works from the same address (kiosks behind the same NAT).
        ok = http.get("/device", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        # A waiting client's enrollment is not even looked at.
        assert http.post("/enroll/challenge").status_code == 429


def test_plain_http_is_refused_except_to_this_machine(tmp_path: Path) -> None:
    assert check_server_url("http://127.0.0.1:8460/") == "http://127.0.0.1:8460"
    assert check_server_url("http://localhost:8460") == "http://localhost:8460"
    assert check_server_url("http://[::1]:8460") == "http://[::1]:8460"
    assert check_server_url("https://town.example:8460") == "https://town.example:8460"
    with pytest.raises(InsecureServer, match="--insecure"):
        check_server_url("http://192.168.1.10:8460")
    assert check_server_url("http://192.168.1.10:8460", insecure=True)
    from kiosk.services.context import open_kiosk

    ctx = open_kiosk(tmp_path / "k")
    try:
        with pytest.raises(SyncError, match="unencrypted"):
            enroll_device(ctx, "http://192.0.2.1:8460", "AAAA-BBBB-CCCC")
    finally:
        ctx.close()
    run_cli = "import sys; from kiosk.cli import main; sys.exit(main())"
    args = ["--data-dir", str(tmp_path / "c"), "enroll", "http://192.0.2.1:8460", "AAAA-BBBB"]
    cli = subprocess.run(
        [sys.executable, "-c", run_cli, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert cli.returncode == 1 and "--insecure" in cli.stderr, cli.stderr
