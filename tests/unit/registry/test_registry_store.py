"""The registry in the kiosk's store: encrypted, replaced atomically, prefilling forms."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import TODAY

from kiosk.domain.idcard import InvalidIdNumber
from kiosk.forms.prefill import PrefillValue
from kiosk.registry import demo
from kiosk.registry.prefill import RegistryPrefill
from kiosk.registry.records import RegistryDataError
from kiosk.services.cases import answer, start_case
from kiosk.services.context import KioskContext
from kiosk.services.registry import (
    find_resident,
    household_members,
    load_demo_data,
    load_registry,
    registry_status,
)
from kiosk.store.database import DB_FILE

ZHANG = demo.ZHANG_DEMING


def record(id_number: str, name: str, **extra: object) -> dict[str, object]:
    return (
        {"id_number": id_number, "name": name, "village": "v01", "group": 1}
        | {"household": "H9"}
        | extra
    )


def test_demo_data_loads_once(ctx: KioskContext) -> None:
    first = load_demo_data(ctx)
    assert first.changed and first.demo and first.count > 100
    again = load_demo_data(ctx)
    assert not again.changed and again.count == first.count
    assert ctx.settings.demo_data is True


def test_a_real_extract_is_never_replaced_by_demo_data(ctx: KioskContext) -> None:
    load_registry(ctx, [record(ZHANG, "张德明")], source_version="real-1")
    status = load_demo_data(ctx)
    assert not status.changed and status.source_version == "real-1"
    assert find_resident(ctx, demo.LI_GUILAN) is None


def test_personal_data_is_not_readable_in_the_database_file(demo_ctx: KioskContext) -> None:
    raw = b""
    for path in demo_ctx.data_root.glob(DB_FILE + "*"):
        raw += path.read_bytes()
    with sqlite3.connect(demo_ctx.data_root / DB_FILE) as db:
        rows = db.execute("select count(*) from registry_records").fetchone()[0]
    assert rows == registry_status(demo_ctx).count
    for text in (ZHANG, "张德明", "DZ-v03-4-001", "13896012345"):
        assert text.encode() not in raw, text


def test_a_new_extract_replaces_the_old_one_whole(demo_ctx: KioskContext) -> None:
    load_registry(demo_ctx, [record(ZHANG, "张德明")], source_version="real-1")
    assert registry_status(demo_ctx).count == 1
    assert find_resident(demo_ctx, demo.LI_GUILAN) is None
    assert find_resident(demo_ctx, ZHANG) is not None


def test_a_bad_extract_changes_nothing(demo_ctx: KioskContext) -> None:
    before = registry_status(demo_ctx)
    bad = [record(ZHANG, "张德明"), record("500225194103080134", "X")]
    with pytest.raises(RegistryDataError):
        load_registry(demo_ctx, bad, source_version="real-2")
    assert registry_status(demo_ctx) == before
    assert find_resident(demo_ctx, demo.LI_GUILAN) is not None


def test_find_resident_shows_flags_with_their_sources(demo_ctx: KioskContext) -> None:
    r = find_resident(demo_ctx, ZHANG)
    assert r is not None
    assert (r.name, r.village_label, r.group, r.age) == ("张德明", "新店村", 4, 85)
    assert r.flag_labels == ["在领城乡居民养老金", "在领高龄津贴"]
    assert r.sources["flags.resident_pension"] == "社保所（演示数据）"
    assert r.demo
    with pytest.raises(InvalidIdNumber):
        find_resident(demo_ctx, "12345")


def test_household_members_are_listed_head_first(demo_ctx: KioskContext) -> None:
    members = household_members(demo_ctx, demo.LI_GUILAN)
    assert [(m.name, m.role_label) for m in members] == [("张德明", "户主"), ("张建国", "子女")]
    with_self = household_members(demo_ctx, demo.LI_GUILAN, include_self=True)
    assert len(with_self) == 3
    assert household_members(demo_ctx, demo.ZHANG_XIUYING) == []  # her own household


def test_registry_prefill_gives_every_field_with_its_source(demo_ctx: KioskContext) -> None:
    fields = RegistryPrefill(demo_ctx.store).lookup(ZHANG.lower(), today=TODAY)
    assert fields["name"] == PrefillValue("张德明", "公安户籍（派出所）（演示数据）")
    assert fields["village"].value == "v03-4"
    assert fields["household"].value == "DZ-v03-4-001"
    assert fields["flags.resident_pension"].value is True
    assert fields["flags.dibao"].value is False
    assert fields["flags.social_security_card"] == PrefillValue(False, "社保所（演示数据）")
    assert fields["household_head"] == PrefillValue(True, "公安户籍（派出所）（演示数据）")
    wife = RegistryPrefill(demo_ctx.store).lookup(demo.LI_GUILAN, today=TODAY)
    assert wife["household_head"].value is False  # 配偶, not the 户主
    assert "phone" not in fields  # not known for him
    assert RegistryPrefill(demo_ctx.store).lookup("500111200001010000", today=TODAY) == {}


def test_a_form_is_prefilled_from_the_registry_while_it_saves(demo_ctx: KioskContext) -> None:
    draft = start_case(demo_ctx, "pension_death_benefit", resident_id=demo.ZHANG_XIUYING)
    # The resident's own number brings her name and phone along.
    assert draft.fill.answers["applicant_name"] == "张秀英"
    assert draft.fill.answers["applicant_phone"] == "13896012345"
    # Looked up while the answer's unit of work holds the write lock: no deadlock.
    result = answer(demo_ctx, draft.case.id, "deceased_id", ZHANG)
    assert result.ok
    fill = result.draft.fill
    assert fill.answers["deceased_name"] == "张德明"
    assert fill.answers["deceased_village"] == "v03-4"
    assert fill.answers["drew_pension"] is True
    assert fill.prefill_label("drew_pension") == "社保所（演示数据）"
