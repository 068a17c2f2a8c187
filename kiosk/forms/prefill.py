"""Prefill sources: what the system already knows about a person, keyed by ID number.

让数据多跑路，让群众少跑腿: answers that can be derived from the ID number, or
found in the registry data of other departments, are filled in and shown to the
resident to confirm, with where they came from, instead of being typed again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from kiosk.domain.errors import DomainError
from kiosk.domain.idcard import parse_id_number


@dataclass(frozen=True)
class PrefillValue:
    value: Any
    source: str  # where it came from, in words: "身份证号码", "公安户籍（派出所）"


class PrefillSource(Protocol):
    def lookup(self, id_number: str, *, today: date) -> Mapping[str, PrefillValue]:
        """Fields known for this person (empty when unknown)."""
        ...


class IdNumberPrefill:
    """Fields every valid ID number carries: birth date, sex, age, birth region."""

    SOURCE = "身份证号码"

    def lookup(self, id_number: str, *, today: date) -> Mapping[str, PrefillValue]:
        try:
            parsed = parse_id_number(id_number, today=today)
        except DomainError:
            return {}
        fields: dict[str, Any] = {
            "id_number": parsed.number,
            "birth_date": parsed.birth_date.isoformat(),
            "sex": parsed.sex,
            "age": parsed.age(today),
            "region_code": parsed.region_code,
        }
        if parsed.region_name:
            fields["region_name"] = parsed.region_name
        return {name: PrefillValue(value, self.SOURCE) for name, value in fields.items()}


class ChainedPrefill:
    """Ask several sources; a later source (the registry) wins over an earlier one."""

    def __init__(self, sources: Sequence[PrefillSource]) -> None:
        self.sources = list(sources)

    def lookup(self, id_number: str, *, today: date) -> Mapping[str, PrefillValue]:
        merged: dict[str, PrefillValue] = {}
        for source in self.sources:
            merged.update(source.lookup(id_number, today=today))
        return merged


class CardPrefill:
    """Fields read from the resident's ID card chip (source 身份证), for that card's number only.

    ``fields`` is :meth:`kiosk.domain.id_card_chip.IdCardData.prefill_fields`: name, sex,
    nation, birth_date, address, id_number, card_valid_until. Chained after the registry,
    the card wins: it is the document itself.
    """

    SOURCE = "身份证"

    def __init__(self, id_number: str, fields: Mapping[str, Any]) -> None:
        self._number = id_number
        self._fields = dict(fields)

    def lookup(self, id_number: str, *, today: date) -> Mapping[str, PrefillValue]:
        if id_number.strip().upper() != self._number.upper():
            return {}
        return {name: PrefillValue(value, self.SOURCE) for name, value in self._fields.items()}


def default_prefill() -> PrefillSource:
    return IdNumberPrefill()
