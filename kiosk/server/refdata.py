"""Versioned reference data for kiosks: the form catalogue's versions, the village list,
the registry extract used for prefill, and the enrolled devices' public keys (the trust
rule for cases carried between kiosks, kiosk.server.devices).

Each kind has an integer version that goes up whenever its content changes, so a
kiosk asks for the versions (cheap) and fetches only a kind that moved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.forms.catalogue import Catalogue
from kiosk.server.models import ReferenceData, utcnow

# market_days: the 赶集 calendar, set on the desk console (kiosk.domain.market_days);
# devices: the enrolled kiosks' public keys (the trust rule, kiosk.server.devices).
KINDS = ("forms", "villages", "registry", "market_days", "devices")


class ReferenceError(Exception):
    pass


def put(session: Session, kind: str, body: Any) -> int:
    """Store ``body`` for ``kind``; the version goes up only when the content changed."""
    if kind not in KINDS:
        raise ReferenceError(f"unknown reference data kind {kind} (known: {', '.join(KINDS)})")
    row = session.get(ReferenceData, kind)
    if row is None:
        session.add(ReferenceData(kind=kind, version=1, body=body, updated_at=utcnow()))
        return 1
    if row.body != body:
        row.version, row.body, row.updated_at = row.version + 1, body, utcnow()
    return row.version


def versions(session: Session) -> dict[str, int]:
    return {r.kind: r.version for r in session.scalars(select(ReferenceData))}


def get(session: Session, kind: str) -> ReferenceData | None:
    return session.get(ReferenceData, kind)


def catalogue_bodies(catalogue: Catalogue) -> dict[str, Any]:
    """What the server's own catalogue says about forms and villages."""
    forms = [
        {"id": f.id, "version": f.version, "title": f.title, "department": f.department}
        for f in sorted(catalogue.forms.values(), key=lambda f: (f.id, f.version))
    ]
    villages = [{"value": c.value, "label": c.label} for c in catalogue.lists.get("villages", [])]
    return {"forms": forms, "villages": villages}


def publish_catalogue(session: Session, catalogue: Catalogue) -> None:
    """At startup: publish the forms list; the village list only if an admin has not loaded one."""
    bodies = catalogue_bodies(catalogue)
    put(session, "forms", bodies["forms"])
    if get(session, "villages") is None:
        put(session, "villages", bodies["villages"])


def load_file(session: Session, kind: str, path: Path) -> int:
    """Load a JSON file an admin was given (village list, registry extract)."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferenceError(f"{path}: cannot read JSON: {exc}") from exc
    if kind == "villages" and not (
        isinstance(body, list) and all(isinstance(v, dict) and "value" in v for v in body)
    ):
        raise ReferenceError(f"{path}: a village list is a JSON list of {{value, label}}")
    return put(session, kind, body)
