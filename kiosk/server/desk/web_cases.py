"""My desk's queue, opening a case by scan or number, the case page and its actions,
显示完整号码 and 打印.

Who may see a case: staff of a desk its routing passes through (today's places), and
admins. Who may act: only the desk that handles the current step, from a page showing
the case as it is now (kiosk.server.desk.actions). Opening a case is audited, as is
every action, every reveal of numbers and every refusal (with its real reason and the
client's address).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.server import routing
from kiosk.server.db import lock_changes
from kiosk.server.desk import actions, audit, sms
from kiosk.server.desk.casework import CaseView, case_view, desk_queue, may_view
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
    is_background,
    pop_flash,
    redirect,
    render,
    set_flash,
)
from kiosk.server.desk.web_pages import case_pages

Text = Annotated[str, Form(max_length=400)]
Csrf = Annotated[str, Form(max_length=64)]
TaskId = Annotated[int, Form()]
Version = Annotated[str, Form(max_length=64)]


def case_for_login(
    ctx: DeskContext, session: Session, login: Login, key: str, client: str, reveal: bool = False
) -> CaseView:
    """The case if this staff member may see it (Forbidden 404/403 otherwise; audited)."""
    try:
        case = routing.find_case(session, key)
    except routing.CaseNotFound as exc:
        raise Forbidden(f"没有找到办件 {key}。", 404) from exc
    view = case_view(session, ctx.hall(session), ctx.forms, case, ctx.today(), reveal=reveal)
    staff = login.staff
    if not may_view(view, staff):
        message = f"办件 {case.number} 不经过{staff.desk}，您不能查看。"
        audit.record(session, staff, "view_refused", case_id=case.id, detail=message, client=client)
        session.commit()
        raise Forbidden(message)
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
                # a background refresh leaves the message for the page a person opens
                flash=None if is_background(request) else pop_flash(session, login),
                desk=shown,
                rows=rows,
                desks=[d.name for d in hall.desks] if login.staff.is_admin else [],
                refresh_seconds=ctx.settings.queue_refresh_seconds,
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

    def case_page(request: Request, case_id: str, reveal: bool) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            client = client_of(request)
            view = case_for_login(ctx, session, login, case_id, client, reveal)
            audit.record(
                session,
                login.staff,
                "reveal" if reveal else "view",
                case_id=view.case.id,
                detail="身份证号、银行账号、电话" if reveal else "",
                client=client,
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
                pages=case_pages(session, view),
                sms_states=sms.STATE_WORDS,
                page="case",
            )

    @router.get("/cases/{case_id}")
    def show(request: Request, case_id: str) -> Response:
        return case_page(request, case_id, reveal=False)

    @router.post("/cases/{case_id}/reveal")
    def reveal(request: Request, case_id: str, csrf_token: Csrf = "") -> Response:
        """显示完整号码: the page once with ID, bank and phone numbers in clear (audited)."""
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            check_post(ctx, request, session, login, csrf_token)
        return case_page(request, case_id, reveal=True)

    def act(request: Request, case_id: str, csrf: str, do: actions.ActionFn) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            check_post(ctx, request, session, login, csrf)
            # Before the case is read: a second post of the same page waits here until the
            # first commits, then reads the case as the first left it (and is refused).
            lock_changes(session)
            client = client_of(request)
            view = case_for_login(ctx, session, login, case_id, client)
            actor = actions.Actor(login.staff, client, ctx.settings.hall_name)
            try:
                message = do(session, view, actor)
            except actions.ActionRefused as exc:
                session.rollback()
                audit.record(
                    session,
                    login.staff,
                    exc.audit_action,
                    case_id=view.case.id,
                    detail=exc.message,
                    client=client,
                )
                session.commit()
                back = (f"{PREFIX}/cases/{view.case.id}", "看这件办件最新的情况")
                raise Forbidden(exc.message, back=back) from exc
            set_flash(session, login, message)
            session.commit()
        sms.deliver_queued(ctx.sessions, ctx.gateway)
        return redirect(f"{PREFIX}/cases/{case_id}")

    @router.post("/cases/{case_id}/accept")
    def accept(
        request: Request,
        case_id: str,
        task_id: TaskId,
        version: Version = "",
        csrf_token: Csrf = "",
    ) -> Response:
        shown = actions.Posted(task_id, version)
        return act(request, case_id, csrf_token, lambda s, v, a: actions.accept(s, v, a, shown))

    @router.post("/cases/{case_id}/done")
    def done(
        request: Request,
        case_id: str,
        task_id: TaskId,
        version: Version = "",
        note: Text = "",
        csrf_token: Csrf = "",
    ) -> Response:
        shown = actions.Posted(task_id, version)
        return act(
            request,
            case_id,
            csrf_token,
            lambda s, v, a: actions.finish_step(s, v, a, shown, note),
        )

    @router.post("/cases/{case_id}/needs-materials")
    def needs(
        request: Request,
        case_id: str,
        task_id: TaskId,
        version: Version = "",
        missing: Annotated[list[str] | None, Form()] = None,
        text: Text = "",
        csrf_token: Csrf = "",
    ) -> Response:
        shown = actions.Posted(task_id, version)
        return act(
            request,
            case_id,
            csrf_token,
            lambda s, v, a: actions.needs_materials(s, v, a, shown, missing or [], text),
        )

    @router.post("/cases/{case_id}/refuse")
    def refuse(
        request: Request,
        case_id: str,
        task_id: TaskId,
        version: Version = "",
        reason: Text = "",
        csrf_token: Csrf = "",
    ) -> Response:
        shown = actions.Posted(task_id, version)
        return act(
            request, case_id, csrf_token, lambda s, v, a: actions.refuse(s, v, a, shown, reason)
        )

    @router.post("/cases/{case_id}/note")
    def note(
        request: Request,
        case_id: str,
        task_id: TaskId,
        version: Version = "",
        text: Text = "",
        csrf_token: Csrf = "",
    ) -> Response:
        shown = actions.Posted(task_id, version)
        return act(
            request, case_id, csrf_token, lambda s, v, a: actions.add_note(s, v, a, shown, text)
        )

    @router.post("/cases/{case_id}/materials")
    def material(
        request: Request,
        case_id: str,
        task_id: TaskId,
        material_id: Annotated[str, Form(max_length=64)],
        version: Version = "",
        received: Annotated[str, Form(max_length=3)] = "1",
        csrf_token: Csrf = "",
    ) -> Response:
        shown = actions.Posted(task_id, version)
        return act(
            request,
            case_id,
            csrf_token,
            lambda s, v, a: actions.tick_material(s, v, a, shown, material_id, received == "1"),
        )

    @router.get("/cases/{case_id}/print.pdf")
    def print_pdf(request: Request, case_id: str) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            client = client_of(request)
            view = case_for_login(ctx, session, login, case_id, client)
            try:
                pdf = case_pdf(session, ctx.forms, view.case, ctx.settings.hall_name)
            except PrintRefused as exc:
                raise Forbidden(str(exc), 409) from exc
            audit.record(session, login.staff, "print", case_id=view.case.id, client=client)
            session.commit()
        headers = {"Content-Disposition": f'inline; filename="case-{view.case.number}.pdf"'}
        return Response(pdf, media_type="application/pdf", headers=headers)

    return router


def sms_rows(session: Session, case_id: str) -> list[SmsMessage]:
    query = select(SmsMessage).where(SmsMessage.case_id == case_id).order_by(SmsMessage.id)
    return list(session.scalars(query))
