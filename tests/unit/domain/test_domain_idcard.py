"""Table tests for ID numbers; properties live in test_domain_idcard_properties.py."""

from datetime import date

import pytest

from kiosk.domain.idcard import (
    IdNumber,
    InvalidIdNumber,
    check_character,
    make_id_number,
    normalize_id_text,
    parse_id_number,
    validate_id_number,
)

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "birth", "sex", "region"),
    [
        # The textbook example from GB 11643-1999.
        ("11010519491231002X", date(1949, 12, 31), "female", "北京市"),
        ("500111195207140314", date(1952, 7, 14), "male", "重庆市大足区"),
        ("500225194811020422", date(1948, 11, 2), "female", "重庆市大足县"),
        ("500223196001010077", date(1960, 1, 1), "male", "重庆市潼南县"),
        ("500111200002290187", date(2000, 2, 29), "female", "重庆市大足区"),
        ("510212193805200617", date(1938, 5, 20), "male", "四川省"),
        ("440301198512310012", date(1985, 12, 31), "male", "广东省"),
        ("50024019720808244X", date(1972, 8, 8), "female", "重庆市石柱土家族自治县"),
        ("830000199006150030", date(1990, 6, 15), "male", "台湾省"),
        ("500118202401091007", date(2024, 1, 9), "female", "重庆市永川区"),
        ("500111194910019992", date(1949, 10, 1), "male", "重庆市大足区"),
        ("500154189001010054", date(1890, 1, 1), "male", "重庆市开州区"),
        # Input forms residents and card readers produce.
        ("11010519491231002x", date(1949, 12, 31), "female", "北京市"),
        ("11010519491231002Ｘ", date(1949, 12, 31), "female", "北京市"),
        ("11010519491231002×", date(1949, 12, 31), "female", "北京市"),
        ("５００１１１１９５２０７１４０３１４", date(1952, 7, 14), "male", "重庆市大足区"),
        (" 500111 19520714 0314\n", date(1952, 7, 14), "male", "重庆市大足区"),
        ("500111\u300019520714\u30000314", date(1952, 7, 14), "male", "重庆市大足区"),
    ],
)
def test_valid_numbers(text: str, birth: date, sex: str, region: str) -> None:
    assert validate_id_number(text, today=TODAY) is None
    parsed = parse_id_number(text, today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex == sex
    assert parsed.sex_label == ("男" if sex == "male" else "女")
    assert parsed.region_name == region
    assert len(parsed.number) == 18
    assert parsed.number == normalize_id_text(text)


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ("", "id_number.empty", "还没有输入"),
        ("  \t ", "id_number.empty", "还没有输入"),
        ("50011119520714031", "id_number.length", "您输入了17位"),
        ("5001111952071403144", "id_number.length", "您输入了19位"),
        ("50011119520714X", "id_number.length", "您输入了15位"),
        ("500111520714031", "id_number.length", "老的15位号码"),
        ("50011119520714031A", "id_number.characters", "第18位“A”不是数字"),
        ("5001111952X7140314", "id_number.characters", "只有最后一位可能是X"),
        ("500111-19520714-0314", "id_number.characters", "第7位"),
        ("990111195207140314", "id_number.province", "省份"),
        ("000000195207140314", "id_number.province", "省份"),
        ("500111199002300000", "id_number.birth_date", "2月只有28天，没有30日"),
        ("500111199013010000", "id_number.birth_date", "没有13月"),
        ("500111190002290000", "id_number.birth_date", "1900年不是闰年"),
        ("500111190101000000", "id_number.birth_date", "几号不能是0"),
        ("500111190100010000", "id_number.birth_date", "月份不能是0"),
        ("500111203001010019", "id_number.birth_date_future", "还没到"),
        ("500111188912310011", "id_number.birth_date_too_early", "1890"),
        ("110105194912310021", "id_number.checksum", "最后一位对不上"),
        ("500111195207140315", "id_number.checksum", "最后一位对不上"),
        ("500111195207140341", "id_number.checksum", "最后一位对不上"),  # swapped digits
    ],
)
def test_invalid_numbers(text: str, code: str, says: str) -> None:
    problem = validate_id_number(text, today=TODAY)
    assert problem is not None
    assert problem.code == code
    assert says in problem.message
    assert problem.severity == "error"
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number(text, today=TODAY)
    assert info.value.problem == problem
    assert str(info.value) == problem.message_en


def test_length_message_in_english() -> None:
    problem = validate_id_number("50011119520714031")
    assert problem is not None
    assert problem.message_en == "ID number has 17 characters; it needs 18"


@pytest.mark.parametrize(
    "text",
    ["110105194912310021", "500111199002300000", "500111203001010019", "99011119520714031X"],
)
def test_english_messages_never_leak_the_number(text: str) -> None:
    problem = validate_id_number(text, today=TODAY)
    assert problem is not None
    assert text[:6] not in problem.message_en
    assert text[6:14] not in problem.message_en
    assert text[14:] not in problem.message_en


def test_birth_date_today_is_allowed_tomorrow_is_not() -> None:
    number = make_id_number("500111", date(2025, 6, 1), 1)
    assert validate_id_number(number, today=date(2025, 6, 1)) is None
    problem = validate_id_number(number, today=date(2025, 5, 31))
    assert problem is not None
    assert problem.code == "id_number.birth_date_future"


def test_today_defaults_to_the_real_clock() -> None:
    assert validate_id_number("500111195207140314") is None
    assert validate_id_number(make_id_number("500111", date(2999, 1, 1), 1)) is not None


def test_check_character() -> None:
    assert check_character("11010519491231002") == "X"
    assert check_character("50011119520714031") == "4"
    with pytest.raises(ValueError):
        check_character("1101051949123100")
    with pytest.raises(ValueError):
        check_character("1101051949123100X")


def test_id_number_derived_fields() -> None:
    parsed = parse_id_number("11010519491231002X")
    assert parsed == IdNumber("11010519491231002X", "110105", date(1949, 12, 31), 2)
    assert parsed.masked == "1101**********002X"
    assert len(parsed.masked) == 18
    assert parsed.age(date(2024, 12, 30)) == 74
    assert parsed.age(date(2024, 12, 31)) == 75
    assert "19491231" not in repr(parsed)


def test_make_id_number_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        make_id_number("50011", date(1950, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("500111", date(1950, 1, 1), 1000)
    with pytest.raises(ValueError):
        make_id_number("500111", date(1950, 1, 1), -1)
