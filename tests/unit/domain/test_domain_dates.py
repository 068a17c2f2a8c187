from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.dates import InvalidDate, age_on, parse_date, validate_not_future


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024/3/5", date(2024, 3, 5)),
        ("2024.3.5", date(2024, 3, 5)),
        ("2024年3月5日", date(2024, 3, 5)),
        ("2024年3月5号", date(2024, 3, 5)),
        ("2024年03月05日", date(2024, 3, 5)),
        ("2024 年 3 月 5 日", date(2024, 3, 5)),
        ("20240305", date(2024, 3, 5)),
        ("２０２４年３月５日", date(2024, 3, 5)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2000/2/29", date(2000, 2, 29)),
        (" 1949-10-01 ", date(1949, 10, 1)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ("", "date.empty", "还没有填"),
        ("2024-02-30", "date.day", "2月只有29天，没有30日"),
        ("2月30日", "date.format", "2024年3月5日"),
        ("2023年2月29日", "date.day", "2023年不是闰年"),
        ("1900-02-29", "date.day", "1900年不是闰年"),
        ("20230431", "date.day", "4月只有30天，没有31日"),
        ("2024-13-01", "date.month", "没有13月"),
        ("2024-00-10", "date.month", "月份不能是0"),
        ("2024-01-00", "date.day", "几号不能是0"),
        ("0000-01-01", "date.year", "年份不对"),
        ("2024-3/5", "date.format", "年、月、日"),
        ("24-3-5", "date.format", "年、月、日"),
        ("yesterday", "date.format", "年、月、日"),
    ],
)
def test_parse_date_rejects(text: str, code: str, says: str) -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date(text)
    assert info.value.problem.code == code
    assert says in info.value.problem.message


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1950, 6, 15), date(2024, 6, 14), 73),
        (date(1950, 6, 15), date(2024, 6, 15), 74),
        (date(1950, 6, 15), date(1950, 6, 15), 0),
        # 29 February: the birthday falls on 1 March in common years.
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 28), 3),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(1964, 2, 29), date(2024, 2, 29), 60),
        (date(1964, 2, 29), date(2023, 2, 28), 58),
        (date(1964, 2, 29), date(2023, 3, 1), 59),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age


def test_age_on_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


def test_validate_not_future() -> None:
    today = date(2025, 6, 1)
    assert validate_not_future(today, today) is None
    assert validate_not_future(date(1950, 1, 1), today) is None
    problem = validate_not_future(date(2025, 6, 2), today)
    assert problem is not None
    assert problem.code == "date.future"


any_date = st.dates(min_value=date(1890, 1, 1), max_value=date(2100, 12, 31))


@given(any_date, st.integers(0, 80_000), st.integers(0, 80_000))
def test_age_on_is_monotonic(birth: date, a: int, b: int) -> None:
    first, second = birth + timedelta(days=min(a, b)), birth + timedelta(days=max(a, b))
    assert 0 <= age_on(birth, first) <= age_on(birth, second)


@given(any_date, any_date)
def test_age_on_is_year_difference_minus_one_before_the_birthday(birth: date, on: date) -> None:
    if on < birth:
        birth, on = on, birth
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        assert age_on(birth, on) == years - 1
    else:
        assert age_on(birth, on) == years


def _anniversary(birth: date, years: int) -> date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year
        return date(birth.year + years, 3, 1)


@given(any_date, any_date)
def test_age_on_counts_anniversaries_passed(birth: date, on: date) -> None:
    # An independent definition: the number of anniversaries on or before `on`.
    if on < birth:
        birth, on = on, birth
    passed = sum(1 for n in range(1, on.year - birth.year + 1) if _anniversary(birth, n) <= on)
    assert age_on(birth, on) == passed


@given(any_date)
def test_parse_date_round_trips_every_format(d: date) -> None:
    for text in (
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        d.strftime("%Y%m%d"),
    ):
        assert parse_date(text) == d
