"""``kiosk-server forms publish DIR``: sign a folder of definitions and the district
policy and serve it to the kiosks as the reference data kind ``definitions``.

The signature is the server's Ed25519 key (the same key its desk printouts sign QR
codes with, registered as the device 镇服务器, so kiosks find it in the device list).
Each publish is a new release; the version of ``definitions`` is the release number.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kiosk.forms.publish import build_release
from kiosk.server import refdata


def publish(session: Session, folder: Path, effective: datetime | None = None) -> dict[str, Any]:
    """Check and sign ``folder``, store it as the next release; return the release body.

    Raises kiosk.forms.publish.PublishError (naming file and problem) when the folder
    does not pass ``kiosk forms check`` or has no policy.yaml; nothing is stored then.
    ``effective`` (aware) is when kiosks switch to it; default now."""
    from kiosk.server.desk.printout import server_device

    device_id, key = server_device(session)
    row = refdata.get(session, "definitions")
    release = (row.version + 1) if row is not None else 1
    when = effective or datetime.now(UTC)
    body = build_release(folder, key, release=release, effective=when, publisher=device_id)
    refdata.put(session, "definitions", body)  # a new release always changes the body
    _refresh_devices(session)
    from kiosk.server.db import server_home
    from kiosk.server.published_forms import write_release

    db_key = session.get_bind().engine.url.render_as_string(hide_password=True)
    write_release(server_home(), db_key, release, {f["path"]: f["text"] for f in body["files"]})
    return body


def _refresh_devices(session: Session) -> None:
    """The device list kiosks pull carries the server's key (registered just now)."""
    from kiosk.server import devices

    publish_devices = getattr(devices, "publish_devices", None)
    if publish_devices is not None:
        publish_devices(session)
