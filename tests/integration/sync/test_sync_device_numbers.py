"""Enrollment as both sides of the merge want it, against real server processes: the key
proof and one-use code (issue 11) AND the server-assigned device number with the
``devices`` key list (issue 12). Numbers stay unique under concurrent enrollments, a
revoked device leaves the list and the trust rule, and a kiosk restored from before its
enrollment takes its number back from the server."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from server_process import ServerProcess
from sync_helpers import KioskFactory, add_cases, enroll_raw

from kiosk.device_identity import public_key_b64
from kiosk.domain.case_numbers import DEVICE_NO_KEY
from kiosk.services.context import KioskContext
from kiosk.services.packets import case_packet
from kiosk.services.sync import enroll_device, sync_once
from kiosk.sync.client import SyncClient
from kiosk.sync.proofs import ENROLL_PURPOSE, TOKEN_PURPOSE, proof_message, sign_proof
from kiosk.sync.state import load_credentials

BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def _device_no(ctx: KioskContext) -> str | None:
    with ctx.store.unit_of_work() as uow:
        return uow.meta.get(DEVICE_NO_KEY)


def _token(ctx: KioskContext) -> str:
    with ctx.store.unit_of_work() as uow:
        creds = load_credentials(uow.meta, ctx.store.cipher)
    assert creds is not None
    return creds.token


def _devices(server: ServerProcess, token: str) -> tuple[int, dict[str, Any]]:
    """(version, {device id: entry}) of the ``devices`` reference data."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=30) as http:
        body = http.get("/reference/devices").json()
    return body["version"], {d["device_id"]: d for d in body["body"]}


@BOTH
def test_kiosks_enrolling_at_once_get_different_numbers_and_all_are_listed(
    own_server: ServerProcess,
) -> None:
    count = 8
    codes = [own_server.admin("enroll", "--name", f"大厅{i}号机").strip() for i in range(count)]
    with httpx.Client(base_url=own_server.url + "/api/v1", timeout=30) as http:
        nonces = [http.post("/enroll/challenge").json()["nonce"] for _ in range(count)]
    bodies = []
    for code, nonce in zip(codes, nonces, strict=True):
        key, device = Ed25519PrivateKey.generate(), str(uuid.uuid4())
        public = public_key_b64(key)
        message = proof_message(ENROLL_PURPOSE, nonce, device, public, code.replace("-", ""))
        bodies.append(
            {
                "code": code,
                "device_id": device,
                "public_key": public,
                "nonce": nonce,
                "signature": sign_proof(key, message),
            }
        )
    start = threading.Barrier(count)
    answers: list[httpx.Response] = []

    def enroll(body: dict[str, str]) -> None:
        with httpx.Client(base_url=own_server.url + "/api/v1", timeout=60) as http:
            start.wait()
            answers.append(http.post("/enroll", json=body))

    threads = [threading.Thread(target=enroll, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert [a.status_code for a in answers] == [200] * count, [a.text for a in answers]
    numbers = sorted(a.json()["device_no"] for a in answers)
    assert numbers == list(range(1, count + 1))
    _version, listed = _devices(own_server, answers[0].json()["token"])
    assert sorted(d["device_no"] for d in listed.values()) == numbers
    assert set(listed) == {b["device_id"] for b in bodies}


def test_a_revoked_device_leaves_the_list_and_the_trust_rule_until_it_enrolls_again(
    own_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    a, b = make_kiosk(own_server), make_kiosk(own_server)
    number = _device_no(a)
    assert number is not None and number != _device_no(b)
    [case_id] = add_cases(a, 1)
    packet = case_packet(a, case_id).to_dict()
    version, listed = _devices(own_server, _token(b))
    assert a.store.device_id in listed

    own_server.admin("devices", "revoke", a.store.device_id)
    after, listed = _devices(own_server, _token(b))
    assert after > version and a.store.device_id not in listed and b.store.device_id in listed
    # B may forward A's cases, but not while A's key is revoked (it may have been stolen).
    with SyncClient(own_server.url, token=_token(b)) as client:
        [result] = client.push([packet]).values()
    assert result.status == 422 and "unknown device" in (result.reason or ""), result

    # A enrolls again (same key, a new code): the same number, listed again, trusted again.
    code = own_server.admin("enroll", "--name", "石马镇大厅1号机").strip()
    enroll_device(a, own_server.url, code)
    assert _device_no(a) == number
    _again, listed = _devices(own_server, _token(b))
    assert listed[a.store.device_id]["device_no"] == int(number)
    with SyncClient(own_server.url, token=_token(b)) as client:
        [result] = client.push([packet]).values()
    assert result.status == 201, result


def test_a_kiosk_restored_from_before_its_number_takes_it_back(
    server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(server)
    number = _device_no(ctx)
    assert number is not None
    with ctx.store.unit_of_work() as uow:  # as a data root copied before enrollment's end
        uow.meta.set(DEVICE_NO_KEY, "")
        uow.commit()
    assert sync_once(ctx).error is None
    assert _device_no(ctx) == number
    [case_id] = add_cases(ctx, 1)
    assert case_packet(ctx, case_id).number.split("-")[1] == f"{int(number):02d}"


def test_a_token_renewal_answer_keeps_the_number_enrollment_gave(
    own_server: ServerProcess,
) -> None:
    device, token, key = enroll_raw(own_server)
    assert isinstance(key, Ed25519PrivateKey)
    with SyncClient(own_server.url, token=token) as client:
        state = client.device_state()
        nonce = client.challenge()
        message = proof_message(TOKEN_PURPOSE, nonce, device, public_key_b64(key))
        renewed = client.renew_token(device, nonce, sign_proof(key, message))
    assert state["device_id"] == device and state["device_no"] == 1
    assert renewed["device_no"] == 1 and renewed["token"] != token


def test_a_kiosk_that_forwarded_another_kiosks_case_does_not_send_it_again_and_again(
    server: ServerProcess, make_kiosk: KioskFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Reconciliation (issue 11) counts and checks a kiosk's own cases; a case it forwarded
    for another kiosk (issue 12) is held by the server as that kiosk's, which is no loss."""
    from kiosk.services.printing import case_sheet
    from kiosk.services.qr_import import import_scan

    a, b = make_kiosk(server), make_kiosk(server)
    assert sync_once(b).error is None  # B learns A's key
    [case_id] = add_cases(a, 1)
    sheet = case_sheet(a, case_id)
    [done] = import_scan(b, [sheet.identity_payload, *sheet.data_payloads])
    assert done.ok, done.refused
    assert sync_once(b).sent == 1
    with caplog.at_level("WARNING", logger="kiosk.sync.reconcile"):
        for _ in range(2):
            report = sync_once(b)
            assert (report.sent, report.error) == (0, None), report
    assert "go again" not in caplog.text
