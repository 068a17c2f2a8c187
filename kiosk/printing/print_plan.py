"""A case's print plan: its paper as plain data, stored with the case (issue 19).

A finalized case's answers never change, so neither does what its paper says: the
sections with their formatted answers, the materials whose conditions applied, the desks,
signers and approvals, the deflated data-code body. The plan keeps exactly that (a
:class:`~kiosk.printing.sheet_data.CaseSheet` without the parts a reprint may change) as
JSON; :func:`sheet_from_plan` adds those parts back — the hall's name, the volunteer's
line, the identity code, the desk's 需补材料 notice, the photographed pages and how many
are still to reach the town server — and the paper is drawn without the form code
(pydantic, Lark, the engine).

A plan is valid for one :func:`plan_key`: the digest of everything the sheet was made
from besides the answers' content hash — the case's frozen row fields (number, form
version, finalize time and its local date, volunteer, bundle, release, consent record),
and the kiosk, Python, form and printing code and shipped definitions it was made with
(paths, sizes, modification times). A renumbered case, a changed definition or time zone
gives another key, and the caller builds the sheet the full way and stores a new plan;
the paper is therefore always the one the full path draws (tests compare the bytes).
The plan holds personal data: the store keeps it encrypted (kiosk.store) and purges it
with the answers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.printing.data_parts import assemble_message, split_message
from kiosk.printing.sheet_data import (
    Approval,
    CaseSheet,
    Desk,
    Material,
    Row,
    Section,
    Signer,
    Table,
)

PLAN_FORMAT = 1
KIOSK_CODE = Path(__file__).parent.parent
# What a sheet is made from besides the case: the form code and definitions, the sheet
# and data-code code, the domain rules (ID numbers, values) and the consent sentence.
_MADE_FROM = ("forms", "printing", "domain")
_MADE_FROM_FILES = ("services/consent.py", "printable.py", "fontchain.py")
# The case row fields (kiosk.store.sqlite_reader.CASE_COLUMNS) a sheet depends on.
KEY_FIELDS = (
    "id",
    "number",
    "form_id",
    "form_version",
    "content_hash",
    "device_id",
    "finalized_at",
    "volunteer_id",
    "bundle_id",
    "release",
    "policy_version",
    "consent",
)


@dataclass(frozen=True)
class ChangingParts:
    """What a print adds to a plan, read at print time: the hall's name, the volunteer's
    line ("V001 王芳" or ""), the stored identity code, the desk's notices, pages
    photographed per material id, and how many pages the town server still lacks."""

    hall: str
    volunteer: str
    identity_payload: str
    notices: list[str]
    photographed: dict[str, int]
    attachments_pending: int


class PlanError(ValueError):
    """A stored plan that does not read as one (the caller builds the sheet anew)."""


def code_key() -> str:
    """Digest of the code and shipped definitions a sheet is made with (~1 ms of stats).

    The running executable is in it too: in an installer bundle (PyInstaller) the code is
    inside it, not beside it as files; a file that is not there counts as missing."""
    digest = hashlib.sha256(f"{PLAN_FORMAT}|{__version__}|{sys.version}".encode())
    files: list[Path] = [Path(sys.executable)]
    for folder in _MADE_FROM:
        for top, dirs, names in os.walk(KIOSK_CODE / folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            files += [Path(top, name) for name in sorted(names)]
    files += [KIOSK_CODE / name for name in _MADE_FROM_FILES]
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            digest.update(f"|{path}|missing".encode())
            continue
        digest.update(f"|{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def local_date(finalized_at: str) -> str:
    """The finalize day in the hall's time zone (what the sheet dates its words by), as
    kiosk.printing.sheet reads ``finalized_at`` (ISO, UTC, with or without "Z")."""
    try:
        moment = datetime.fromisoformat(finalized_at.removesuffix("Z")).replace(tzinfo=UTC)
    except ValueError:
        return ""
    return moment.astimezone().date().isoformat()


def plan_key(case: dict[str, Any], code: str | None = None, releases: str = "") -> str:
    """The key a plan of this case row (the fields in KEY_FIELDS) must carry.

    ``releases``: kiosk.forms.release_manifests.files_key of the releases the catalogue in
    use was made from ("" for the shipped definitions, whose keys it leaves as they were)."""
    fields = {name: case[name] for name in KEY_FIELDS}
    fields["local_date"] = local_date(str(case["finalized_at"]))
    fields["code"] = code if code is not None else code_key()
    if releases:
        fields["releases"] = releases
    text = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def plan_of(sheet: CaseSheet, data_head: bytes, data_body: bytes, key: str) -> dict[str, Any]:
    """The plan of a sheet built the full way (kiosk.printing.sheet.build_sheet) and its
    data-code parts (kiosk.printing.qr_codec.message_parts): JSON-ready."""
    return {
        "format": PLAN_FORMAT,
        "key": key,
        "data_head": _b64(data_head),
        "data_body": _b64(data_body),
        "title": sheet.title,
        "department": sheet.department,
        "number": sheet.number,
        "form_ref": sheet.form_ref,
        "finalized": sheet.finalized,
        "sections": [[s.title, [_block_of(b) for b in s.blocks]] for s in sheet.sections],
        "materials": [[m.label, m.copies, m.id] for m in sheet.materials],
        "routing": [[d.desk, d.does] for d in sheet.routing],
        "declaration": sheet.declaration,
        "signed_on_screen": sheet.signed_on_screen,
        "eligibility": list(sheet.eligibility),
        "signers": [[s.role, s.name, s.stroke, s.date] for s in sheet.signers],
        "approvals": [[a.title, list(a.roles)] for a in sheet.approvals],
        "summary": [[r.label, r.value, r.whole] for r in sheet.summary],
        "photo": sheet.photo,
        "consent": sheet.consent,
        "rules": list(sheet.rules),
    }


def _block_of(block: Row | Table) -> dict[str, Any]:
    if isinstance(block, Row):
        return {"row": [block.label, block.value, block.whole]}
    return {"table": [block.headers, block.rows, block.whole]}


def _block(data: dict[str, Any]) -> Row | Table:
    if "row" in data:
        label, value, whole = data["row"]
        return Row(str(label), str(value), bool(whole))
    headers, rows, whole = data["table"]
    return Table(
        [str(h) for h in headers],
        [[str(v) for v in row] for row in rows],
        [bool(w) for w in whole],
    )


def sheet_from_plan(plan: dict[str, Any], parts: ChangingParts) -> CaseSheet:
    """The sheet of a stored plan with this print's changing parts (as build_sheet takes
    them). Raises PlanError for a plan that does not read (wrong format, missing or
    mistyped fields)."""
    try:
        return _sheet(plan, parts)
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanError(f"stored print plan unreadable: {type(exc).__name__}") from exc


def _sheet(plan: dict[str, Any], parts: ChangingParts) -> CaseSheet:
    if plan["format"] != PLAN_FORMAT:
        raise ValueError("plan format")
    message = assemble_message(
        base64.b64decode(plan["data_head"]),
        base64.b64decode(plan["data_body"]),
        parts.attachments_pending,
    )
    materials = [
        Material(str(label), str(copies), str(mid), parts.photographed.get(str(mid), 0))
        for label, copies, mid in plan["materials"]
    ]
    return CaseSheet(
        title=str(plan["title"]),
        department=str(plan["department"]),
        hall=parts.hall,
        number=str(plan["number"]),
        form_ref=str(plan["form_ref"]),
        finalized=str(plan["finalized"]),
        sections=[Section(str(t), [_block(b) for b in blocks]) for t, blocks in plan["sections"]],
        materials=materials,
        routing=[Desk(str(desk), str(does)) for desk, does in plan["routing"]],
        declaration=str(plan["declaration"]),
        signed_on_screen=bool(plan["signed_on_screen"]),
        volunteer=parts.volunteer,
        identity_payload=parts.identity_payload,
        data_payloads=split_message(message),
        eligibility=[str(e) for e in plan["eligibility"]],
        notices=list(parts.notices),
        signers=[
            Signer(str(role), str(name), None if stroke is None else str(stroke), str(day))
            for role, name, stroke, day in plan["signers"]
        ],
        approvals=[Approval(str(t), [str(r) for r in roles]) for t, roles in plan["approvals"]],
        summary=[
            Row(str(label), str(value), bool(whole)) for label, value, whole in plan["summary"]
        ],
        photo=None if plan["photo"] is None else str(plan["photo"]),
        consent=str(plan["consent"]),
        rules=[str(r) for r in plan["rules"]],
    )


def encode_plan(plan: dict[str, Any]) -> bytes:
    """The plan as the bytes the store encrypts (UTF-8 JSON)."""
    return json.dumps(plan, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_plan(raw: bytes) -> dict[str, Any]:
    """The stored bytes back as a plan dict; PlanError when they are not one."""
    try:
        plan = json.loads(raw)
    except ValueError as exc:
        raise PlanError("stored print plan is not JSON") from exc
    if not isinstance(plan, dict):
        raise PlanError("stored print plan is not an object")
    return plan
