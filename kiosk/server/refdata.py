"""Versioned reference data for kiosks: the form catalogue's versions, the village list,
the registry extract used for prefill, and the enrolled devices' public keys (the trust
rule for cases carried between kiosks, kiosk.server.devices).

Each kind has an integer version that goes up whenever its content changes, so a
kiosk asks for the versions (cheap) and fetches only a kind that moved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.forms.catalogue import Catalogue
from kiosk.server.models import ReferenceData, utcnow

# market_days: the 赶集 calendar, set on the desk console (kiosk.domain.market_days);
# devices: the enrolled kiosks' public keys (the trust rule, kiosk.server.devices);
# definitions: the signed release of forms and district policy (kiosk.forms.publish).
KINDS = ("forms", "villages", "registry", "market_days", "devices", "definitions")
Kind = Literal["forms", "villages", "registry", "market_days", "devices", "definitions"]


class ReferenceError(Exception):
    pass


def put(session: Session, kind: str, body: Any, *, version: int | None = None) -> int:
    """Store ``body`` for ``kind``; the version goes up only when the content changed.
    ``version``: the number to give it (a published release's number, which must not be
    reused after a restore; kiosk.server.publishing), when above the current one."""
    if kind not in KINDS:
        raise ReferenceError(f"unknown reference data kind {kind} (known: {', '.join(KINDS)})")
    row = session.get(ReferenceData, kind)
    if row is None:
        first = max(version or 1, 1)
        session.add(ReferenceData(kind=kind, version=first, body=body, updated_at=utcnow()))
        return first
    if row.body != body:
        after = max(row.version + 1, version or 0)
        row.version, row.body, row.updated_at = after, body, utcnow()
    return row.version


def versions(session: Session) -> dict[str, int]:
    return {r.kind: r.version for r in session.scalars(select(ReferenceData))}


def versions_for_device(session: Session) -> dict[str, int]:
    """Versions as kiosks see them: the registry a kiosk gets is cut to its hall's
    villages, so it changes when either moves; its version is the sum of both (still
    only ever growing)."""
    found = versions(session)
    if "registry" in found:
        found["registry"] += found.get("villages", 0)
    return found


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


# ----- what one kiosk may see ---------------------------------------------------------

# The fields of a registry record that prefill and the household list read
# (kiosk.registry.records, kiosk.registry.prefill); anything else an extract carries
# (bank accounts, amounts, notes of other departments) never leaves the server.
PREFILL_FIELDS = ("id_number", "name", "phone", "village", "group", "household", "household_role")
_HEADER_FIELDS = ("format", "format_version", "source_version", "sources", "demo")


def villages_for(body: Any, hall: str | None) -> list[dict[str, Any]]:
    """The village list as a kiosk of ``hall`` sees it: villages marked with another
    ``hall`` are left out (a list without hall marks is one hall's list)."""
    if not isinstance(body, list):
        return []
    return [
        v for v in body if isinstance(v, dict) and (hall is None or v.get("hall") in (None, hall))
    ]


def registry_for(body: Any, villages: list[dict[str, Any]]) -> Any:
    """The registry extract minimised for one kiosk: residents of its hall's villages
    only, each with only the fields prefill needs (flags limited to the known ones)."""
    from kiosk.registry.records import FLAGS

    if not isinstance(body, dict):
        return body
    allowed = {str(v.get("value")) for v in villages}
    out = {k: body[k] for k in _HEADER_FIELDS if k in body}
    residents = []
    for raw in body.get("residents") or []:
        if not isinstance(raw, dict) or str(raw.get("village")) not in allowed:
            continue
        record = {k: raw[k] for k in PREFILL_FIELDS if k in raw}
        flags = raw.get("flags")
        if isinstance(flags, dict):
            record["flags"] = {k: v for k, v in flags.items() if k in FLAGS}
        sources = raw.get("sources")
        if isinstance(sources, dict):
            kept = set(PREFILL_FIELDS) | {f"flags.{f}" for f in FLAGS}
            record["sources"] = {k: v for k, v in sources.items() if k in kept}
        if raw.get("demo") is True:
            record["demo"] = True
        residents.append(record)
    out["residents"] = residents
    return out


def for_device(session: Session, kind: str, hall: str | None) -> tuple[int, Any] | None:
    """(version, body) of reference data as the kiosk of ``hall`` may see it."""
    row = get(session, kind)
    if row is None:
        return None
    if kind == "villages":
        return row.version, villages_for(row.body, hall)
    if kind == "registry":
        villages_row = get(session, "villages")
        villages = villages_for(villages_row.body if villages_row else [], hall)
        version = row.version + (villages_row.version if villages_row else 0)
        return version, registry_for(row.body, villages)
    return row.version, row.body
