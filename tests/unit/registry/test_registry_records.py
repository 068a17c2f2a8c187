"""The registry extract format and the demo registry (no store)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from helpers import TODAY, catalogue

from kiosk.domain.idcard import parse_id_number
from kiosk.registry import demo
from kiosk.registry.records import FLAGS, RegistryDataError, parse_document

VILLAGES = [c.value for c in catalogue().lists["villages"]]


def good_document() -> dict[str, Any]:
    return {
        "format": "kiosk-registry",
        "format_version": 1,
        "source_version": "2026-11-01",
        "sources": {"flags.dibao": "民政办"},
        "residents": [
            {
                "id_number": "500225194103080133",
                "name": "张德明",
                "village": "v03",
                "group": 4,
                "household": "H1",
                "flags": {"resident_pension": True},
            },
            {
                "id_number": "500225194512110049",
                "name": "李桂兰",
                "village": "v03",
                "group": 4,
                "household": "H1",
                "household_role": "spouse",
                "phone": "139 0000 1111",
            },
        ],
    }


def test_a_good_document_is_read_with_every_flag_and_source() -> None:
    doc = parse_document(good_document(), villages=VILLAGES, today=TODAY)
    assert doc.source_version == "2026-11-01" and not doc.demo
    first, second = doc.residents
    assert first.flags == dict.fromkeys(FLAGS, False) | {"resident_pension": True}
    assert first.source("flags.dibao") == "民政办"
    assert first.source("flags.resident_pension") == "社保所"  # the default label
    assert second.phone == "13900001111"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("id_number", "500225194103080134", "residents[1].id_number: "),
        ("village", "v99", "residents[1].village: not a value of the village list"),
        ("group", 0, "residents[1].group: must be a whole number 1-99"),
        ("household_role", "boss", "residents[1].household_role: must be one of"),
        ("phone", "12345", "residents[1].phone: "),
        ("flags", {"rich": True}, "residents[1].flags.rich: unknown flag"),
        ("nickname", "x", "residents[1].nickname: unknown field"),
        # What the paper cannot show is refused at load, like an answer (kiosk.printable)
        ("name", "刘😀志\U0002a700强", "residents[1].name: characters the kiosk's fonts"),
        ("household", "LZ\u200b1", "residents[1].household: characters the kiosk's fonts"),
    ],
)
def test_each_bad_field_is_named_without_its_value(field: str, value: Any, expected: str) -> None:
    doc = good_document()
    doc["residents"][1][field] = value
    with pytest.raises(RegistryDataError) as exc:
        parse_document(doc, villages=VILLAGES, today=TODAY)
    assert len(exc.value.problems) == 1
    assert exc.value.problems[0].startswith(expected)
    # Problems reach logs: never the personal value itself.
    assert "李桂兰" not in str(exc.value) and "500225194512110049" not in str(exc.value)


def test_every_problem_of_every_record_is_listed() -> None:
    doc = good_document()
    doc["residents"][0]["name"] = ""
    doc["residents"][1]["id_number"] = doc["residents"][0]["id_number"]
    doc["residents"].append("not a record")
    with pytest.raises(RegistryDataError) as exc:
        parse_document(doc, villages=VILLAGES, today=TODAY)
    assert exc.value.problems == [
        "residents[0].name: must be a text of 1-40 characters",
        "residents[1].id_number: the same person as residents[0]",
        "residents[2].-: a record must be a JSON object",
    ]


def test_a_wrong_header_is_refused() -> None:
    doc = good_document() | {"format": "csv", "source_version": ""}
    with pytest.raises(RegistryDataError) as exc:
        parse_document(doc, villages=VILLAGES, today=TODAY)
    assert exc.value.problems == [
        "format: must be 'kiosk-registry'",
        "source_version: must be a text of 1-64 characters",
    ]


def test_the_demo_registry_is_deterministic_valid_and_marked() -> None:
    first, again = demo.demo_document(), demo.demo_document()
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert first["demo"] is True and "演示数据" in first["note"]
    assert all("演示数据" in label for label in first["sources"].values())
    doc = parse_document(copy.deepcopy(first), villages=VILLAGES, today=TODAY)
    assert doc.demo and all(r.demo for r in doc.residents)
    assert {r.village for r in doc.residents} == set(VILLAGES)
    regions = {r.id_number[:6] for r in doc.residents}
    assert regions == {"500111", "500225"}
    for r in doc.residents:
        parse_id_number(r.id_number, today=TODAY)


def test_the_demo_registry_exercises_the_flags() -> None:
    doc = parse_document(demo.demo_document(), villages=VILLAGES, today=TODAY)
    for flag in FLAGS:
        assert sum(r.flags[flag] for r in doc.residents) >= 2, flag
    households: dict[str, list[str]] = {}
    for r in doc.residents:
        households.setdefault(r.household, []).append(r.household_role)
    assert all(roles.count("head") == 1 for roles in households.values())


def test_the_fixed_demo_people_are_in_the_demo_registry() -> None:
    doc = parse_document(demo.demo_document(), villages=VILLAGES, today=TODAY)
    by_id = {r.id_number: r for r in doc.residents}
    zhang = by_id[demo.ZHANG_DEMING]
    assert zhang.name == "张德明"
    assert zhang.flags["resident_pension"] and zhang.flags["elderly_allowance"]
    assert by_id[demo.WANG_CUIFEN].flags["dibao"]
    assert not by_id[demo.WANG_CUIFEN].flags["resident_pension"]
    assert by_id[demo.CHEN_GUOHUA].flags["only_child_parent"]
