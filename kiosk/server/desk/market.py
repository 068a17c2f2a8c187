"""The 赶集日 page's work: read and save the town's market calendar, and lay out the
coming days. The calendar is stored as reference data ``market_days`` (its version goes
up on every change), which kiosks pull for their home banner (kiosk.services.market_days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lunar_python import Solar
from sqlalchemy.orm import Session

from kiosk.domain.market_days import CalendarError, MarketCalendar, parse_days
from kiosk.server import refdata
from kiosk.server.desk.hall import Hall, market_calendar

KIND = "market_days"


@dataclass(frozen=True)
class DayPlan:
    day: date
    lunar: str  # 十月初五
    market: bool
    cancelled: bool
    villages: list[str]  # labels of the village desks in the hall that day


def calendar_from_form(
    days_text: str, cancelled_text: str, village_days: dict[str, list[int]]
) -> MarketCalendar:
    """The page's fields → a calendar; CalendarError naming the field when one is wrong."""
    days = parse_days(days_text)
    cancelled: list[str] = []
    for line in cancelled_text.replace("，", "\n").replace(",", "\n").splitlines():
        if line.strip():
            cancelled.append(line.strip())
    body = {
        "days": list(days),
        "cancelled": cancelled,
        "villages": {v: [d for d in ds if d in days] for v, ds in village_days.items()},
    }
    return MarketCalendar.from_body(body)


def save(session: Session, calendar: MarketCalendar) -> int:
    """Publish the calendar to kiosks; returns its reference-data version."""
    return refdata.put(session, KIND, calendar.to_body())


def current(session: Session) -> tuple[MarketCalendar, int]:
    row = refdata.get(session, KIND)
    return market_calendar(session), (row.version if row else 0)


def _lunar_words(day: date) -> str:
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return f"{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"


def coming_days(hall: Hall, start: date, n: int = 14) -> list[DayPlan]:
    cal = hall.calendar
    plans = []
    for i in range(n):
        day = start + timedelta(days=i)
        plans.append(
            DayPlan(
                day=day,
                lunar=_lunar_words(day),
                market=cal.is_market_day(day),
                cancelled=day in cal.cancelled,
                villages=[d.name for d in hall.villages if d.village in cal.staffed_villages(day)],
            )
        )
    return plans


__all__ = ["CalendarError", "DayPlan", "calendar_from_form", "coming_days", "current", "save"]
