"""The print plan (kiosk.printing.print_plan): a sheet stored as plain data comes back as
the very sheet build_sheet makes, with a print's changing parts; its key follows what the
sheet is made from; a damaged plan is refused, never half read (issue 19)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_packet import CasePacket
from kiosk.forms.catalogue import default_catalogue
from kiosk.forms.examples import example_answers
from kiosk.printing import print_plan
from kiosk.printing.data_parts import assemble_message, split_message
from kiosk.printing.print_plan import (
    ChangingParts,
    PlanError,
    decode_plan,
    encode_plan,
    plan_key,
    plan_of,
    sheet_from_plan,
)
from kiosk.printing.qr_codec import encode_data_codes, message_parts
from kiosk.printing.sheet import build_sheet

FORMS = ["pension_death_benefit", "elderly_allowance", "disability_card", "birth_registration"]
PARTS = [
    ChangingParts("", "", "BBI2:X", [], {}, 0),
    ChangingParts("石马镇", "V0042 王志愿", "BBI2:Y", ["需补材料：户口本"], {"id_card": 2}, 3),
]


def _packet(form_id: str) -> CasePacket:
    form = default_catalogue().get(form_id)
    answers = example_answers(form)
    return CasePacket(
        case_id=str(uuid.uuid4()),
        number="261130-01-007",
        form_id=form.id,
        form_version=form.version,
        answers=answers,
        content_hash=content_hash(form.id, form.version, answers),
        device_id=str(uuid.uuid4()),
        finalized_at="2026-11-30T07:15:00.123456Z",
        volunteer_id="V0042",
        bundle_id=None,
    )


@pytest.mark.parametrize("form_id", FORMS)
@pytest.mark.parametrize("parts", PARTS)
def test_a_plan_gives_back_the_sheet_build_sheet_makes(form_id: str, parts: ChangingParts) -> None:
    catalogue = default_catalogue()
    packet = _packet(form_id)
    form = catalogue.get(form_id)
    sheet = build_sheet(
        form,
        catalogue.lists,
        packet,
        consent="已告知并同意（纸质）",
        hall=parts.hall,
        volunteer=parts.volunteer,
        identity_payload=parts.identity_payload,
        data_payloads=encode_data_codes(
            packet, form, attachments_pending=parts.attachments_pending
        ),
        notices=parts.notices,
        photographed=parts.photographed,
    )
    head, body = message_parts(packet, form)
    stored = encode_plan(plan_of(sheet, head, body, "k"))
    # Through the JSON the store keeps, with the other print's parts first: nothing leaks.
    other = PARTS[1] if parts is PARTS[0] else PARTS[0]
    assert sheet_from_plan(decode_plan(stored), other) != sheet
    assert sheet_from_plan(decode_plan(stored), parts) == sheet


def test_the_data_codes_are_assembled_as_encoded() -> None:
    packet = _packet("pension_death_benefit")
    form = default_catalogue().get(packet.form_id)
    head, body = message_parts(packet, form)
    for pending in (0, 1, 200):
        codes = encode_data_codes(packet, form, attachments_pending=pending)
        assert split_message(assemble_message(head, body, pending)) == codes
    with pytest.raises(ValueError):
        assemble_message(head, body, -1)


def _row() -> dict[str, Any]:
    return {
        "id": "3f0c",
        "number": "261130-01-007",
        "form_id": "elderly_allowance",
        "form_version": 2,
        "content_hash": "ab" * 32,
        "device_id": "d1",
        "finalized_at": "2026-11-30 07:15:00.123456",
        "volunteer_id": None,
        "bundle_id": None,
        "release": 0,
        "policy_version": 3,
        "consent": '{"how": "paper"}',
        "state": "finalized",  # not part of the key: a state change keeps the plan
    }


@pytest.mark.parametrize(
    "field, value",
    [
        ("number", "261130-01-008"),
        ("content_hash", "cd" * 32),
        ("form_version", 1),
        ("finalized_at", "2026-11-29 07:15:00.123456"),
        ("volunteer_id", "V0042"),
        ("bundle_id", "b1"),
        ("policy_version", 4),
        ("consent", '{"how": "counter"}'),
    ],
)
def test_the_key_follows_what_the_sheet_is_made_from(field: str, value: object) -> None:
    row = _row()
    key = plan_key(row, code="c")
    assert plan_key(dict(row, state="needs_materials"), code="c") == key
    assert plan_key(dict(row, **{field: value}), code="c") != key
    assert plan_key(row, code="other code") != key


def test_the_code_key_follows_the_definitions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed definition file (size or time) is another key; bytecode is not."""
    for folder in ("forms/definitions", "printing", "domain", "services"):
        (tmp_path / folder).mkdir(parents=True)
    for name in ("services/consent.py", "printable.py", "fontchain.py", "printing/sheet.py"):
        (tmp_path / name).write_text("x = 1\n")
    form = tmp_path / "forms/definitions/a.v1.yaml"
    form.write_text("id: a\n")
    monkeypatch.setattr(print_plan, "KIOSK_CODE", tmp_path)
    first = print_plan.code_key()
    (tmp_path / "printing/__pycache__").mkdir()
    (tmp_path / "printing/__pycache__/sheet.cpython-311.pyc").write_bytes(b"\0")
    assert print_plan.code_key() == first
    form.write_text("id: a\nversion: 1\n")
    second = print_plan.code_key()
    assert second != first
    (tmp_path / "printable.py").unlink()  # code inside a bundle, not beside it: no error
    assert print_plan.code_key() not in (first, second)


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"format": 99}).encode(),
        json.dumps({"format": print_plan.PLAN_FORMAT, "key": "k"}).encode(),
    ],
)
def test_a_damaged_plan_is_refused(raw: bytes) -> None:
    with pytest.raises(PlanError):
        sheet_from_plan(decode_plan(raw), PARTS[0])
