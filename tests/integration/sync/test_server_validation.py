"""The server checks what it stores: each bad input of the issue, as its kind, on a real
server process (SQLite and PostgreSQL). Bad input is a 4xx or a per-case 422, never a
500 and never stored.

Packets are signed by the sending device as a kiosk signs them at finalize (the trust
rule, kiosk.printing.trust) and carry numbers of their own (the server keeps one case
per number, and other tests' kiosks share the server), so what each test refuses is the
bad field it is about."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from server_process import ServerProcess
from sync_helpers import enroll_raw, server_counts

from kiosk.domain.case_hash import content_hash, envelope_digest
from kiosk.domain.case_numbers import unenrolled_tag
from kiosk.printing.signing import CaseIdentity, sign_identity
from kiosk.registry.demo import demo_document
from kiosk.server.refdata import PREFILL_FIELDS

_NUMBERS = itertools.count(1)


def _packet(device_id: str, **changes: Any) -> dict[str, Any]:
    from helpers import FORM_ID, example, form

    version = form().version  # the newest, whose answers example() gives
    answers = changes.pop("answers", example())
    try:
        digest = content_hash(FORM_ID, version, answers) if isinstance(answers, dict) else "0" * 64
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 and so no hash
        digest = "0" * 64
    packet = {
        "case_id": str(uuid.uuid4()),
        # The device part of a kiosk never enrolled (kiosk.domain.case_numbers): no kiosk of
        # the other tests on a shared server issues it.
        "number": f"261120-{unenrolled_tag(device_id)}-{next(_NUMBERS):03d}",
        "form_id": FORM_ID,
        "form_version": version,
        "answers": answers,
        "content_hash": digest,
        "device_id": device_id,
        "finalized_at": datetime.now(UTC).replace(tzinfo=None).isoformat() + "Z",
        "volunteer_id": "V001",
        "bundle_id": None,
        "extra": {},
    }
    packet.update(changes)
    return packet


class Device:
    def __init__(self, server: ServerProcess) -> None:
        self.id, token, key = enroll_raw(server)
        self.key = cast(Ed25519PrivateKey, key)
        self.http = httpx.Client(
            base_url=server.url + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )

    def signed(self, packet: Any) -> Any:
        """The packet with the identity code this device would sign for it (as far as its
        fields can be signed at all; a packet broken beyond that goes as it is)."""
        if not isinstance(packet, dict) or "identity_code" in packet:
            return packet
        try:
            fields = ("case_id", "number", "form_id", "form_version", "content_hash", "device_id")
            envelope = envelope_digest(
                packet["finalized_at"], packet["volunteer_id"], packet["bundle_id"], packet["extra"]
            )
            identity = CaseIdentity(*(packet[f] for f in fields), envelope)  # format 2
            code = sign_identity(identity, self.key)
        except (KeyError, TypeError, ValueError, OverflowError):
            return packet
        return {**packet, "identity_code": code}

    def send(self, *packets: Any) -> list[dict[str, Any]]:
        signed = [self.signed(p) for p in packets]
        answer = self.http.post("/cases/batch", json={"cases": signed})
        assert answer.status_code == 200, answer.text
        results: list[dict[str, Any]] = answer.json()["results"]
        return results


@pytest.fixture
def device(server: ServerProcess) -> Device:
    return Device(server)


def test_wrongly_typed_and_oversized_fields_are_refused_per_case(
    device: Device, server: ServerProcess
) -> None:
    good = _packet(device.id)
    bad = [
        _packet(device.id, form_version="1"),
        _packet(device.id, answers=["not", "an", "object"]),
        _packet(device.id, number="1" * 5000),  # the column holds 20
        _packet(device.id, volunteer_id="V" * 40),  # the column holds 32
        _packet(device.id, case_id="not-a-uuid"),
        _packet(device.id, finalized_at="yesterday"),
        _packet(device.id, extra={"x": "y" * 10000}),
        {**_packet(device.id), "unexpected": 1},
        "not a packet",
        42,
        None,
    ]
    results = device.send(good, *bad)
    assert [r["status"] for r in results] == [201] + [422] * len(bad)
    assert all(r["reason"] for r in results[1:])
    assert "number" in results[3]["reason"] and "volunteer_id" in results[4]["reason"]
    assert sum(server_counts(server).values()) >= 1


def test_text_that_no_column_can_hold_is_refused(device: Device) -> None:
    surrogate = json.dumps({"cases": [_packet(device.id, number="A\ud800")]})
    answer = device.http.post(
        "/cases/batch", content=surrogate.encode(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == 422
    from helpers import example

    nul = {**example(), "applicant_name": "张\x00秀英"}
    assert device.send(_packet(device.id, answers=nul))[0]["status"] == 422
    lone = {**example(), "applicant_name": "张\ud800"}
    body = json.dumps({"cases": [_packet(device.id, answers=lone)]})
    answer = device.http.post(
        "/cases/batch", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == 422
    enroll = json.dumps({"code": "\ud800", "device_id": "x", "public_key": "k"})
    assert device.http.post("/enroll", content=enroll.encode()).status_code == 422


def test_answers_are_checked_with_the_kiosks_form_engine(device: Device) -> None:
    from helpers import example

    invalid_id = {**example(), "applicant_id": "500111196810020240"}  # wrong check digit
    unknown = {**example(), "favourite_colour": "red"}
    missing = {k: v for k, v in example().items() if k != "death_date"}
    future = {**example(), "death_date": "2099-01-01"}
    results = device.send(
        *(_packet(device.id, answers=a) for a in (invalid_id, unknown, missing, future))
    )
    assert [r["status"] for r in results] == [422] * 4
    reasons = [r["reason"] for r in results]
    assert "applicant_id" in reasons[0]
    assert "favourite_colour" in reasons[1]
    assert "death_date" in reasons[2] and "death_date" in reasons[3]
    # The reasons name questions, never the values (no ID number in them).
    assert all("500111196810020240" not in r for r in reasons)


def test_sizes_have_limits(device: Device) -> None:
    from helpers import example

    big = {**example(), "applicant_signature": "M 1 1 " * 200_000}  # ~1.2 MB of answers
    assert device.send(_packet(device.id, answers=big))[0]["status"] == 422
    huge = b'{"cases": [' + b"0," * (15 * 1024 * 1024) + b"0]}"  # 30 MB
    answer = device.http.post(
        "/cases/batch", content=huge, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and answer.json()["max_body_bytes"] > 0


def test_one_case_in_any_uuid_spelling_is_stored_once(
    device: Device, server: ServerProcess
) -> None:
    packet = _packet(device.id)
    canonical = packet["case_id"]
    hexed = uuid.UUID(canonical).hex
    spellings = [
        canonical,
        canonical.upper(),
        hexed,
        "{" + canonical + "}",
        "urn:uuid:" + canonical,
    ]
    assert device.send({**packet, "case_id": spellings[0]})[0]["status"] == 201
    results = device.send(*({**packet, "case_id": s} for s in spellings[1:]))
    assert [r["status"] for r in results] == [202] * 4
    assert {r["case_id"] for r in results} == {canonical}
    assert server_counts(server)[canonical] == 1
    # The device id too: another spelling of its own id is its own id.
    other = _packet(device.id.upper())
    assert device.send(other)[0]["status"] == 201


def test_odd_queries_are_refused_with_4xx(device: Device, server: ServerProcess) -> None:
    for params in ({"after": 2**63}, {"after": -1}, {"limit": 10**9}, {"limit": 0}):
        assert device.http.get("/changes", params=params).status_code == 422
    staff = server.staff()
    with staff:
        assert staff.get("/staff/cases", params={"limit": 10**12}).status_code == 422
        assert staff.get("/staff/cases/%00").status_code in (404, 422)
    assert device.http.get("/reference/nothing").status_code == 422


def test_a_kiosk_clock_off_by_a_day_or_a_year_is_fine(device: Device) -> None:
    from helpers import example

    now = datetime.now(UTC).replace(tzinfo=None)
    tomorrow = (now + timedelta(days=1)).isoformat() + "Z"
    next_year = (now + timedelta(days=365)).isoformat() + "Z"
    yesterday = (now - timedelta(days=1)).isoformat() + "Z"
    # A kiosk a day ahead typed "today" (its today) as the death date: accepted.
    ahead = {**example(), "death_date": (now + timedelta(days=1)).date().isoformat()}
    results = device.send(
        _packet(device.id, finalized_at=tomorrow),
        _packet(device.id, finalized_at=next_year),
        _packet(device.id, finalized_at=yesterday),
        _packet(device.id, finalized_at=tomorrow, answers=ahead),
    )
    assert [r["status"] for r in results] == [201, 201, 201, 201], results
    # But a year-ahead clock does not move "today" a year: the server's clock counts.
    far = {**example(), "death_date": (now + timedelta(days=300)).date().isoformat()}
    assert device.send(_packet(device.id, finalized_at=next_year, answers=far))[0]["status"] == 422


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_kiosk_gets_only_its_halls_villages_and_the_fields_prefill_needs(
    own_server: ServerProcess, tmp_path: Path
) -> None:
    server = own_server  # its own: the village list and extract it loads stay here
    villages = [
        {"value": "v01", "label": "石马社区", "hall": "石马镇"},
        {"value": "v02", "label": "双龙村", "hall": "石马镇"},
        {"value": "v03", "label": "新店村", "hall": "双河镇"},
        {"value": "v04", "label": "高峰村", "hall": "双河镇"},
        {"value": "v05", "label": "柏林村", "hall": "双河镇"},
    ]
    (tmp_path / "villages.json").write_text(json.dumps(villages, ensure_ascii=False), "utf-8")
    server.admin("villages", "load", str(tmp_path / "villages.json"))
    document = demo_document()
    for person in document["residents"]:
        person["bank_account"] = "6217170000123456780"  # another department's field
        person["flags"]["secret_flag"] = True
    (tmp_path / "registry.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    server.admin("registry", "load", str(tmp_path / "registry.json"))
    code = server.admin("enroll", "--name", "石马镇大厅2号机", "--hall", "石马镇").strip()
    from kiosk.services.context import open_kiosk
    from kiosk.services.sync import enroll_device
    from kiosk.sync import state

    ctx = open_kiosk(tmp_path / "kiosk")
    try:
        enroll_device(ctx, server.url, code)
        with ctx.store.unit_of_work() as uow:
            creds = state.load_credentials(uow.meta, ctx.store.cipher)
        assert creds is not None
    finally:
        ctx.close()
    with httpx.Client(
        base_url=server.url + "/api/v1", headers={"Authorization": f"Bearer {creds.token}"}
    ) as http:
        got = http.get("/reference/registry").json()["body"]
        hall_villages = http.get("/reference/villages").json()["body"]
    assert {v["value"] for v in hall_villages} == {"v01", "v02"}
    total = len(document["residents"])
    mine = [p for p in document["residents"] if p["village"] in ("v01", "v02")]
    assert 0 < len(got["residents"]) == len(mine) < total
    allowed = set(PREFILL_FIELDS) | {"flags", "sources", "demo"}
    for person in got["residents"]:
        assert set(person) <= allowed
        assert "secret_flag" not in person.get("flags", {})
    assert "6217170000123456780" not in json.dumps(got)


def test_a_body_that_is_not_json_is_400_and_unknown_batch_fields_422(device: Device) -> None:
    """As docs/sync-protocol.md says: 400 for a body that is not JSON (not pydantic's 422);
    a batch body with a top-level field the protocol lacks is refused like any unknown
    field (422), not silently ignored."""
    for raw in (b"not json", b'{"cases": [', b"\xff\xfe"):
        answer = device.http.post(
            "/cases/batch", content=raw, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400, (raw, answer.text)
        assert answer.json()["error"] == "the body is not JSON"
    answer = device.http.post("/cases/batch", json={"cases": [], "sneaky": 1})
    assert answer.status_code == 422 and "sneaky" in answer.json()["error"], answer.text
    assert device.http.post("/cases/batch", json={"cases": []}).status_code == 200


@pytest.mark.parametrize(
    "spell",
    [str.upper, lambda d: d.replace("-", ""), lambda d: "{" + d + "}", lambda d: "urn:uuid:" + d],
)
def test_an_enrollment_in_another_spelling_of_the_device_id_proves_the_key(
    server: ServerProcess, spell: Any
) -> None:
    """A kiosk that spells its id otherwise (and signs that spelling) is enrolled under the
    canonical id, not refused as a bad signature counted toward throttling."""
    wanted = str(uuid.uuid4())
    device, token, _key = enroll_raw(server, device_id=spell(wanted))
    with httpx.Client(base_url=server.url + "/api/v1", timeout=30) as http:
        answer = http.get("/device", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["device_id"] == wanted, answer.text
    assert device == spell(wanted)
