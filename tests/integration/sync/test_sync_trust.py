"""The trust rule and case numbers end to end, with a real town server (SQLite and
PostgreSQL): a case carried on paper to kiosk B syncs from B once, never quarantined;
forged cases are refused by sync and by the server's QR import alike; enrolled kiosks
get different device numbers and the server refuses a number held by another UUID."""

from __future__ import annotations

from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from server_process import ServerProcess
from sync_helpers import KioskFactory, add_cases, assert_exactly_once, server_counts

from kiosk.device_identity import load_or_create_signing_key
from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_numbers import DEVICE_NO_KEY
from kiosk.printing.qr_codec import encode_data_codes
from kiosk.printing.signing import identity_of, sign_identity
from kiosk.services.cases import show_case
from kiosk.services.context import KioskContext
from kiosk.services.identity import sign_case
from kiosk.services.packets import case_packet
from kiosk.services.printing import case_sheet
from kiosk.services.qr_import import import_scan
from kiosk.services.sync import quarantined_cases, sync_once
from kiosk.sync.client import SyncClient
from kiosk.sync.state import load_credentials


def paper(ctx: KioskContext, case_id: str) -> list[str]:
    sheet = case_sheet(ctx, case_id)
    return [sheet.identity_payload, *sheet.data_payloads]


def client_of(ctx: KioskContext, server: ServerProcess) -> SyncClient:
    with ctx.store.unit_of_work() as uow:
        creds = load_credentials(uow.meta, ctx.store.cipher)
    assert creds is not None
    return SyncClient(server.url, token=creds.token)


def test_a_case_imported_on_kiosk_b_syncs_once_and_is_not_quarantined(
    server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    a, b = make_kiosk(server), make_kiosk(server)
    early, late = add_cases(a, 2)
    assert sync_once(b).error is None  # B pulls the server's device list: A's key with it
    for case_id in (early, late):
        [done] = import_scan(b, paper(a, case_id))
        assert done.ok and done.result is not None and done.result.created, done.refused

    # B forwards both; the server has neither yet: created from B, A's later copy is 202.
    report_b = sync_once(b)
    assert (report_b.sent, report_b.quarantined, report_b.error) == (2, 0, None)
    report_a = sync_once(a)
    assert (report_a.sent, report_a.quarantined, report_a.error) == (2, 0, None)
    assert_exactly_once(server, a, [early, late])
    assert_exactly_once(server, b, [early, late])
    assert quarantined_cases(b) == []
    assert show_case(b, early).summary.state == "sent"
    with server.staff() as staff:
        case = staff.get(f"/staff/cases/{early}").json()["case"]
    assert case["device_id"] == a.store.device_id  # still A's case, whoever forwarded it


def test_forged_cases_are_refused_by_sync_and_by_qr_import(
    server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    a, b = make_kiosk(server), make_kiosk(server)
    [case_id] = add_cases(a, 1)
    genuine = case_packet(a, case_id)
    answers = {**genuine.answers, "bank_account": "6217170000999999999"}
    forged = replace(
        genuine,
        answers=answers,
        content_hash=content_hash(genuine.form_id, genuine.form_version, answers),
    )
    fake = replace(genuine, case_id="0" * 8 + genuine.case_id[8:], number=genuine.number + "9")
    other_key = Ed25519PrivateKey.generate()
    fake = replace(fake, identity_code=sign_identity(identity_of(fake), other_key))
    unsigned = replace(genuine, identity_code=None)
    with client_of(b, server) as client:  # B is enrolled: it may forward A's cases, not forge
        for packet, why in ((forged, "tampered"), (fake, "invalid signature"), (unsigned, "no id")):
            [result] = client.push([packet.to_dict()]).values()
            assert result.status == 422 and why in (result.reason or ""), result

    form = a.catalogue.get(genuine.form_id, genuine.form_version)
    identity = genuine.identity_code or ""
    with server.staff() as staff:
        bad = staff.post(
            "/staff/qr-import",
            json={"payloads": [identity, *encode_data_codes(forged, form)]},
        ).json()["results"]
        assert [r["status"] for r in bad] == [422] and "tampered" in bad[0]["reason"]
        # A genuine identity code beside the data of another case (same answers, other UUID).
        [other_id] = add_cases(a, 1)
        mixed = staff.post(
            "/staff/qr-import",
            json={"payloads": [identity, *paper(a, other_id)[1:]]},
        ).json()["results"]
        assert [r["status"] for r in mixed] == [422] and "mismatch" in mixed[0]["reason"]
        # Two genuine cases scanned together: both taken.
        both = staff.post(
            "/staff/qr-import", json={"payloads": paper(a, case_id) + paper(a, other_id)}
        ).json()["results"]
        assert sorted(r["status"] for r in both) == [201, 201]
    assert server_counts(server)[forged.case_id] == 1  # the genuine one, from the scan


def test_enrolled_kiosks_issue_different_numbers_and_a_held_number_is_refused(
    server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    a, b = make_kiosk(server), make_kiosk(server)
    numbers = []
    for ctx in (a, b):
        with ctx.store.unit_of_work() as uow:
            numbers.append(uow.meta.get(DEVICE_NO_KEY))
    assert None not in numbers and numbers[0] != numbers[1]
    [ca] = add_cases(a, 1)
    [cb] = add_cases(b, 1)
    na, nb = show_case(a, ca).summary.number, show_case(b, cb).summary.number
    assert na != nb and na.split("-")[1] == f"{int(numbers[0] or 0):02d}"
    assert na.split("-")[2] == nb.split("-")[2] == "001"  # same day, same sequence
    assert sync_once(a).sent == 1

    # B makes a case under A's number: signed by B, yet its number names device A: refused.
    with b.store.unit_of_work() as uow:
        row = uow.cases.require(cb)
        row.number = na
        row.identity_code = sign_case(row, load_or_create_signing_key(b.data_root))
        uow.commit()
    report = sync_once(b)
    assert (report.sent, report.quarantined) == (0, 1)
    [held] = quarantined_cases(b)
    assert held.reason.startswith("rejected: mismatch")
    assert f"names device {na.split('-')[1]}" in held.reason
    with server.staff() as staff:
        shown = staff.get(f"/staff/cases/{na}").json()["case"]
    assert shown["id"] == ca  # the number names one case
    assert server_counts(server)[cb] == 0

    # A reuses its own number for another case (say, a restored backup): a held number.
    [ca2] = add_cases(a, 1)
    with a.store.unit_of_work() as uow:
        row = uow.cases.require(ca)
        row.number = "261120-00-000"  # out of the way, locally only
        uow.session.flush()
        row2 = uow.cases.require(ca2)
        row2.number = na
        row2.identity_code = sign_case(row2, load_or_create_signing_key(a.data_root))
        uow.commit()
    # The server refuses the held number; A made the case, so A renumbers it, signs it
    # again and sends it (issue 11: never an eternal quarantine), flagged for a reprint.
    report = sync_once(a)
    assert quarantined_cases(a) == []
    renumbered = show_case(a, ca2).summary.number
    assert renumbered != na and renumbered.split("-")[1] == na.split("-")[1]
    assert server_counts(server)[ca2] == 1
    with server.staff() as staff:
        assert staff.get(f"/staff/cases/{na}").json()["case"]["id"] == ca  # still one case
