"""My desk's queue, opening a case by scan or number, the case page and its actions,
打印, and 扫码导入 (a case whose network copy has not arrived).

Who may see a case: staff of a desk its routing passes through (today's places), and
admins. Who may act: only the desk that handles the current step (kiosk.server.desk.actions).
Opening a case is audited, as is every action and every refusal.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server import routing
from kiosk.server.desk import actions, audit, sms
from kiosk.server.desk.casework import CaseView, case_view, desk_queue
from kiosk.server.desk.logins import Login
from kiosk.server.desk.models import SmsMessage
from kiosk.server.desk.printout import PrintRefused, case_pdf
from kiosk.server.desk.scan import open_scanned
from kiosk.server.desk.web_common import (
    PREFIX,
    DeskContext,
    Forbidden,
    check_post,
    client_of,
    current_login,
    pop_flash,
    redirect,
    render,
    set_flash,
)
from kiosk.server.qr_import import QrImportError, import_payloads

Text = Annotated[str, Form(max_length=400)]
Csrf = Annotated[str, Form(max_length=64)]


def _view(ctx: DeskContext, session: Session, login: Login, key: str) -> CaseView:
    try:
        case = routing.find_case(session, key)
    except routing.CaseNotFound as exc:
        raise Forbidden(f"没有找到办件 {key}。", 404) from exc
    view = case_view(session, ctx.hall(session), ctx.forms, case, ctx.today())
    staff = login.staff
    if not staff.is_admin and all(s.place.desk != staff.desk for s in view.steps):
        audit.record(session, staff, "desk_refused", case_id=case.id, detail="view")
        session.commit()
        raise Forbidden(f"办件 {case.number} 不经过{staff.desk}，您不能查看。")
    return view


def case_routes(ctx: DeskContext) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    @router.get("/")
    def home(request: Request) -> Response:
        return redirect(f"{PREFIX}/queue")

    @router.get("/queue")
    def queue(request: Request, desk: str = "") -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            hall = ctx.hall(session)
            shown = (
                desk if (desk and login.staff.is_admin and hall.find(desk)) else login.staff.desk
            )
            rows = desk_queue(session, hall, ctx.forms, shown, ctx.today())
            return render(
                ctx,
                request,
                "queue.html",
                login,
                flash=pop_flash(session, login),
                desk=shown,
                rows=rows,
                desks=[d.name for d in hall.desks] if login.staff.is_admin else [],
                page="queue",
            )

    @router.get("/open")
    def open_case(request: Request, code: str = "") -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            found = open_scanned(session, code[:2000])
            if found.case is None:
                set_flash(session, login, found.message)
                session.commit()
                return redirect(f"{PREFIX}/queue")
            return redirect(f"{PREFIX}/cases/{found.case.id}")

    @router.get("/cases/{case_id}")
    def show(request: Request, case_id: str) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            view = _view(ctx, session, login, case_id)
            audit.record(
                session, login.staff, "view", case_id=view.case.id, client=client_of(request)
            )
            session.commit()
            current = view.current
            accepted = bool(
                current
                and any(e.action == "accept" for e in current.history)
                and view.case.status == "accepted"
            )
            return render(
                ctx,
                request,
                "case.html",
                login,
                flash=pop_flash(session, login),
                view=view,
                current=current,
                mine=bool(current and current.place.desk == login.staff.desk),
                accepted=accepted,
                following=view.next_after(current) if current else None,
                messages=sms_rows(session, view.case.id),
                page="case",
            )

    def act(request: Request, case_id: str, csrf: str, do: actions.ActionFn) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            check_post(ctx, request, session, login, csrf)
            view = _view(ctx, session, login, case_id)
            actor = actions.Actor(login.staff, client_of(request), ctx.settings.hall_name)
            try:
                message = do(session, view, actor)
            except actions.ActionRefused as exc:
                session.rollback()
                audit.record(
                    session,
                    login.staff,
                    "desk_refused",
                    case_id=view.case.id,
                    detail=str(exc),
                    client=actor.client,
                )
                session.commit()
                raise Forbidden(str(exc)) from exc
            set_flash(session, login, message)
            session.commit()
        sms.deliver_queued(ctx.sessions, ctx.gateway)
        return redirect(f"{PREFIX}/cases/{case_id}")

    @router.post("/cases/{case_id}/accept")
    def accept(
        request: Request, case_id: str, task_id: Annotated[int, Form()], csrf_token: Csrf = ""
    ) -> Response:
        return act(request, case_id, csrf_token, lambda s, v, a: actions.accept(s, v, a, task_id))

    @router.post("/cases/{case_id}/done")
    def done(
        request: Request,
        case_id: str,
        task_id: Annotated[int, Form()],
        note: Text = "",
        csrf_token: Csrf = "",
    ) -> Response:
        return act(
            request,
            case_id,
            csrf_token,
            lambda s, v, a: actions.finish_step(s, v, a, task_id, note),
        )

    @router.post("/cases/{case_id}/needs-materials")
    def needs(
        request: Request,
        case_id: str,
        task_id: Annotated[int, Form()],
        missing: Annotated[list[str] | None, Form()] = None,
        text: Text = "",
        csrf_token: Csrf = "",
    ) -> Response:
        return act(
            request,
            case_id,
            csrf_token,
            lambda s, v, a: actions.needs_materials(s, v, a, task_id, missing or [], text),
        )

    @router.post("/cases/{case_id}/refuse")
    def refuse(
        request: Request,
        case_id: str,
        task_id: Annotated[int, Form()],
        reason: Text = "",
        csrf_token: Csrf = "",
    ) -> Response:
        return act(
            request, case_id, csrf_token, lambda s, v, a: actions.refuse(s, v, a, task_id, reason)
        )

    @router.post("/cases/{case_id}/note")
    def note(
        request: Request,
        case_id: str,
        task_id: Annotated[int, Form()],
        text: Text = "",
        csrf_token: Csrf = "",
    ) -> Response:
        return act(
            request, case_id, csrf_token, lambda s, v, a: actions.add_note(s, v, a, task_id, text)
        )

    @router.post("/cases/{case_id}/materials")
    def material(
        request: Request,
        case_id: str,
        task_id: Annotated[int, Form()],
        material_id: Annotated[str, Form(max_length=64)],
        received: Annotated[str, Form(max_length=3)] = "1",
        csrf_token: Csrf = "",
    ) -> Response:
        return act(
            request,
            case_id,
            csrf_token,
            lambda s, v, a: actions.tick_material(s, v, a, task_id, material_id, received == "1"),
        )

    @router.get("/cases/{case_id}/print.pdf")
    def print_pdf(request: Request, case_id: str) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            view = _view(ctx, session, login, case_id)
            try:
                pdf = case_pdf(session, ctx.forms, view.case, ctx.settings.hall_name)
            except PrintRefused as exc:
                raise Forbidden(str(exc), 409) from exc
            audit.record(
                session, login.staff, "print", case_id=view.case.id, client=client_of(request)
            )
            session.commit()
        headers = {"Content-Disposition": f'inline; filename="case-{view.case.number}.pdf"'}
        return Response(pdf, media_type="application/pdf", headers=headers)

    @router.get("/import")
    def import_form(request: Request) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            return render(
                ctx, request, "import.html", login, flash=pop_flash(session, login), page="import"
            )

    @router.post("/import")
    def import_codes(
        request: Request, codes: Annotated[str, Form(max_length=60000)], csrf_token: Csrf = ""
    ) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            check_post(ctx, request, session, login, csrf_token)
        payloads = [line.strip() for line in codes.splitlines() if line.strip()]
        try:
            results = import_payloads(ctx.sessions, payloads, ctx.forms)
        except QrImportError as exc:
            message, case_id = f"导入没有成功：{exc}", None
        else:
            r = results[0]
            ok = r.status in (201, 202)
            message = (
                ("已导入。" if r.status == 201 else "镇里已经有这件。")
                if ok
                else f"导入被拒绝：{r.reason}"
            )
            case_id = r.case_id if ok else None
        with ctx.session() as session:
            audit.record(
                session,
                login.staff,
                "qr_import",
                case_id=case_id,
                detail=message,
                client=client_of(request),
            )
            set_flash(session, login, message)
            session.commit()
        return redirect(f"{PREFIX}/cases/{case_id}" if case_id else f"{PREFIX}/import")

    return router


def sms_rows(session: Session, case_id: str) -> list[SmsMessage]:
    query = select(SmsMessage).where(SmsMessage.case_id == case_id).order_by(SmsMessage.id)
    return list(session.scalars(query))
