"""Helpers of the sync tests (a module of its own: test files must not import ``conftest``,
whose name other test folders share)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from server_process import ServerProcess

from kiosk.services.context import KioskContext

KioskFactory = Callable[..., KioskContext]


def add_cases(ctx: KioskContext, n: int) -> list[str]:
    from helpers import FORM_ID, example

    from kiosk.services.cases import fill_case

    return [fill_case(ctx, FORM_ID, example(), volunteer_id="V001").id for _ in range(n)]


def clone_cases(ctx: KioskContext, source_id: str, n: int) -> list[str]:
    """``n`` more queued cases copied from a real finalized one, each with its own UUID and
    number and its personal data encrypted under its own id, and its identity code signed for
    that id (fast: no form engine)."""
    import uuid
    from datetime import datetime

    from sqlalchemy import insert

    from kiosk.device_identity import load_or_create_signing_key
    from kiosk.services.identity import sign_case
    from kiosk.store.models import CaseRow, OutboxEntry

    key = load_or_create_signing_key(ctx.data_root)

    with ctx.store.unit_of_work() as uow:
        row = uow.cases.get(source_id)
        assert row is not None
        data = uow.cases.read_personal(row)
        template = {c.name: getattr(row, c.name) for c in CaseRow.__table__.columns}
        ids, cases = [], []
        # Real numbers of the source's day and device part: the trust rule checks the
        # number's device part against the signer (kiosk.printing.trust).
        day = datetime.strptime(row.number[:6], "%y%m%d").date()
        device = row.number.split("-")[1]
        for _ in range(n):
            case_id = str(uuid.uuid4())
            number = uow.cases.next_number(day=day, device=device)
            copy = CaseRow(**dict(template, id=case_id, number=number))
            uow.cases.write_personal(copy, data)
            signed = sign_case(copy, key)
            cases.append(
                dict(template, id=case_id, number=number, personal=copy.personal)
                | {"identity_code": signed}
            )
            ids.append(case_id)
        if cases:
            uow.session.execute(insert(CaseRow), cases)
            uow.session.execute(
                insert(OutboxEntry), [{"case_id": i, "state": "pending"} for i in ids]
            )
        uow.commit()
    return ids


def server_counts(server: ServerProcess) -> Counter[str]:
    """How many times each case UUID exists on the server (staff API)."""
    with server.staff() as staff:
        body = staff.get("/staff/cases", params={"limit": 100000}).json()
    return Counter(c["id"] for c in body["cases"])


def outbox_states(ctx: KioskContext) -> Counter[str]:
    from sqlalchemy import select

    from kiosk.store.models import OutboxEntry

    with ctx.store.unit_of_work() as uow:
        return Counter(uow.session.scalars(select(OutboxEntry.state)))


def assert_exactly_once(server: ServerProcess, ctx: KioskContext, case_ids: list[str]) -> None:
    counts = server_counts(server)
    assert all(counts[c] == 1 for c in case_ids), {c: counts[c] for c in case_ids}
    states = outbox_states(ctx)
    assert states["pending"] == 0 and states["quarantined"] == 0, states


def enroll_raw(
    server: ServerProcess, *, device_id: str | None = None, name: str = "石马镇大厅9号机"
) -> tuple[str, str, object]:
    """Enroll a made-up device over the API as a kiosk would (nonce, signature);
    return (device id, bearer token, its private key)."""
    import uuid

    import httpx
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk.device_identity import public_key_b64
    from kiosk.sync.proofs import ENROLL_PURPOSE, proof_message, sign_proof

    code = server.admin("enroll", "--name", name).strip()
    key = Ed25519PrivateKey.generate()
    public, device = public_key_b64(key), device_id or str(uuid.uuid4())
    with httpx.Client(base_url=server.url + "/api/v1", timeout=30) as http:
        nonce = http.post("/enroll/challenge").json()["nonce"]
        message = proof_message(ENROLL_PURPOSE, nonce, device, public, code.replace("-", ""))
        body = {
            "code": code,
            "device_id": device,
            "public_key": public,
            "nonce": nonce,
            "signature": sign_proof(key, message),
        }
        answer = http.post("/enroll", json=body)
        assert answer.status_code == 200, answer.text
    return device, answer.json()["token"], key


def poison_case(ctx: KioskContext) -> str:
    """A case whose volunteer id (40 characters) the protocol does not take: as a case made
    before ``kiosk fill`` refused such ids (kiosk.services.cases.check_volunteer_id)."""
    from helpers import FORM_ID, example

    from kiosk.services.cases import fill_case

    case_id = fill_case(ctx, FORM_ID, example(), volunteer_id="V001").id
    with ctx.store.unit_of_work() as uow:
        uow.cases.require(case_id).volunteer_id = "V" * 40
        uow.commit()
    return case_id
