"""A case imported from its paper keeps how many photographed pages the paper said are
still to come: the staff API says expected N complete 0, and the case page shows its
材料照片 section with N 页待传 (brk18b 7)."""

from __future__ import annotations

import cv2
from desk_helpers import DeskServer, csrf_of, login
from helpers import APPLICANT_ID, FORM_ID, example

from kiosk.devices.camera import draw_page
from kiosk.server.attachments import case_attachments
from kiosk.services.attachments import add_attachment
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.services.printing import case_sheet


def test_an_imported_case_expects_the_pages_its_paper_announced(
    desk: DeskServer, ctx: KioskContext
) -> None:
    case_id = fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID).id
    for seed in (1, 2, 3):
        page = cv2.imencode(".jpg", draw_page(seed=seed))[1].tobytes()
        add_attachment(ctx, case_id, material_id="applicant_id_card", data=page)
    desk.enroll(ctx)
    sheet = case_sheet(ctx, case_id)
    desk.add_staff("shebao", "社保所")  # the case's first desk (v3 routes via 社保所)
    login(desk.client, "shebao")
    token = csrf_of(desk.client.get("/desk/import").text)
    codes = "\n".join([sheet.identity_payload, *sheet.data_payloads])
    r = desk.client.post("/desk/import", data={"csrf_token": token, "codes": codes})
    assert r.url.path == f"/desk/cases/{case_id}"
    with desk.sessions() as session:
        found = case_attachments(session, case_id)
    assert (found["expected"], found["complete"]) == (3, 0)
    page = desk.client.get(f"/desk/cases/{case_id}").text
    assert "材料照片" in page and "0/3 页已传到" in page and "3 页待传" in page
