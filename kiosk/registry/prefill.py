"""Prefill from the registry: name, village and group, phone, household (and whether the
person is its 户主), department flags."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from kiosk.domain.errors import DomainError
from kiosk.domain.idcard import parse_id_number
from kiosk.forms.prefill import PrefillValue
from kiosk.registry.records import FLAGS, Resident
from kiosk.registry.repository import read_resident
from kiosk.store.uow import Store


def prefill_fields(resident: Resident) -> dict[str, PrefillValue]:
    """The fields a form may name in ``prefill: {field: ...}``, each with its source."""
    fields: dict[str, PrefillValue] = {
        "name": PrefillValue(resident.name, resident.source("name")),
        # The village question's value with its group, as with_group questions store it.
        "village": PrefillValue(f"{resident.village}-{resident.group}", resident.source("village")),
        "household": PrefillValue(resident.household, resident.source("household")),
        # Whether the person is the 户主 (a yes_no answer: 户主变更 after a death).
        "household_head": PrefillValue(
            resident.household_role == "head", resident.source("household")
        ),
    }
    if resident.phone:
        fields["phone"] = PrefillValue(resident.phone, resident.source("phone"))
    for flag in FLAGS:
        name = f"flags.{flag}"
        fields[name] = PrefillValue(resident.flags.get(flag, False), resident.source(name))
    return fields


class RegistryPrefill:
    """A PrefillSource reading the registry extract in the kiosk's store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def lookup(self, id_number: str, *, today: date) -> Mapping[str, PrefillValue]:
        try:
            number = parse_id_number(id_number, today=today).number
        except DomainError:
            return {}
        resident = read_resident(self.store, number)
        return prefill_fields(resident) if resident else {}
