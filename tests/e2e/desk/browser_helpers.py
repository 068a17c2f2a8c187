"""Helpers of the browser tests: staff accounts through the real CLI, a page per desk
worker, screenshots for docs/desk.md."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

from server_process import ServerProcess

PASSWORD = "desk-pass-2026"
VIEWPORT = {"width": 1366, "height": 768}
SHOTS = os.environ.get("KIOSK_DESK_SCREENSHOTS")  # e.g. docs/desk: refresh the doc's pictures


def add_staff(server: ServerProcess, name: str, desk: str, role: str = "staff") -> None:
    """``kiosk-server staff add NAME --desk DESK --password-stdin`` against the server's db."""
    old = sys.stdin
    sys.stdin = io.StringIO(PASSWORD + "\n")
    try:
        server.admin("staff", "add", name, "--desk", desk, "--role", role, "--password-stdin")
    finally:
        sys.stdin = old


def log_in(page: Any, server: ServerProcess, name: str) -> None:
    page.goto(f"{server.url}/desk/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/queue")


def log_out(page: Any) -> None:
    page.click("header .user button")
    page.wait_for_url("**/desk/login")


WIDE = """[...document.querySelectorAll('body *')]
    .filter(e => e.scrollWidth > e.clientWidth + 2)
    .slice(0, 8)
    .map(e => `${e.tagName}.${e.className} ${e.scrollWidth}/${e.clientWidth}`)"""


def fits_1366(page: Any) -> None:
    """Nothing wider than the 1366 px screen of a desk PC: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDE) if width > 1366 else []
    assert width <= 1366, f"{page.url} is {width} px wide; too wide inside: {wide}"


def shot(page: Any, name: str, tmp: Path, *, full: bool = False) -> Path:
    """A screenshot (viewport, 1366×768); also into $KIOSK_DESK_SCREENSHOTS when set."""
    fits_1366(page)
    target = (Path(SHOTS) if SHOTS else tmp) / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=full)
    return target


def post_from_page(page: Any, path: str, fields: dict[str, str]) -> dict[str, Any]:
    """A POST made by the page's own script (fetch), as a forged request would be."""
    script = """async ([path, fields]) => {
        const body = new URLSearchParams(fields);
        const r = await fetch(path, {method: 'POST', body, redirect: 'manual'});
        return {status: r.status, text: await r.text()};
    }"""
    result: dict[str, Any] = page.evaluate(script, [path, fields])
    return result
