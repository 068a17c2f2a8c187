"""Photographed pages reach the town server whole, once, through a link that keeps
dropping: resumable chunks through the fault proxy, kiosk and server restarts."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator

import numpy as np
import pytest
from fault_proxy import FaultProxy
from helpers import catalogue, fixed_clock
from PIL import Image
from server_process import ServerProcess
from sync_helpers import KioskFactory, add_cases

from kiosk.server.attachments import read_whole
from kiosk.server.db import create_server_engine, session_factory
from kiosk.services.attachments import add_attachment, list_attachments
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.sync import sync_once
from kiosk.sync.backoff import Backoff
from kiosk.sync.rounds import SyncOptions

CHUNK = 256 * 1024
OPTIONS = SyncOptions(timeout_s=5.0, backoff=Backoff(base_s=0.01, cap_s=0.01), chunk_bytes=CHUNK)
# A link that drops again and again: every kind of cut, between chunks that pass.
DROPS = ["pass", "drop_request", "pass", "truncate", "pass", "refuse", "drop_response", "pass"]


def photo(megabytes: float, seed: int = 1) -> bytes:
    """A PNG of noise (does not compress): about ``megabytes`` MB."""
    side = int((megabytes * 1_000_000 / 3) ** 0.5)
    pixels = np.random.default_rng(seed).integers(0, 256, (side, side, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG", compress_level=1)
    return out.getvalue()


@pytest.fixture
def proxy(own_server: ServerProcess) -> Iterator[FaultProxy]:
    proxy = FaultProxy(own_server.port, match="/attachments").start()
    proxy.hold_s = 6.0
    try:
        yield proxy
    finally:
        proxy.stop()


def server_bytes(server: ServerProcess, attachment_id: str) -> bytes:
    engine = create_server_engine(server.db_url)
    try:
        with session_factory(engine)() as session:
            return read_whole(session, attachment_id)
    finally:
        engine.dispose()


def chunk_sends(proxy: FaultProxy) -> list[tuple[str, str]]:
    """(attachment id + offset, fault) of every chunk request the proxy saw."""
    out = []
    for line, fault in proxy.requests:
        m = re.search(r"/attachments/([0-9a-f-]{36})/chunks/(\d+)", line)
        if m:
            out.append((f"{m.group(1)}@{m.group(2)}", fault))
    return out


def assert_no_acknowledged_chunk_sent_again(proxy: FaultProxy) -> None:
    acknowledged: set[str] = set()
    for key, fault in chunk_sends(proxy):
        assert key not in acknowledged, f"chunk {key} sent again after its acknowledgement"
        if fault in ("pass", "slow"):
            acknowledged.add(key)


def sync_until_sent(ctx: KioskContext, rounds: int = 60) -> int:
    for n in range(1, rounds + 1):
        report = sync_once(ctx, OPTIONS)
        if report.attachments_pending == 0 and report.error is None:
            return n
    raise AssertionError(f"attachments still pending after {rounds} rounds: {report}")


def test_a_5mb_photo_over_a_dropping_link_arrives_whole_once(
    own_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(own_server, url=proxy.url)
    case_id = add_cases(ctx, 1)[0]
    image = photo(5.1)
    assert len(image) > 5_000_000
    page = add_attachment(
        ctx, case_id, material_id="applicant_id_card", data=image, source="camera"
    )
    proxy.script(*(DROPS * 6))
    rounds = sync_until_sent(ctx)
    assert rounds > 1  # the link did drop
    assert server_bytes(own_server, page.id) == image
    assert_no_acknowledged_chunk_sent_again(proxy)
    sends = chunk_sends(proxy)
    assert set(proxy.seen) >= {"drop_request", "truncate", "refuse", "drop_response"}
    assert {f for _, f in sends} - {"pass"}, "no chunk met a fault"
    # Every chunk the server kept was sent at most twice (once more only when its answer
    # was lost in transit, and even then the kiosk asks first).
    offsets = {k for k, _ in sends}
    assert len(offsets) == -(-len(image) // CHUNK)
    [view] = list_attachments(ctx, case_id)
    assert view.sync_state == "sent" and view.sent_bytes == len(image)
    with own_server.staff() as staff:
        shown = staff.get(f"/staff/cases/{case_id}/attachments").json()
    assert shown["expected"] == 1 and shown["complete"] == 1


def test_the_case_goes_first_and_a_stuck_page_never_holds_it(
    own_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(own_server, url=proxy.url)
    case_id = add_cases(ctx, 1)[0]
    add_attachment(ctx, case_id, material_id="applicant_id_card", data=photo(0.6))
    proxy.script(*["refuse"] * 10)
    report = sync_once(ctx, OPTIONS)
    assert report.sent == 1  # the case is on the server though every page request failed
    assert report.attachments_pending == 1
    with own_server.staff() as staff:
        assert staff.get(f"/staff/cases/{case_id}").status_code == 200
        shown = staff.get(f"/staff/cases/{case_id}/attachments").json()
    assert shown["complete"] == 0


def test_restarts_of_kiosk_and_server_resume_where_they_stopped(
    own_server: ServerProcess, proxy: FaultProxy, make_kiosk: KioskFactory
) -> None:
    ctx = make_kiosk(own_server, url=proxy.url)
    root, settings = ctx.data_root, ctx.settings
    case_id = add_cases(ctx, 1)[0]
    images = [photo(1.2, seed=n) for n in range(3)]
    pages = [
        add_attachment(ctx, case_id, material_id="applicant_id_card", data=image)
        for image in images
    ]
    # First round: two chunks pass, then the link dies mid-upload.
    proxy.script("pass", "pass", "pass", "drop_request")
    sync_once(ctx, OPTIONS)
    ctx.close()  # the kiosk is switched off …
    own_server.stop()  # … and the server restarted
    own_server.start()
    again = open_kiosk(root, catalogue=catalogue(), clock=fixed_clock)
    again.settings = settings
    try:
        proxy.script("pass", "truncate", "pass", "drop_response", "pass")
        sync_until_sent(again)
        for page, image in zip(pages, images, strict=True):
            assert server_bytes(own_server, page.id) == image
        assert_no_acknowledged_chunk_sent_again(proxy)
        # The signed manifest lists all three; the server has all three whole.
        with own_server.staff() as staff:
            shown = staff.get(f"/staff/cases/{case_id}/attachments").json()
        assert (shown["expected"], shown["complete"]) == (3, 3)
        assert {a["id"] for a in shown["attachments"]} == {p.id for p in pages}
        digests = {hashlib.sha256(i).hexdigest() for i in images}
        assert {p.sha256 for p in list_attachments(again, case_id)} == digests
    finally:
        again.close()
