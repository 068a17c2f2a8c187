"""Issue 18: the desk console lists a case's photographed pages with how far each has
arrived, and shows a page (thumbnail, full image) to staff who may see the case, through
the desk login and the staff API; nobody else gets an image or a hint of one."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest
from desk_helpers import DeskServer, desk_server, login
from helpers import APPLICANT_ID, FORM_ID, example
from PIL import Image

from kiosk.devices.camera import draw_page
from kiosk.services.attachments import add_attachment
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.sync.attachments_push import _declaration
from kiosk.sync.protocol import API_PREFIX

STAFF_TOKEN = "s" * 40


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DeskServer]:
    monkeypatch.setenv("KIOSK_SERVER_HOME", str(tmp_path / "server-home"))
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with desk_server(url, tmp_path, staff_token=STAFF_TOKEN) as running:
        yield running


def _upload(server: DeskServer, ctx: KioskContext, attachment_id: str, upto: int | None) -> None:
    """The kiosk's upload through the API: declared, then bytes up to ``upto`` (all)."""
    auth = {"Authorization": f"Bearer {server.tokens[ctx.store.device_id]}"}
    body = _declaration(ctx.store, attachment_id)
    r = server.client.put(f"{API_PREFIX}/attachments/{attachment_id}", json=body, headers=auth)
    assert r.status_code == 200, r.text
    data = ctx.store.blobs.read(attachment_id)[:upto]
    headers = {**auth, "Content-Type": "application/octet-stream",
               "X-Chunk-SHA256": hashlib.sha256(data).hexdigest()}  # fmt: skip
    r = server.client.put(
        f"{API_PREFIX}/attachments/{attachment_id}/chunks/0", content=data, headers=headers
    )
    assert r.status_code == 200, r.text


def test_pages_listed_with_completeness_and_shown_only_to_staff(
    server: DeskServer, ctx: KioskContext
) -> None:
    case_id = fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID, volunteer_id="V001").id
    whole, partial = (
        add_attachment(
            ctx, case_id, material_id="applicant_id_card",
            data=cv2.imencode(".jpg", draw_page(seed=seed))[1].tobytes(),
        )
        for seed in (1, 2)
    )  # fmt: skip
    server.take(ctx, case_id)
    _upload(server, ctx, whole.id, None)
    _upload(server, ctx, partial.id, whole.size // 3)
    image_path = f"/desk/cases/{case_id}/pages/{whole.id}"

    # Not logged in: no image, only the way to the login page.
    r = server.client.get(image_path, follow_redirects=False)
    assert r.status_code in (302, 303, 401) and not r.content.startswith(b"\xff\xd8")

    server.add_staff("shebao", "社保所")  # the case's first desk (no village stamp since v3)
    login(server.client, "shebao")
    page = server.client.get(f"/desk/cases/{case_id}").text
    assert "材料照片" in page and "1/2 页已传到" in page and "1 页待传" in page
    assert "您本人的身份证 第1页" in page and "传输中 33%" in page
    thumb = server.client.get(image_path, params={"size": "thumb"})
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).width == 320
    full = server.client.get(image_path)
    assert full.content == ctx.store.blobs.read(whole.id)
    assert full.headers["cache-control"] == "no-store"
    # A page still arriving, or one of another case, is not shown.
    assert server.client.get(f"/desk/cases/{case_id}/pages/{partial.id}").status_code == 404
    other = fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID, volunteer_id="V001").id
    server.take(ctx, other)
    assert server.client.get(f"/desk/cases/{other}/pages/{whole.id}").status_code == 404

    # The staff API: the same page with the staff token, nothing without it.
    api = f"{API_PREFIX}/staff/cases/{case_id}/attachments/{whole.id}"
    assert server.client.get(api).status_code == 401
    assert (
        server.client.get(api, headers={"Authorization": "Bearer wrong-token-xx"}).status_code
        == 401
    )
    shown = server.client.get(api, headers={"Authorization": f"Bearer {STAFF_TOKEN}"})
    assert shown.status_code == 200 and shown.content == full.content
    listed = server.client.get(
        f"{API_PREFIX}/staff/cases/{case_id}/attachments",
        headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
    ).json()
    assert listed["expected"] == 2 and listed["complete"] == 1
    # A reprint at the desk tells the paper's data codes the page still to come.
    from kiosk.server.desk.printout import pages_to_come

    with server.sessions() as session:
        assert pages_to_come(session, case_id) == 1
