"""The hall's desk console (循环受理): staff web pages served by ``kiosk-server`` under /desk/.

``mount_desk(app, sessions, forms)`` adds the pages, their static files and the
kiosks' 好差评 endpoint to the town server's FastAPI app. Pages are rendered on the
server (Jinja2, templates/), with a little plain JavaScript (static/desk.js) for the
barcode scanner and live waiting times. See docs/desk.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when mounted: `kiosk-server staff …` needs no web stack
    from fastapi import FastAPI
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.forms.catalogue import Catalogue
    from kiosk.server.desk.settings import DeskSettings
    from kiosk.server.models import Device


def mount_desk(
    app: FastAPI,
    sessions: sessionmaker[Session],
    forms: Catalogue,
    settings: DeskSettings | None = None,
    *,
    device: Callable[..., Device],
    errors: Callable[..., dict[int | str, dict[str, Any]]],
) -> None:
    """``device`` is the API's dependency that authenticates a kiosk (Bearer token,
    throttled; kiosk.server.api); ``errors`` documents a route's error answers."""
    from pathlib import Path

    from fastapi.staticfiles import StaticFiles

    from kiosk.server.desk.ratings import ratings_router
    from kiosk.server.desk.settings import DeskSettings
    from kiosk.server.desk.sms import load_gateway
    from kiosk.server.desk.web_admin import admin_routes
    from kiosk.server.desk.web_auth import auth_routes
    from kiosk.server.desk.web_cases import case_routes
    from kiosk.server.desk.web_common import PREFIX, DeskContext, install_handlers
    from kiosk.server.desk.web_import import import_routes
    from kiosk.server.desk.web_pages import page_routes

    settings = settings or DeskSettings()
    ctx = DeskContext(sessions, forms, settings, load_gateway(settings.sms_gateway))
    install_handlers(app, ctx)
    static = Path(__file__).with_name("static")
    app.mount(f"{PREFIX}/static", StaticFiles(directory=static), name="desk-static")
    app.include_router(auth_routes(ctx), include_in_schema=False)
    app.include_router(case_routes(ctx), include_in_schema=False)
    app.include_router(admin_routes(ctx), include_in_schema=False)
    app.include_router(import_routes(ctx), include_in_schema=False)
    app.include_router(page_routes(ctx), include_in_schema=False)
    app.include_router(ratings_router(sessions, device, errors))
    app.state.desk = ctx
