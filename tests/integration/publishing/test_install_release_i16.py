"""Issue 16, tester's finding 4 on the kiosk alone: a release is accepted only when signed
by the key the enrollment gave; a forged release numbered 999 — another key, or the
right key's name with unsigned or re-numbered files — is refused whole and blocks no
genuine release after it; without a key from enrollment nothing is accepted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.device_identity import public_key_b64
from kiosk.forms.catalogue import DEFINITIONS_DIR
from kiosk.forms.publish import build_release
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.published import (
    ReleaseRefused,
    install_release,
    refused_definitions,
    status_lines,
)
from kiosk.sync.state import RELEASE_KEY

KEY = Ed25519PrivateKey.generate()
WHEN = datetime.now(UTC) - timedelta(hours=1)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[KioskContext]:
    opened = open_kiosk(tmp_path / "kiosk")
    try:
        yield opened
    finally:
        opened.close()


def pin(ctx: KioskContext) -> None:
    with ctx.store.unit_of_work() as uow:
        uow.meta.set(RELEASE_KEY, public_key_b64(KEY))
        uow.commit()


def release(number: int, key: Ed25519PrivateKey = KEY) -> dict[str, Any]:
    return build_release(DEFINITIONS_DIR, key, release=number, effective=WHEN, publisher="s")


def test_without_a_key_from_enrollment_nothing_is_accepted(ctx: KioskContext) -> None:
    with pytest.raises(ReleaseRefused, match="no release key from enrollment"):
        install_release(ctx, release(1))
    assert (
        "已拒绝：第1版 整版：本机登记时没有取得镇服务器的签名钥匙，请重新登记本机"
        in status_lines(ctx)
    )


@pytest.mark.parametrize("forgery", ["other key", "unsigned", "renumbered"])
def test_a_forged_high_release_is_refused_whole_and_blocks_nothing(
    ctx: KioskContext, forgery: str
) -> None:
    pin(ctx)
    if forgery == "other key":
        forged = release(999, Ed25519PrivateKey.generate())
    elif forgery == "unsigned":
        forged = release(999)
        forged["files"] = [{**f, "signature": ""} for f in forged["files"]]
    else:  # a genuine release's signed files under another number
        forged = {**release(2), "release": 999}
    with pytest.raises(ReleaseRefused):
        install_release(ctx, forged)
    assert [r["release"] for r in refused_definitions(ctx)] == [999]
    genuine = install_release(ctx, release(2))
    assert genuine is not None and genuine.release == 2 and not genuine.refused
    assert install_release(ctx, release(2)) is None  # fetched again: nothing new
