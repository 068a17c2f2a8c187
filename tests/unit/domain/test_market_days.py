"""The 赶集 calendar (kiosk.domain.market_days): lunar day digits, cancelled dates, the
village desks' days, and its JSON body."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.domain.market_days import CalendarError, MarketCalendar, days_name, parse_days


def test_digits_name_lunar_days_and_exact_days_name_one() -> None:
    cal = MarketCalendar((2, 5, 8))
    # 2026-11-20 is lunar 十月十二, 11-21 十三, 11-23 十五, 11-30 廿二.
    assert cal.is_market_day(date(2026, 11, 20))
    assert not cal.is_market_day(date(2026, 11, 21))
    assert cal.is_market_day(date(2026, 11, 23)) and cal.is_market_day(date(2026, 11, 30))
    assert MarketCalendar((12,)).is_market_day(date(2026, 11, 20))
    assert not MarketCalendar((12,)).is_market_day(date(2026, 11, 30))
    assert days_name((1, 4, 7)) == "一四七"


def test_cancelled_days_and_village_desks() -> None:
    cal = MarketCalendar.from_body(
        {"days": "2,5,8", "cancelled": ["2026-11-23"], "villages": {"v03": [2], "v02": [5, 8]}}
    )
    assert cal.staffed_villages(date(2026, 11, 20)) == ["v03"]  # lunar 12
    assert cal.staffed_villages(date(2026, 11, 23)) == []  # cancelled
    assert cal.staffed_villages(date(2026, 11, 26)) == ["v02"]  # lunar 18
    assert MarketCalendar.from_body(cal.to_body()) == cal


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": "2,x"}, "days"),
        ({"days": [2], "villages": {"v01": [3]}}, "villages.v01"),
        ({"days": [2], "cancelled": ["11/23"]}, "cancelled"),
        ([], "body"),
    ],
)
def test_a_bad_body_names_its_field(body: object, field: str) -> None:
    with pytest.raises(CalendarError, match=field.replace(".", r"\.")):
        MarketCalendar.from_body(body)


def test_the_kiosk_setting_reads_as_market_days_without_villages() -> None:
    assert MarketCalendar.from_setting("2，5，8").days == (2, 5, 8)
    assert MarketCalendar.from_setting("nonsense") == MarketCalendar()
    assert parse_days("8 2 5 2") == (2, 5, 8)


@pytest.mark.parametrize(
    ("body", "zh"),
    [
        ({"days": "二五八"}, "请写农历日子的尾数"),
        ({"days": "2,5,31"}, "“31”不对"),
        ({"days": [2], "cancelled": ["notadate"]}, "请写成 2027-02-06 这样"),
        ({"days": [2, 5], "villages": {"v03": [8]}}, "不是赶集日（现在逢二五赶集）"),
        ({"days": [2], "villages": "v03"}, "格式不对"),
    ],
)
def test_calendar_errors_say_what_is_wrong_in_chinese_too(body: object, zh: str) -> None:
    with pytest.raises(CalendarError) as caught:
        MarketCalendar.from_body(body)
    assert zh in caught.value.message_zh
    assert str(caught.value).isascii() or "二五八" in str(caught.value)  # English for logs
