"""Login and logout pages.

The login form is itself protected against cross-site posting: a random value in a
short-lived cookie must come back in the form (double submit) from the same origin.
A login starts a new session (a new cookie), so a session fixed before login is useless.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from kiosk.server.desk import accounts, audit, logins
from kiosk.server.desk.web_common import (
    PREFIX,
    DeskContext,
    check_post,
    client_of,
    current_login,
    is_https,
    may_send_password,
    redirect,
    render,
    same_origin,
)

PRE_COOKIE = "bangban_desk_login"


def _safe_next(target: str) -> str:
    """Only a path inside the console (never another site)."""
    ok = target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target
    return target if ok else f"{PREFIX}/"


def auth_routes(ctx: DeskContext) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    def login_page(
        request: Request, next_url: str, error: str | None, status: int = 200
    ) -> Response:
        token = secrets.token_urlsafe(24)
        response = render(
            ctx,
            request,
            "login.html",
            None,
            status_code=status,
            form_token=token,
            next_url=_safe_next(next_url),
            error=error,
            plain_http=not may_send_password(request, ctx.settings),
        )
        response.set_cookie(
            PRE_COOKIE,
            token,
            max_age=1800,
            httponly=True,
            samesite="strict",
            secure=is_https(request),
            path=f"{PREFIX}/login",
        )
        return response

    @router.get("/login")
    def login_form(request: Request, next: str = "") -> Response:
        return login_page(request, next, None)

    @router.post("/login")
    def login(
        request: Request,
        name: Annotated[str, Form(max_length=64)],
        password: Annotated[str, Form(max_length=256)],
        form_token: Annotated[str, Form(max_length=64)] = "",
        next: Annotated[str, Form(max_length=300)] = "",
    ) -> Response:
        sent = request.cookies.get(PRE_COOKIE, "")
        if not (sent and hmac.compare_digest(sent, form_token) and same_origin(request)):
            return login_page(request, next, "页面已过期，请重新输入。", 403)
        if not may_send_password(request, ctx.settings):
            return login_page(request, next, "请用 https:// 地址登录（密码不能明文传送）。", 403)
        client = client_of(request)
        with ctx.session() as session:
            outcome = accounts.authenticate(session, name, password, ctx.settings)
            if outcome.staff is None:
                action = {"locked": "locked", "still_locked": "login_locked"}.get(
                    outcome.reason, "login_failed"
                )
                audit.record(session, None, action, name=name.strip(), client=client)
                session.commit()
                if outcome.is_locked:
                    until = ctx.local_text(outcome.locked_until, "%H:%M")
                    error = f"密码输错次数太多，账号已锁定到 {until}。急用请找管理员解锁。"
                elif outcome.reason == "disabled":
                    error = "这个账号已停用，请找管理员。"
                else:
                    error = "用户名或密码不对。"
                return login_page(request, next, error, 401)
            token = logins.start(session, outcome.staff.id)
            audit.record(session, outcome.staff, "login", client=client)
            session.commit()
        response = redirect(_safe_next(next))
        response.set_cookie(
            logins.COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=is_https(request),
            path=PREFIX,
        )
        response.delete_cookie(PRE_COOKIE, path=f"{PREFIX}/login")
        return response

    @router.post("/logout")
    def logout(request: Request, csrf_token: Annotated[str, Form(max_length=64)] = "") -> Response:
        with ctx.session() as session:
            login = current_login(ctx, request, session)
            check_post(ctx, request, session, login, csrf_token)
            logins.end(session, login.token_hash)
            audit.record(session, login.staff, "logout", client=client_of(request))
            session.commit()
        response = redirect(f"{PREFIX}/login")
        response.delete_cookie(logins.COOKIE, path=PREFIX)
        return response

    return router
