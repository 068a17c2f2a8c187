"""Issue 16, tester's finding 2: a release's file changed on the kiosk's disk after it was
installed is checked again against its signature whenever the releases are loaded: it
is refused (the shipped copy is used), reported to staff, and shown by the forms CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.device_identity import public_key_b64
from kiosk.forms.catalogue import DEFINITIONS_DIR
from kiosk.forms.publish import build_release
from kiosk.forms.releases import in_use_lines, published_catalogue, releases_root
from kiosk.services.context import open_kiosk
from kiosk.services.published import install_release, refused_definitions, status_lines
from kiosk.sync.state import RELEASE_KEY

KEY = Ed25519PrivateKey.generate()
WHEN = datetime.now(UTC) - timedelta(hours=1)


def test_a_file_changed_after_install_is_refused_and_reported(tmp_path: Path) -> None:
    root = tmp_path / "kiosk"
    ctx = open_kiosk(root)
    try:
        with ctx.store.unit_of_work() as uow:
            uow.meta.set(RELEASE_KEY, public_key_b64(KEY))
            uow.commit()
        body = build_release(DEFINITIONS_DIR, KEY, release=6, effective=WHEN, publisher="s")
        assert install_release(ctx, body) is not None
    finally:
        ctx.close()
    policy = releases_root(root) / "000006" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    start = text.index("  funeral_grant_yuan:")
    block = text[start : text.index("confirmed: false", start) + len("confirmed: false")]
    forged = block.replace("value: null", "value: 5000").replace("false", "true")
    policy.write_text(text.replace(block, forged), encoding="utf-8")

    ctx = open_kiosk(root)  # the kiosk is opened again on the changed disk
    try:
        funeral = ctx.catalogue.policy.get("funeral_grant_yuan")
        assert funeral.value is None and not funeral.confirmed
        assert ctx.catalogue.release_folders[0] == "000006"  # the other files still used
        assert [(r["release"], r["path"]) for r in refused_definitions(ctx)] == [(6, "policy.yaml")]
        assert "已拒绝：第6版 policy.yaml：本机上的文件被改动过，已改用上一版" in status_lines(ctx)
        # Fetched again, the same release repairs the installed copy.
        assert install_release(ctx, body) is not None
        assert "value: 5000" not in policy.read_text(encoding="utf-8")
    finally:
        ctx.close()
    now = datetime.now(UTC)
    policy.write_text(text.replace(block, forged), encoding="utf-8")
    catalogue = published_catalogue(root, now)
    assert catalogue is not None and catalogue.policy.get("funeral_grant_yuan").value is None
    assert any(
        line.startswith("refused: release 6 policy.yaml: changed on this kiosk's disk")
        for line in in_use_lines(root, now, catalogue)
    )
