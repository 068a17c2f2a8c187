"""The hall's desks and where each routing step of a case is handled today.

Department desks come from ``desks.yaml`` (beside this module); village desks are the
villages of the server's village list (reference data ``villages``), and until an admin
loads one, of the shipped catalogue's list (the list the server publishes at its first
start), so a fresh server can have accounts at its village desks. A routing step
naming the village step (村委会) goes to the desk of the case's village: in the hall on
the market days its desk is staffed (kiosk.domain.market_days), otherwise at the
village committee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from kiosk.domain.market_days import CalendarError, MarketCalendar
from kiosk.forms.catalogue import DEFINITIONS_DIR, LISTS_FILE
from kiosk.forms.loader import load_choice_lists
from kiosk.forms.schema import FormDefinition, Question
from kiosk.server import refdata

DESKS_FILE = Path(__file__).with_name("desks.yaml")
IN_HALL = "大厅"
AT_VILLAGE = "村委会"


@dataclass(frozen=True)
class HallDesk:
    name: str
    kind: str  # "department" or "village"
    handles: tuple[str, ...] = ()
    village: str | None = None  # the village list's value, for a village desk


@dataclass(frozen=True)
class Place:
    """Where a step is handled: the hall desk, and whether in the hall or at the village."""

    desk: str
    where: str

    @property
    def text(self) -> str:
        if self.where == IN_HALL:
            return self.desk
        return f"{self.desk}（在{self.where}办）"

    @property
    def visit_words(self) -> str:
        """Where a resident goes, in an SMS: 民政办, 新店村村委会, 石马社区居委会."""
        if self.where == IN_HALL or self.desk == self.where:
            return self.desk
        return self.desk + ("居委会" if self.desk.endswith("社区") else self.where)


@cache
def _desk_file() -> tuple[str, tuple[HallDesk, ...]]:
    data: Any = yaml.safe_load(DESKS_FILE.read_text(encoding="utf-8"))
    desks = tuple(
        HallDesk(str(d["name"]), "department", tuple(str(h) for h in d.get("handles", [])))
        for d in data["desks"]
    )
    return str(data["village_step"]), desks


@dataclass(frozen=True)
class Hall:
    village_step: str
    departments: tuple[HallDesk, ...]
    villages: tuple[HallDesk, ...]
    calendar: MarketCalendar

    @property
    def desks(self) -> list[HallDesk]:
        return [*self.departments, *self.villages]

    def find(self, name: str) -> HallDesk | None:
        return next((d for d in self.desks if d.name == name), None)

    def village_label(self, value: str | None) -> str | None:
        return next((d.name for d in self.villages if d.village == value), None)

    def place(self, routing_desk: str, village: str | None, today: date) -> Place:
        """The hall desk that handles ``routing_desk`` of a case from ``village`` on ``today``."""
        if routing_desk == self.village_step:
            label = self.village_label(village)
            if label is None:
                return Place(self.village_step, AT_VILLAGE)
            staffed = village is not None and self.calendar.village_in_hall(village, today)
            return Place(label, IN_HALL if staffed else AT_VILLAGE)
        for desk in self.departments:
            if routing_desk in desk.handles or routing_desk == desk.name:
                return Place(desk.name, IN_HALL)
        return Place(routing_desk, IN_HALL)


def market_calendar(session: Session) -> MarketCalendar:
    row = refdata.get(session, "market_days")
    if row is None:
        return MarketCalendar()
    try:
        return MarketCalendar.from_body(row.body)
    except CalendarError:
        return MarketCalendar()


@cache
def shipped_villages() -> tuple[dict[str, str], ...]:
    """The shipped catalogue's village list (kiosk/forms/definitions/lists.yaml)."""
    lists = load_choice_lists(DEFINITIONS_DIR / LISTS_FILE)
    return tuple({"value": c.value, "label": c.label} for c in lists.get("villages", []))


def load_hall(session: Session) -> Hall:
    """The desks as configured now (village list and calendar read from the database;
    the shipped village list while the database has none)."""
    village_step, departments = _desk_file()
    row = refdata.get(session, "villages")
    body: Any = row.body if row is not None else list(shipped_villages())
    villages = tuple(
        HallDesk(str(v["label"]), "village", (village_step,), str(v["value"]))
        for v in (body if isinstance(body, list) else [])
        if isinstance(v, dict) and "value" in v and "label" in v
    )
    return Hall(village_step, departments, villages, market_calendar(session))


def _questions(qs: list[Question]) -> list[Question]:
    out: list[Question] = []
    for q in qs:
        if q.type == "repeat":
            continue  # a household member's village is not the case's village
        out.append(q)
        out.extend(_questions(q.children))
    return out


def case_village(form: FormDefinition, answers: dict[str, Any]) -> str | None:
    """The village value of a case: its first answered village question ("v03-4" → "v03")."""
    for q in _questions(form.questions):
        if q.type == "village" and answers.get(q.name):
            return str(answers[q.name]).split("-", 1)[0]
    return None


def case_phone(form: FormDefinition, answers: dict[str, Any]) -> str | None:
    """The phone to tell about the case: its first answered phone question."""
    for q in _questions(form.questions):
        if q.type == "phone" and answers.get(q.name):
            return str(answers[q.name])
    return None
