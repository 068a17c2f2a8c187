"""The home banner's market-day line, from the town's 赶集 calendar.

The calendar is the town server's reference data ``market_days`` (set on the desk
console's 赶集日 page, kiosk.domain.market_days); until a kiosk has pulled one, its own
``market_days`` setting ("2,5,8") says which lunar days are market days.
"""

from __future__ import annotations

import logging
from datetime import date

from kiosk.domain.market_days import CalendarError, MarketCalendar
from kiosk.services.context import KioskContext
from kiosk.sync.pull import read_reference

log = logging.getLogger(__name__)
KIND = "market_days"
PLAIN = "今天是赶集日：各村便民服务代办点开门办事。"
WITH_VILLAGES = "今天赶集：{villages}的代办员在大厅办事。"


def market_calendar(ctx: KioskContext) -> MarketCalendar:
    """The pulled calendar, else one made from the kiosk's ``market_days`` setting."""
    try:
        stored = read_reference(ctx.store, ctx.data_root, KIND)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("stored market-day calendar is not readable: %s", exc)
        stored = None
    if stored is not None:
        try:
            return MarketCalendar.from_body(stored[1])
        except CalendarError as exc:
            log.warning("stored market-day calendar is not usable: %s", exc)
    return MarketCalendar.from_setting(ctx.settings.market_days)


def market_day_banner(ctx: KioskContext, day: date) -> str | None:
    """The banner text for ``day``, or None when it is not a market day.

    Names the villages whose desk sits in the hall that day, in the words of the
    village list (``ctx.catalogue.lists['villages']``, replaced by the server's list).
    """
    calendar = market_calendar(ctx)
    if not calendar.is_market_day(day):
        return None
    staffed = calendar.staffed_villages(day)
    listed = ctx.catalogue.lists.get("villages", [])
    villages = [c.label for c in listed if c.value in staffed]  # in the village list's order
    villages += [v for v in staffed if v not in {c.value for c in listed}]
    if not villages:
        return PLAIN
    return WITH_VILLAGES.format(villages="、".join(villages))
