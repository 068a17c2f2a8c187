"""The version of a case page: what a desk's form posts back so an action applies to the
state the page showed, and to nothing newer (docs/desk.md "Who may do what").

A page's version is a digest of everything an action changes: the case's status, note
and last update, each routing step's state, the materials received, and the last
action audited on the case. Any action moves it (a second 受理 also stamps a new
``updated_at``; a material ticked, unticked and ticked again has a new audit row), so
a form posted twice, from a second tab or a double click, finds a newer version and is
refused as stale instead of acting twice. Opening the page (an audited view) and
refusals do not move it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from kiosk.server.desk.audit import CHANGES, AuditEntry
from kiosk.server.desk.models import MaterialReceived
from kiosk.server.models import ServerCase, Task

LENGTH = 16  # hex digits: 64 bits, enough to tell two states of one case apart


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def page_version(
    case: ServerCase,
    tasks: Iterable[Task],
    received: Iterable[MaterialReceived],
    trail: Iterable[AuditEntry],
) -> str:
    """A short hex digest of the case's actionable state (see the module docstring)."""
    parts = [case.status, case.status_note or "", _iso(case.updated_at)]
    parts += [f"t{t.id}:{t.state}:{t.note or ''}:{_iso(t.done_at)}" for t in tasks]
    parts += sorted(f"m{m.material_id}@{_iso(m.received_at)}" for m in received)
    parts.append(f"a{max((e.id for e in trail if e.action in CHANGES), default=0)}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:LENGTH]
