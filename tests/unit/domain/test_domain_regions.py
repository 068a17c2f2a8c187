import pytest

from kiosk.domain import regions
from kiosk.domain.regions import (
    CHONGQING_DISTRICTS,
    CHONGQING_HISTORICAL,
    DAZU_DISTRICT,
    PROVINCES,
    current_region_code,
    is_known_province,
    province_name,
    region_name,
)


def test_there_are_34_provinces() -> None:
    assert len(PROVINCES) == 34
    assert all(len(code) == 2 and code.isdigit() for code in PROVINCES)


def test_dazu_constant() -> None:
    assert DAZU_DISTRICT == "500111"
    assert region_name(DAZU_DISTRICT) == "重庆市大足区"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("500101", "重庆市万州区"),
        ("500118", "重庆市永川区"),
        ("500151", "重庆市铜梁区"),
        ("500152", "重庆市潼南区"),
        ("500153", "重庆市荣昌区"),
        ("500154", "重庆市开州区"),
        ("500155", "重庆市梁平区"),
        ("500156", "重庆市武隆区"),
        ("500229", "重庆市城口县"),
        ("500233", "重庆市忠县"),
        ("500240", "重庆市石柱土家族自治县"),
        ("500243", "重庆市彭水苗族土家族自治县"),
        # Retired codes keep the name printed on old cards.
        ("500223", "重庆市潼南县"),
        ("500224", "重庆市铜梁县"),
        ("500225", "重庆市大足县"),
        # Outside Chongqing we only know the province.
        ("510212", "四川省"),
        ("110105", "北京市"),
        ("500199", "重庆市"),
        ("830000", "台湾省"),
        ("990000", None),
        ("", None),
    ],
)
def test_region_name(code: str, name: str | None) -> None:
    assert region_name(code) == name


def test_province_name_and_known() -> None:
    assert province_name("500111") == "重庆市"
    assert province_name("650102") == "新疆维吾尔自治区"
    assert province_name("x") is None
    assert is_known_province("440301")
    assert is_known_province("810000")
    assert not is_known_province("000000")
    assert not is_known_province("991234")
    assert not is_known_province("５0")  # full-width digits are not codes


def test_historical_codes_map_to_current_districts() -> None:
    assert current_region_code("500225") == DAZU_DISTRICT
    assert current_region_code(DAZU_DISTRICT) == DAZU_DISTRICT
    assert current_region_code("510212") is None
    for old, (_name, new) in CHONGQING_HISTORICAL.items():
        assert old not in CHONGQING_DISTRICTS
        assert new in CHONGQING_DISTRICTS


def test_every_chongqing_code_is_six_digits_under_50() -> None:
    codes = [*CHONGQING_DISTRICTS, *CHONGQING_HISTORICAL]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 6 and c.startswith(regions.CHONGQING) for c in codes)
