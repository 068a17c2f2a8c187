"""Registry operations: load an extract (or the demo one), look a person up, list a household.

Loading replaces the previous extract in one transaction: a kiosk never
prefills from half of an old extract and half of a new one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.domain.idcard import parse_id_number
from kiosk.registry import repository as repo
from kiosk.registry.records import (
    FLAG_LABELS,
    FLAGS,
    HOUSEHOLD_ROLES,
    RegistryDataError,
    Resident,
    parse_document,
    parse_records,
)
from kiosk.registry.repository import RegistryRepository
from kiosk.services.context import KioskContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistryStatus:
    source_version: str | None
    count: int
    demo: bool
    loaded_at: str | None
    changed: bool = False  # whether this call loaded anything


@dataclass(frozen=True)
class ResidentView:
    """One resident as staff see it (personal data: show on screen, never log)."""

    id_number: str
    name: str
    sex: str
    birth_date: str
    age: int
    village: str
    village_label: str
    group: int
    household: str
    household_role: str
    phone: str | None
    flags: dict[str, bool]
    flag_labels: list[str]  # the flags that are set, in words
    sources: dict[str, str]  # field → where it came from
    demo: bool


@dataclass(frozen=True)
class HouseholdMember:
    id_number: str
    name: str
    sex: str
    birth_date: str
    age: int
    household_role: str
    role_label: str


def _villages(ctx: KioskContext) -> list[str]:
    return [c.value for c in ctx.catalogue.lists.get("villages", [])]


def registry_status(ctx: KioskContext) -> RegistryStatus:
    with ctx.store.unit_of_work(read_only=True) as uow:
        return RegistryStatus(
            source_version=uow.meta.get(repo.META_VERSION),
            count=int(uow.meta.get(repo.META_COUNT) or 0),
            demo=uow.meta.get(repo.META_DEMO) == "1",
            loaded_at=uow.meta.get(repo.META_LOADED_AT),
        )


def load_registry(
    ctx: KioskContext,
    records: Iterable[Any],
    *,
    source_version: str,
    sources: Mapping[str, str] | None = None,
    demo: bool = False,
) -> RegistryStatus:
    """Check every record, then replace the stored extract atomically (RegistryDataError)."""
    residents = parse_records(
        records, villages=_villages(ctx), today=ctx.today(), sources=sources, demo=demo
    )
    return _replace(ctx, residents, source_version=source_version, demo=demo)


def _replace(
    ctx: KioskContext, residents: list[Resident], *, source_version: str, demo: bool
) -> RegistryStatus:
    loaded_at = ctx.clock().isoformat(timespec="seconds")
    with ctx.store.unit_of_work() as uow:
        count = RegistryRepository(uow.session, ctx.store.cipher).replace_all(
            residents, source_version=source_version
        )
        uow.meta.set(repo.META_VERSION, source_version)
        uow.meta.set(repo.META_COUNT, str(count))
        uow.meta.set(repo.META_DEMO, "1" if demo else "0")
        uow.meta.set(repo.META_LOADED_AT, loaded_at)
        uow.commit()
    log.info("registry extract %s loaded: %d resident(s)", source_version, count)
    return RegistryStatus(source_version, count, demo, loaded_at, changed=True)


def load_registry_document(ctx: KioskContext, data: Any) -> RegistryStatus:
    """A decoded extract file (docs/registry.md), as the town server sends it."""
    doc = parse_document(data, villages=_villages(ctx), today=ctx.today())
    return _replace(ctx, doc.residents, source_version=doc.source_version, demo=doc.demo)


def load_registry_file(ctx: KioskContext, path: Path) -> RegistryStatus:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegistryDataError([f"{path}: cannot read a JSON document: {exc}"]) from exc
    return load_registry_document(ctx, data)


def load_demo_data(ctx: KioskContext) -> RegistryStatus:
    """Load the demo registry unless it (or a real extract) is already there.

    A real extract is never replaced by demo data; loading the same demo
    version twice does nothing.
    """
    from kiosk.registry.demo import DEMO_SOURCE_VERSION, demo_document

    ctx.settings.demo_data = True
    status = registry_status(ctx)
    if status.source_version == DEMO_SOURCE_VERSION and status.demo:
        return status
    if status.source_version is not None and not status.demo:
        log.warning("a real registry extract is loaded; the demo registry is not loaded over it")
        return status
    return load_registry_document(ctx, demo_document())


def _require_number(ctx: KioskContext, id_number: str) -> str:
    return parse_id_number(id_number, today=ctx.today()).number


def find_resident(ctx: KioskContext, id_number: str) -> ResidentView | None:
    """The registry record of a person (InvalidIdNumber for a bad number, None if unknown)."""
    number = _require_number(ctx, id_number)
    with ctx.store.unit_of_work(read_only=True) as uow:
        resident = RegistryRepository(uow.session, ctx.store.cipher).get(number)
    if resident is None:
        return None
    parsed = parse_id_number(resident.id_number, today=ctx.today())
    labels = {c.value: c.label for c in ctx.catalogue.lists.get("villages", [])}
    sources = {
        name: resident.source(name) for name in ("name", "village", "household", "phone")
    } | {f"flags.{f}": resident.source(f"flags.{f}") for f in FLAGS}
    return ResidentView(
        id_number=resident.id_number,
        name=resident.name,
        sex=parsed.sex_label,
        birth_date=parsed.birth_date.isoformat(),
        age=parsed.age(ctx.today()),
        village=resident.village,
        village_label=labels.get(resident.village, resident.village),
        group=resident.group,
        household=resident.household,
        household_role=resident.household_role,
        phone=resident.phone,
        flags=dict(resident.flags),
        flag_labels=[FLAG_LABELS[f] for f in FLAGS if resident.flags.get(f)],
        sources=sources,
        demo=resident.demo,
    )


def household_members(
    ctx: KioskContext, id_number: str, *, include_self: bool = False
) -> list[HouseholdMember]:
    """The people of this person's household (户), head first; [] when not in the registry.

    The UI offers them as heirs or household members, to confirm rather than type.
    """
    number = _require_number(ctx, id_number)
    with ctx.store.unit_of_work(read_only=True) as uow:
        registry = RegistryRepository(uow.session, ctx.store.cipher)
        person = registry.get(number)
        members = registry.household(person.household) if person else []
    order = list(HOUSEHOLD_ROLES)
    members.sort(key=lambda m: (order.index(m.household_role), m.id_number[6:14]))
    out = []
    for m in members:
        if m.id_number == number and not include_self:
            continue
        parsed = parse_id_number(m.id_number, today=ctx.today())
        out.append(
            HouseholdMember(
                id_number=m.id_number,
                name=m.name,
                sex=parsed.sex,
                birth_date=parsed.birth_date.isoformat(),
                age=parsed.age(ctx.today()),
                household_role=m.household_role,
                role_label=HOUSEHOLD_ROLES[m.household_role],
            )
        )
    return out
