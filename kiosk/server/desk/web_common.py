"""What every console page shares: the console's context, the login behind a request,
CSRF and origin checks, security headers, and rendering.

Errors a page can meet are exceptions with handlers (``install_handlers``): not logged
in → the login page; CSRF or origin wrong → 403 page; another desk's step → 403 page;
an unknown address or a malformed form under /desk/ → a page in Chinese (the sync API
keeps its JSON errors).
"""

from __future__ import annotations

import inspect
import ipaddress
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.forms.catalogue import Catalogue
from kiosk.server.desk import audit, logins
from kiosk.server.desk.accounts import StaffView
from kiosk.server.desk.hall import Hall, load_hall
from kiosk.server.desk.models import LoginSession
from kiosk.server.desk.settings import DeskSettings
from kiosk.server.desk.sms import SmsGateway
from kiosk.store.sqlbase import utcnow

log = logging.getLogger(__name__)
TEMPLATES_DIR = Path(__file__).with_name("templates")
PREFIX = "/desk"
# Sent by the page's own script when it refreshes in the background (desk.js): such a
# request does not count as the staff member's activity (logins.resume touch=False).
BACKGROUND_HEADER = "X-Desk-Background"
HTTP_WORDS = {
    404: "没有这个页面（地址不对，或办件已不在）。",
    405: "这个地址不能这样打开。请从页面上的按钮操作。",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class NeedLogin(Exception):
    def __init__(self, next_url: str = "") -> None:
        super().__init__("login required")
        self.next_url = next_url


class Forbidden(Exception):
    """A refused request; ``message`` is Chinese, for the page."""

    def __init__(
        self, message: str, status: int = 403, back: tuple[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.back = back  # (url, words) of the way back, when not the queue


@dataclass
class DeskContext:
    sessions: sessionmaker[Session]
    forms: Catalogue
    settings: DeskSettings
    gateway: SmsGateway
    templates: Jinja2Templates = field(init=False)
    clock: Callable[[], datetime] = utcnow

    def __post_init__(self) -> None:
        self.templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
        env = self.templates.env
        env.filters["local"] = self.local_text
        env.filters["since"] = since_words
        env.filters["iso"] = lambda d: d.replace(tzinfo=UTC).isoformat() if d else ""
        env.globals["hall_name"] = self.settings.hall_name
        env.globals["prefix"] = PREFIX

    def today(self) -> date:
        return self.clock().replace(tzinfo=UTC).astimezone(self.settings.zone).date()

    def hall(self, session: Session) -> Hall:
        return load_hall(session)

    def local_text(self, moment: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
        if moment is None:
            return ""
        return moment.replace(tzinfo=UTC).astimezone(self.settings.zone).strftime(fmt)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session


def since_words(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, as a desk says it: 刚到, 12分钟, 3小时5分, 2天."""
    if moment is None:
        return ""
    minutes = int(((now or utcnow()) - moment).total_seconds() // 60)
    if minutes < 1:
        return "刚到"
    if minutes < 60:
        return f"{minutes}分钟"
    if minutes < 24 * 60:
        return f"{minutes // 60}小时{minutes % 60}分"
    return f"{minutes // (24 * 60)}天"


def is_background(request: Request) -> bool:
    return request.headers.get(BACKGROUND_HEADER) == "1"


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def may_send_password(request: Request, settings: DeskSettings) -> bool:
    """HTTPS, or plain HTTP from this machine (a TLS proxy), or explicitly allowed."""
    if is_https(request) or settings.allow_http:
        return True
    try:
        return ipaddress.ip_address(client_of(request)).is_loopback
    except ValueError:
        return False


def same_origin(request: Request) -> bool:
    """A POST's Origin (or Referer) names this server; absent headers are left to CSRF."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own or origin.startswith(own + "/")


def current_login(ctx: DeskContext, request: Request, session: Session) -> logins.Login:
    found = logins.resume(
        session,
        request.cookies.get(logins.COOKIE),
        ctx.settings,
        touch=not is_background(request),
    )
    session.commit()  # last_seen_at, or the expired row's removal
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise NeedLogin(target if request.method == "GET" else "")
    return found


def check_post(
    ctx: DeskContext, request: Request, session: Session, login: logins.Login, token: str | None
) -> None:
    """Refuse a POST whose CSRF token or origin is wrong (and audit the refusal)."""
    if same_origin(request) and login.csrf_ok(token):
        return
    audit.record(
        session, login.staff, "csrf_refused", detail=request.url.path, client=client_of(request)
    )
    session.commit()
    log.warning(
        "desk: refused a POST to %s by %s (CSRF/origin)", request.url.path, login.staff.name
    )
    raise Forbidden("这个请求没有通过安全校验（表单过期或来自别的网站）。请刷新页面再试。")


def require_admin(staff: StaffView) -> None:
    if not staff.is_admin:
        raise Forbidden("这个页面只有管理员（大厅负责人）能看。")


def set_flash(session: Session, login: logins.Login, text: str) -> None:
    row = session.get(LoginSession, login.token_hash)
    if row is not None:
        row.flash = text[:300]


def pop_flash(session: Session, login: logins.Login) -> str | None:
    row = session.get(LoginSession, login.token_hash)
    if row is None or not row.flash:
        return None
    text, row.flash = row.flash, None
    session.commit()
    return text


def render(
    ctx: DeskContext,
    request: Request,
    name: str,
    login: logins.Login | None,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    values.setdefault("flash", None)
    return ctx.templates.TemplateResponse(
        request,
        name,
        {"login": login, "staff": login.staff if login else None, "now": ctx.clock(), **values},
        status_code=status_code,
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _is_desk(request: Request) -> bool:
    return request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/")


def install_handlers(app: FastAPI, ctx: DeskContext) -> None:
    @app.exception_handler(NeedLogin)
    def _need_login(request: Request, exc: NeedLogin) -> Response:
        target = f"{PREFIX}/login" + (f"?next={quote(exc.next_url)}" if exc.next_url else "")
        return redirect(target)

    @app.exception_handler(Forbidden)
    def _forbidden(request: Request, exc: Forbidden) -> Response:
        words = {"message": exc.message, "back": exc.back}
        return render(ctx, request, "error.html", None, status_code=exc.status, **words)

    api_http = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)
    api_invalid = app.exception_handlers.get(
        RequestValidationError, request_validation_exception_handler
    )

    async def _delegate(handler: Callable[..., Any], request: Request, exc: Exception) -> Any:
        result = handler(request, exc)
        return await result if inspect.isawaitable(result) else result

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if not _is_desk(request):
            response: Response = await _delegate(api_http, request, exc)
            return response
        status = exc.status_code
        log.info("desk: %s %s -> %d %s", request.method, request.url.path, status, exc.detail)
        words = HTTP_WORDS.get(status, f"出了点问题（{status}），请回到我的窗口再试。")
        return render(ctx, request, "error.html", None, status_code=exc.status_code, message=words)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not _is_desk(request):
            response: Response = await _delegate(api_invalid, request, exc)
            return response
        where = [".".join(map(str, e.get("loc", ()))) for e in exc.errors()]  # not the values
        log.info("desk: %s %s: invalid form fields %s", request.method, request.url.path, where)
        message = "表单内容不完整或超出长度，没有办理。请回到页面刷新后重新填写。"
        return render(ctx, request, "error.html", None, status_code=422, message=message)

    app.add_middleware(SecurityHeaders)


class SecurityHeaders:
    """The desk pages' security headers, added as the response starts (plain ASGI: a
    client that goes away mid-request is no "No response returned" traceback, as it
    was through Starlette's BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                if https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, with_headers)
