"""Issue 16, tester's finding 9: a lower-numbered release never takes effect once a higher
one is in force, so it is not listed as 待生效; with releases pulled but none in force
yet, staff read that the server's release waits for its time (not "还没有发布")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.device_identity import public_key_b64
from kiosk.forms.catalogue import DEFINITIONS_DIR
from kiosk.forms.publish import build_release
from kiosk.forms.releases import effective_releases, pending_releases
from kiosk.services.context import open_kiosk
from kiosk.services.published import install_release, status_lines
from kiosk.sync.state import RELEASE_KEY

KEY = Ed25519PrivateKey.generate()
NOW = datetime.now(UTC)


def test_a_superseded_release_is_neither_pending_nor_used(tmp_path: Path) -> None:
    root = tmp_path / "kiosk"
    ctx = open_kiosk(root)
    try:
        with ctx.store.unit_of_work() as uow:
            uow.meta.set(RELEASE_KEY, public_key_b64(KEY))
            uow.commit()
        first = build_release(
            DEFINITIONS_DIR, KEY, release=1, effective=NOW + timedelta(days=1), publisher="s"
        )
        install_release(ctx, first)
        assert status_lines(ctx)[0].startswith(
            "正在使用的表单：本机自带的版本（镇服务器发布的还没到使用时间）"
        )
        assert any(line.startswith("待生效：发布第1版") for line in status_lines(ctx))
        second = build_release(
            DEFINITIONS_DIR, KEY, release=2, effective=NOW - timedelta(hours=1), publisher="s"
        )
        install_release(ctx, second)
        lines = status_lines(ctx)
        assert lines[0].startswith("正在使用的表单：镇服务器发布第2版")
        assert not [line for line in lines if line.startswith("待生效")], lines
        assert pending_releases(root, NOW) == []
        # Release 1's time comes: 2 stays the newest in force (1's files lie under it, as
        # an older release's do for drafts started under it).
        later = NOW + timedelta(days=2)
        assert [f.name for f in effective_releases(root, later)][-1] == "000002"
        assert pending_releases(root, later) == []
    finally:
        ctx.close()
