"""Admin pages (the hall's head): 赶集日 calendar, overview with charts, CSV export."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from kiosk.domain.market_days import CalendarError, days_name
from kiosk.server.desk import audit, market, sms
from kiosk.server.desk.casework import STATUS_WORDS
from kiosk.server.desk.models import SmsMessage
from kiosk.server.desk.overview import SCORE_WORDS, STATES, build_overview, export_csv
from kiosk.server.desk.web_common import (
    PREFIX,
    DeskContext,
    check_post,
    client_of,
    current_login,
    pop_flash,
    redirect,
    render,
    require_admin,
    set_flash,
)

log = logging.getLogger(__name__)


def admin_routes(ctx: DeskContext) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    @router.get("/market-days")
    def market_page(request: Request) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            require_admin(login.staff)
            hall = ctx.hall(session)
            calendar, version = market.current(session)
            return render(
                ctx,
                request,
                "market.html",
                login,
                flash=pop_flash(session, login),
                calendar=calendar,
                version=version,
                days_text=",".join(str(d) for d in calendar.days),
                days_name=days_name(calendar.days),
                cancelled_text="\n".join(sorted(d.isoformat() for d in calendar.cancelled)),
                villages=hall.villages,
                plans=market.coming_days(hall, ctx.today()),
                page="market",
                error=None,
            )

    @router.post("/market-days")
    async def market_save(request: Request) -> Response:
        form = await request.form()
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            check_post(ctx, request, session, login, str(form.get("csrf_token", "")))
            require_admin(login.staff)
            hall = ctx.hall(session)
            village_days: dict[str, list[int]] = {}
            for desk in hall.villages:
                picked = form.getlist(f"v_{desk.village}")
                village_days[str(desk.village)] = [int(str(d)) for d in picked if str(d).isdigit()]
            try:
                calendar = market.calendar_from_form(
                    str(form.get("days", ""))[:100],
                    str(form.get("cancelled", ""))[:2000],
                    village_days,
                )
            except CalendarError as exc:
                log.info("desk: market days not saved: %s", exc)
                set_flash(session, login, f"没有保存：{exc.message_zh}")
                session.commit()
                return redirect(f"{PREFIX}/market-days")
            version = market.save(session, calendar)
            detail = f"{days_name(calendar.days)}; v{version}"
            audit.record(
                session, login.staff, "market_days", detail=detail, client=client_of(request)
            )
            set_flash(session, login, f"已保存（第{version}版），各自助机下次同步时更新首页。")
            session.commit()
        return redirect(f"{PREFIX}/market-days")

    @router.get("/overview")
    def overview(request: Request) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            require_admin(login.staff)
            data = build_overview(
                session, ctx.hall(session), ctx.forms, ctx.today(), ctx.settings.zone, ctx.clock()
            )
            recent_sms = list(
                session.scalars(select(SmsMessage).order_by(SmsMessage.id.desc()).limit(10))
            )
            return render(
                ctx,
                request,
                "overview.html",
                login,
                flash=pop_flash(session, login),
                data=data,
                states=STATES,
                status_words=STATUS_WORDS,
                score_words=SCORE_WORDS,
                recent_sms=recent_sms,
                sms_states=sms.STATE_WORDS,
                page="overview",
            )

    @router.get("/overview.csv")
    def overview_csv(request: Request) -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            require_admin(login.staff)
            text = export_csv(
                session, ctx.hall(session), ctx.forms, ctx.today(), ctx.settings.zone, ctx.clock()
            )
        name = f"desk-{ctx.today().isoformat()}.csv"
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return router
