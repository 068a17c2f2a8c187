"""``kiosk-server forms publish DIR``: sign a folder of definitions and the district
policy and serve it to the kiosks as the reference data kind ``definitions``.

The signature is the server's Ed25519 key (the same key its desk printouts sign QR
codes with, registered as the device 镇服务器, so kiosks find it in the device list).
Each publish is a new release; the version of ``definitions`` is the release number.
Numbers are never reused: the next is above both the database's and every release kept
on the server's disk, so after a restore of the database (a new epoch) a kiosk that
fetches releases again never meets two different releases under one number.
Refused (PublishError): a folder that fails ``kiosk forms check``, changes an id +
version already published (kiosk.forms.publish_rules), or sets an effective time before
its policy's ``effective`` day.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kiosk.forms.catalogue import DEFINITIONS_DIR
from kiosk.forms.publish import PublishError, build_release, check_folder, release_files
from kiosk.forms.publish_rules import changed_in_place, earliest_effective
from kiosk.server import refdata


def publish(session: Session, folder: Path, effective: datetime | None = None) -> dict[str, Any]:
    """Check and sign ``folder``, store it as the next release; return the release body.

    Raises kiosk.forms.publish.PublishError (naming file and problem) when the folder
    does not pass ``kiosk forms check`` or has no policy.yaml; nothing is stored then.
    ``effective`` (aware) is when kiosks switch to it; default now."""
    from kiosk.server.db import server_home
    from kiosk.server.desk.printout import server_device
    from kiosk.server.published_forms import kept_releases, write_release

    issues = check_folder(folder)
    if issues:
        raise PublishError("\n".join(str(i) for i in issues))
    db_key = session.get_bind().engine.url.render_as_string(hide_password=True)
    kept = kept_releases(server_home(), db_key)
    changed = changed_in_place(release_files(folder), folder, [DEFINITIONS_DIR, *kept])
    if changed:
        raise PublishError("\n".join(changed))
    earliest = earliest_effective(folder)
    if effective is not None and earliest is not None and effective < earliest:
        raise PublishError(
            f"{folder / 'policy.yaml'}: -: effective: the policy applies from "
            f"{earliest:%Y-%m-%d}; --effective {effective.isoformat()} is earlier"
        )
    when = effective or max(datetime.now(UTC), earliest or datetime.now(UTC))
    device_id, key = server_device(session)
    row = refdata.get(session, "definitions")
    on_disk = max((int(p.name) for p in kept), default=0)
    release = max(row.version if row is not None else 0, on_disk) + 1
    body = build_release(folder, key, release=release, effective=when, publisher=device_id)
    refdata.put(session, "definitions", body, version=release)
    _refresh_devices(session)
    files = {f["path"]: f["text"] for f in body["files"]}
    write_release(server_home(), db_key, release, files, body["effective"])
    return body


def superseded_warnings(session: Session, body: dict[str, Any]) -> list[str]:
    """What a publish tells staff: the earlier releases ``body`` supersedes before their
    time (kiosk.server.published_forms.superseded_by)."""
    from kiosk.server.db import server_home
    from kiosk.server.published_forms import superseded_by

    db_key = session.get_bind().engine.url.render_as_string(hide_password=True)
    return superseded_by(server_home(), db_key, int(body["release"]), str(body["effective"]))


def _refresh_devices(session: Session) -> None:
    """The device list kiosks pull carries the server's key (registered just now)."""
    from kiosk.server import devices

    publish_devices = getattr(devices, "publish_devices", None)
    if publish_devices is not None:
        publish_devices(session)
