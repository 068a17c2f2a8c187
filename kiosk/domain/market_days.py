"""The town's 赶集 calendar: which days are market days, and which village desks sit in the
hall on them.

Markets in rural Chongqing follow the lunar calendar and are named by the last digit of
the lunar day: 二五八 means lunar days 2, 5, 8, 12, 15, 18, 22, 25, 28. On a market day the
village cadres of some villages staff a desk in the town hall (村级代办点进驻大厅), so a
resident from that village is served there; on other days the village step happens at
the village committee (村委会).

The calendar travels as reference data (kind ``market_days``, see docs/desk.md) from the
town server to the kiosks, whose home banner reads it. Its JSON body::

    {"days": [2, 5, 8],                     # lunar day digits (0-9) or exact lunar days (10-30)
     "cancelled": ["2027-02-06"],           # Gregorian dates with no market (春节 ...)
     "villages": {"v02": [2, 5, 8], "v03": [5]}}   # village value -> the days its desk sits

A village's days must be market days (a subset of ``days``). Pure: no store, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lunar_python import Solar

DIGITS_ZH = "〇一二三四五六七八九"


class CalendarError(ValueError):
    """A calendar body that does not read: ``str()`` names the field in plain English
    (logs, CLI); ``message_zh`` says what is wrong for the 赶集日 page."""

    def __init__(self, message: str, message_zh: str = "赶集日填得不对，请检查后再保存。") -> None:
        super().__init__(message)
        self.message_zh = message_zh


def lunar_day(day: date) -> int:
    """The day of the lunar month (1-30) of a Gregorian date."""
    return int(Solar.fromYmd(day.year, day.month, day.day).getLunar().getDay())


def matches(lunar: int, spec: int) -> bool:
    """``spec`` < 10 is a last digit (2 → 2, 12, 22); 10 or more names one exact lunar day."""
    return lunar % 10 == spec if spec < 10 else lunar == spec


def parse_days(text: str) -> tuple[int, ...]:
    """ "2,5,8" (also "2，5，8" or "2 5 8") → (2, 5, 8); CalendarError for anything else."""
    parts = [p for p in text.replace("，", ",").replace(" ", ",").split(",") if p.strip()]
    days: list[int] = []
    for part in parts:
        part = part.strip()
        if not part.isdigit() or not 0 <= int(part) <= 30:
            raise CalendarError(
                f"market day '{part}' is not a lunar day digit 0-9 or day 10-30",
                f"赶集的日子“{part}”不对：请写农历日子的尾数 0–9（如 2,5,8），或 10–30 的整日子。",
            )
        if int(part) not in days:
            days.append(int(part))
    return tuple(sorted(days))


def days_name(days: Iterable[int]) -> str:
    """(2, 5, 8) → "二五八" (how a market is named); exact days as numbers."""
    return "".join(DIGITS_ZH[d] if d < 10 else f"{d}日" for d in days)


@dataclass(frozen=True)
class MarketCalendar:
    days: tuple[int, ...] = ()
    cancelled: frozenset[date] = frozenset()
    villages: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def is_market_day(self, day: date) -> bool:
        if day in self.cancelled or not self.days:
            return False
        lunar = lunar_day(day)
        return any(matches(lunar, d) for d in self.days)

    def staffed_villages(self, day: date) -> list[str]:
        """Village values whose desk sits in the hall on ``day`` (calendar order)."""
        if not self.is_market_day(day):
            return []
        lunar = lunar_day(day)
        return [v for v, days in self.villages.items() if any(matches(lunar, d) for d in days)]

    def village_in_hall(self, village: str, day: date) -> bool:
        return village in self.staffed_villages(day)

    def to_body(self) -> dict[str, Any]:
        return {
            "days": list(self.days),
            "cancelled": sorted(d.isoformat() for d in self.cancelled),
            "villages": {v: list(days) for v, days in sorted(self.villages.items())},
        }

    @classmethod
    def from_body(cls, body: Any) -> MarketCalendar:
        """Read a reference-data body; CalendarError naming the field when it does not read."""
        if not isinstance(body, dict):
            raise CalendarError("market_days: the body is not an object", "赶集日历的格式不对。")
        days = _day_list(body.get("days", []), "days")
        cancelled: set[date] = set()
        for text in body.get("cancelled", []) or []:
            try:
                cancelled.add(date.fromisoformat(str(text)))
            except ValueError as exc:
                raise CalendarError(
                    f"cancelled: '{text}' is not a date (YYYY-MM-DD)",
                    f"不赶集的日子“{text}”不是日期，请写成 2027-02-06 这样，一行一个。",
                ) from exc
        villages_raw = body.get("villages", {}) or {}
        if not isinstance(villages_raw, dict):
            raise CalendarError(
                "villages: not an object of village -> days", "各村进大厅的日子格式不对。"
            )
        villages: dict[str, tuple[int, ...]] = {}
        for village, vdays in villages_raw.items():
            chosen = _day_list(vdays, f"villages.{village}")
            extra = [d for d in chosen if d not in days]
            if extra:
                raise CalendarError(
                    f"villages.{village}: {extra} are not market days ({list(days)})",
                    f"村（{village}）排的日子{'、'.join(map(str, extra))}不是赶集日"
                    f"（现在逢{days_name(days)}赶集）。",
                )
            if chosen:
                villages[str(village)] = chosen
        return cls(tuple(days), frozenset(cancelled), villages)

    @classmethod
    def from_setting(cls, text: str) -> MarketCalendar:
        """The kiosk's own ``market_days`` setting ("2,5,8"): market days, no village desks."""
        try:
            return cls(parse_days(text))
        except CalendarError:
            return cls()


def _day_list(value: Any, where: str) -> tuple[int, ...]:
    if isinstance(value, str):
        try:
            return parse_days(value)
        except CalendarError as exc:
            raise CalendarError(f"{where}: {exc}", exc.message_zh) from exc
    if not isinstance(value, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 30 for d in value
    ):
        raise CalendarError(
            f"{where}: a list of lunar day digits 0-9 or days 10-30",
            "赶集的日子要写农历日子的尾数 0–9，或 10–30 的整日子。",
        )
    return tuple(sorted(set(value)))
