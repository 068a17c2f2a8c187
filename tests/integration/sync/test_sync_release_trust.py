"""Issue 16, tester's findings 4 and 5, against a real town server on 127.0.0.1: the
kiosk trusts only the release key its enrollment answer gave (a release signed by any
other key is refused, and a forged one with a high number does not hide the genuine
releases that follow), and after a server restore (a new epoch) it fetches the releases
again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import FIXED_NOW, shipped_policy_version
from release_folder import release_folder
from release_helpers import publish, serve, served
from server_process import ServerProcess
from sync_helpers import KioskFactory

from kiosk.device_identity import load_or_create_signing_key, public_key_b64
from kiosk.forms.publish import build_release
from kiosk.services.published import refused_definitions, status_lines
from kiosk.services.sync import sync_once
from kiosk.sync import state

SHIPPED_POLICY = shipped_policy_version()


def test_only_the_enrolled_release_key_is_trusted_and_forgeries_block_nothing(
    own_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    ctx = make_kiosk(own_server)
    server_key = public_key_b64(load_or_create_signing_key(own_server.home))
    with ctx.store.unit_of_work() as uow:
        assert uow.meta.get(state.RELEASE_KEY) == server_key  # from the enrollment answer

    # Before the town server published anything, a forged release numbered 999, signed
    # by the attacker's own key, is served first (trust on first use would pin it).
    yesterday = (FIXED_NOW - timedelta(days=1)).isoformat()
    forged = build_release(
        release_folder(tmp_path, "forged", policy_version=SHIPPED_POLICY + 8, min_age=60),
        Ed25519PrivateKey.generate(),
        release=999,
        effective=FIXED_NOW - timedelta(days=1),
        publisher="attacker",
    )
    serve(own_server, forged, version=999)
    sync_once(ctx)
    assert ctx.catalogue.policy.version == SHIPPED_POLICY  # still the shipped policy
    assert [(r["release"], r["why"]) for r in refused_definitions(ctx)] == [
        (999, "release is signed by another key than this kiosk's town server")
    ]
    assert "已拒绝：第999版 整版：不是本镇服务器签发的，可能是伪造的" in status_lines(ctx)
    sync_once(ctx)  # fetched again, refused again: reported once
    assert len(refused_definitions(ctx)) == 1

    # The server's admin removes it; the genuine release 1 is published and used.
    serve(own_server, {"format": "none"}, version=0)
    out = publish(
        own_server,
        release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1, min_age=75),
        yesterday,
    )
    assert out.startswith("definitions: release 1,")
    sync_once(ctx)
    assert ctx.catalogue.policy.version == SHIPPED_POLICY + 1
    assert ctx.catalogue.release_folders == ["000001"]


def test_after_a_restore_the_kiosk_fetches_releases_again(
    own_server: ServerProcess, make_kiosk: KioskFactory, tmp_path: Path
) -> None:
    ctx = make_kiosk(own_server)
    yesterday = (FIXED_NOW - timedelta(days=1)).isoformat()
    publish(
        own_server,
        release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1, min_age=75),
        yesterday,
    )
    release1 = served(own_server)[1]
    sync_once(ctx)
    publish(
        own_server,
        release_folder(tmp_path, "r2", policy_version=SHIPPED_POLICY + 2, min_age=70),
        yesterday,
    )
    sync_once(ctx)
    assert ctx.catalogue.release_folders == ["000001", "000002"]

    # The database is restored from a backup taken after release 1 (the server's disk
    # still keeps release 2), and the epoch rotated as docs/deployment.md says.
    serve(own_server, release1, version=1)
    own_server.admin("epoch", "rotate")
    sync_once(ctx)  # sees the new epoch: forgets the versions, fetches again
    with ctx.store.unit_of_work() as uow:
        assert uow.meta.get(state.REFERENCE_VERSION.format(kind="definitions")) == "1"
    assert refused_definitions(ctx) == []  # release 1 again: the same content, no report
    # The next publish does not reuse number 2; the kiosk fetches and uses it.
    out = publish(
        own_server,
        release_folder(tmp_path, "r3", policy_version=SHIPPED_POLICY + 3, min_age=65),
        yesterday,
    )
    assert out.startswith("definitions: release 3,")
    sync_once(ctx)
    assert ctx.catalogue.release_folders == ["000001", "000002", "000003"]
    assert ctx.catalogue.policy.version == SHIPPED_POLICY + 3
