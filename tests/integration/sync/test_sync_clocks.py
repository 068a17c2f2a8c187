"""The issue's promises about time, end to end with a real server process: the server's
clock is the one that counts. A kiosk whose clock is a day or a year off still sends its
cases; its token is renewed when the *server* says it expires within 10 days, whatever
the kiosk's own clock says (a kiosk weeks ahead renewed at every round, one weeks behind
let its token lapse)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from server_process import ServerProcess
from sqlalchemy import update
from sync_helpers import add_cases, assert_exactly_once

from kiosk.server.db import create_server_engine, session_factory
from kiosk.server.models import Device
from kiosk.services.context import KioskContext, local_now, open_kiosk
from kiosk.services.sync import enroll_device, sync_once
from kiosk.store.models import utcnow
from kiosk.sync import state


def _token(ctx: KioskContext) -> str:
    with ctx.store.unit_of_work() as uow:
        creds = state.load_credentials(uow.meta, ctx.store.cipher)
    assert creds is not None
    return creds.token


def _kiosk(server: ServerProcess, root: Path, clock: Callable[[], datetime]) -> KioskContext:
    from helpers import catalogue

    ctx = open_kiosk(root, catalogue=catalogue(), clock=clock)
    enroll_device(ctx, server.url, server.admin("enroll", "--name", "石马镇大厅1号机").strip())
    return ctx


@pytest.mark.parametrize("skew", [timedelta(days=1), timedelta(days=365), -timedelta(days=7)])
def test_a_kiosk_whose_clock_is_off_still_sends_its_cases(
    sqlite_server: ServerProcess, tmp_path: Path, skew: timedelta
) -> None:
    ctx = _kiosk(sqlite_server, tmp_path / "kiosk", lambda: local_now() + skew)
    try:
        ids = add_cases(ctx, 2)
        report = sync_once(ctx)
        assert report.error is None and report.sent == 2, report
        assert_exactly_once(sqlite_server, ctx, ids)
    finally:
        ctx.close()


def test_the_token_is_renewed_by_the_servers_clock_not_the_kiosks(
    sqlite_server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import fixed_clock

    ctx = _kiosk(sqlite_server, tmp_path / "kiosk", fixed_clock)
    try:
        first = _token(ctx)
        # The kiosk's clock runs a year ahead: by it the token expired long ago. The server
        # says 30 days are left: no renewal at every round.
        ahead = utcnow() + timedelta(days=365)
        monkeypatch.setattr("kiosk.sync.tokens.utcnow", lambda: ahead)
        for _ in range(2):
            assert sync_once(ctx).error is None
        assert _token(ctx) == first
        # The kiosk's clock runs 40 days behind (by it 70 days are left), but the server's
        # clock says the token expires in 5 days: renewed now, the old one stops working.
        behind = utcnow() - timedelta(days=40)
        monkeypatch.setattr("kiosk.sync.tokens.utcnow", lambda: behind)
        engine = create_server_engine(sqlite_server.db_url)
        with session_factory(engine)() as session:
            session.execute(
                update(Device)
                .where(Device.id == ctx.store.device_id)
                .values(token_expires_at=utcnow() + timedelta(days=5))
            )
            session.commit()
        engine.dispose()
        add_cases(ctx, 1)
        report = sync_once(ctx)
        assert report.error is None and report.sent == 1, report
        fresh = _token(ctx)
        assert fresh != first
        with httpx.Client(base_url=sqlite_server.url + "/api/v1", timeout=30) as http:
            old = http.get("/device", headers={"Authorization": f"Bearer {first}"})
            new = http.get("/device", headers={"Authorization": f"Bearer {fresh}"})
        assert old.status_code == 401 and new.status_code == 200
        expires = datetime.fromisoformat(new.json()["token_expires_at"].removesuffix("Z"))
        assert expires > utcnow() + timedelta(days=29)
    finally:
        ctx.close()
