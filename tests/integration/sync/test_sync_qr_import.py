"""QR import: a printed case scanned at the server is the same case the network brings
(exists once), verified with the enrolled key of the device that printed it."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from server_process import ServerProcess
from sync_helpers import KioskFactory, add_cases, assert_exactly_once

from kiosk.device_identity import load_or_create_signing_key
from kiosk.printing.qr_codec import encode_data_codes
from kiosk.printing.signing import identity_of, sign_identity
from kiosk.services.cases import show_case
from kiosk.services.context import KioskContext
from kiosk.services.packets import case_packet
from kiosk.services.sync import sync_once, sync_status
from kiosk.sync.client import SyncClient
from kiosk.sync.pull import pull_changes
from kiosk.sync.state import load_credentials


def scanned(ctx: KioskContext, case_id: str, key: Ed25519PrivateKey | None = None) -> list[str]:
    packet = case_packet(ctx, case_id)
    form = ctx.catalogue.get(packet.form_id, packet.form_version)
    signer = key or load_or_create_signing_key(ctx.data_root)
    return [sign_identity(identity_of(packet), signer), *encode_data_codes(packet, form)]


def test_scanned_case_and_network_case_are_one(
    sqlite_server: ServerProcess, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(sqlite_server)
    ids = add_cases(ctx, 3)
    with sqlite_server.staff() as staff:
        r = staff.post("/staff/qr-import", json={"payloads": scanned(ctx, ids[0])})
        assert r.status_code == 200 and r.json()["results"][0]["status"] == 201
        again = staff.post("/staff/qr-import", json={"payloads": scanned(ctx, ids[0])})
        assert again.json()["results"][0]["status"] == 202
        forged = scanned(ctx, ids[1], key=Ed25519PrivateKey.generate())
        bad = staff.post("/staff/qr-import", json={"payloads": forged}).json()["results"][0]
        assert bad["status"] == 422 and "signature" in bad["reason"]
        case = staff.get(f"/staff/cases/{ids[0]}").json()["case"]
        assert case["source"] == "qr"  # routed as its form says (v3: the 社保 offices)
        assert [t["desk"] for t in case["tasks"]] == ["社保所", "区社保局"]

    report = sync_once(ctx)  # the network copy of ids[0] is answered 202
    assert (report.sent, report.quarantined, report.error) == (3, 0, None)
    assert_exactly_once(sqlite_server, ctx, ids)
    assert show_case(ctx, ids[0]).summary.state == "sent"


def test_cli_qr_import(sqlite_server: ServerProcess, make_kiosk: KioskFactory, tmp_path) -> None:
    ctx = make_kiosk(sqlite_server)
    [case_id] = add_cases(ctx, 1)
    scan = tmp_path / "scan.txt"
    scan.write_text("\n".join(scanned(ctx, case_id)) + "\n", "utf-8")
    out = sqlite_server.admin("qr", "import", str(scan))
    assert out.startswith(f"{case_id}: 201")
    # Without sending anything, the kiosk learns its case arrived from the status change.
    with ctx.store.unit_of_work() as uow:
        creds = load_credentials(uow.meta, ctx.store.cipher)
    assert creds is not None
    with SyncClient(sqlite_server.url, token=creds.token) as client:
        assert pull_changes(ctx.store, client) == 1
    assert show_case(ctx, case_id).summary.state == "sent"
    assert sync_status(ctx).pending == 0
