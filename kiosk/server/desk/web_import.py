"""扫码导入: a paper whose case never reached the server (network down) is imported by
scanning its codes into the page's box (kiosk.server.desk.importing)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from kiosk.server import routing
from kiosk.server.desk import audit
from kiosk.server.desk.casework import case_view, may_view
from kiosk.server.desk.importing import import_scanned
from kiosk.server.desk.web_common import (
    PREFIX,
    DeskContext,
    check_post,
    client_of,
    current_login,
    pop_flash,
    redirect,
    render,
    set_flash,
)


def import_routes(ctx: DeskContext) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    @router.get("/import")
    def import_form(request: Request) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            return render(
                ctx, request, "import.html", login, flash=pop_flash(session, login), page="import"
            )

    @router.post("/import")
    def import_codes(
        request: Request,
        codes: Annotated[str, Form(max_length=60000)] = "",
        csrf_token: Annotated[str, Form(max_length=64)] = "",
    ) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            check_post(ctx, request, session, login, csrf_token)
        outcome = import_scanned(ctx.sessions, codes.splitlines(), ctx.forms)
        with ctx.session() as session:
            opened = outcome.case_id
            text = outcome.text
            if opened is not None:
                case = routing.find_case(session, opened)
                view = case_view(session, ctx.hall(session), ctx.forms, case, ctx.today())
                if not may_view(view, login.staff):
                    where = view.current.place.text if view.current else "镇里"
                    text += f"这件不经过{login.staff.desk}，已在{where}等着办理。"
                    opened = None
            audit.record(
                session,
                login.staff,
                "qr_import",
                case_id=outcome.case_id,
                detail=text,
                client=client_of(request),
            )
            set_flash(session, login, text)
            session.commit()
        if opened:
            return redirect(f"{PREFIX}/cases/{opened}")
        return redirect(f"{PREFIX}/import")

    return router
