import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.errors import DomainError
from kiosk.domain.phone import InvalidMobile, normalize_mobile, validate_mobile


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("＋86 １３８１２３４５６７８", "13812345678"),
        ("138－1234－5678", "13812345678"),
        ("19912345678", "19912345678"),
        ("16612345678", "16612345678"),
        (" 15023456789\n", "15023456789"),
    ],
)
def test_valid_mobiles(text: str, expected: str) -> None:
    assert validate_mobile(text) is None
    assert normalize_mobile(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ("", "mobile.empty", "还没有填"),
        ("  ", "mobile.empty", "还没有填"),
        ("+86", "mobile.empty", "还没有填"),
        ("1381234567", "mobile.length", "您输入了10位"),
        ("138123456789", "mobile.length", "您输入了12位"),
        ("86 13812345678", "mobile.length", "您输入了13位"),
        ("12812345678", "mobile.prefix", "第二位是3到9"),
        ("02312345678", "mobile.prefix", "1开头"),  # Chongqing landline, also 11 digits
        ("23812345678", "mobile.prefix", "1开头"),
        ("1381234567a", "mobile.characters", "只能有数字"),
        ("138.1234.5678", "mobile.characters", "只能有数字"),
        ("(023)12345678", "mobile.characters", "只能有数字"),
    ],
)
def test_invalid_mobiles(text: str, code: str, says: str) -> None:
    problem = validate_mobile(text)
    assert problem is not None
    assert problem.code == code
    assert says in problem.message
    with pytest.raises(InvalidMobile) as info:
        normalize_mobile(text)
    assert isinstance(info.value, DomainError)
    assert info.value.problem == problem


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_any_well_formed_mobile_normalizes_to_itself(second: str, rest: str) -> None:
    number = "1" + second + rest
    assert normalize_mobile(number) == number
    assert normalize_mobile(f"+86 {number[:3]} {number[3:7]} {number[7:]}") == number
