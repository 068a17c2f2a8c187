"""材料照片 on the case page: the pages photographed at the kiosk, which have arrived
whole, and each page's image for staff who may see the case.

``case_pages(session, view)`` lists them for the template (material, page, arrived or
how far); ``GET /desk/cases/{case}/pages/{page}?size=thumb|full`` answers the image to a
logged-in staff member allowed to see the case (the same rule as the case page), and
audits each full view; anyone else gets the login page or a refusal, never an image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kiosk.server.attachment_pages import page_image
from kiosk.server.attachments import AttachmentRefused, case_attachments
from kiosk.server.desk import audit
from kiosk.server.desk.casework import CaseView
from kiosk.server.desk.web_common import PREFIX, DeskContext, Forbidden, client_of, current_login


@dataclass(frozen=True)
class PageRow:
    id: str
    material: str  # the material's label on the form
    page: int
    complete: bool
    percent: int  # of its bytes arrived


@dataclass(frozen=True)
class CasePages:
    expected: int  # pages the newest manifest lists
    complete: int
    rows: list[PageRow]

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.complete)


def case_pages(session: Session, view: CaseView) -> CasePages:
    found = case_attachments(session, view.case.id)
    labels = {m.id: m.label for m in view.materials}
    rows = [
        PageRow(
            a["id"],
            labels.get(a["material"], a["material"]),
            a["page"],
            a["complete"],
            a["received"] * 100 // max(a["size"], 1),
        )
        for a in found["attachments"]
    ]
    return CasePages(found["expected"], found["complete"], rows)


def page_routes(ctx: DeskContext) -> APIRouter:
    from kiosk.server.desk.web_cases import case_for_login

    router = APIRouter(prefix=PREFIX)

    @router.get("/cases/{case_id}/pages/{attachment_id}")
    def page(
        request: Request,
        case_id: str,
        attachment_id: str,
        size: Annotated[str, Query(pattern=r"^(thumb|full)$")] = "full",
    ) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            view = case_for_login(ctx, session, login, case_id, client_of(request))
            try:
                data, media_type = page_image(
                    session, view.case.id, attachment_id, thumb=size == "thumb"
                )
            except AttachmentRefused as exc:
                raise Forbidden("没有这张材料照片，或还没有传完。", 404) from exc
            if size == "full":
                audit.record(
                    session,
                    login.staff,
                    "page_view",
                    case_id=view.case.id,
                    detail=attachment_id[:8],
                    client=client_of(request),
                )
                session.commit()
        return Response(data, media_type=media_type, headers={"Cache-Control": "no-store"})

    return router
